"""Who may see and act on an adesione. Views ask here; templates mirror the answers."""

from guardian.shortcuts import get_objects_for_user

from organizzazioni.models import Ente, Incarico
from sct_site.cache.memo import per_richiesta

from ..models import Adesione
from ..permessi import e_banditore

RUOLI_OPERATIVI = (Incarico.Ruolo.RESPONSABILE, Incarico.Ruolo.RUP)
PERM_VEDI = "contratti.view_adesione"
PERM_MODIFICA = "contratti.change_adesione"


@per_richiesta
def enti_operativi(user):
    """Enti for which the user may request and manage adesioni (Responsabile/Buyer or RUP)."""

    if not user.is_authenticated:
        return Ente.objects.none()
    return Ente.objects.filter(incarichi__user=user, incarichi__ruolo__in=RUOLI_OPERATIVI).distinct()


def puo_vedere(user, adesione):
    if not user.is_authenticated:
        return False
    return user.has_perm(PERM_VEDI, adesione) or e_banditore(user, adesione.contratto)


def puo_operare(user, adesione):
    """Act as the aderente: edit, send, withdraw, delete the draft."""
    return (
        user.is_authenticated
        and user.has_perm(PERM_MODIFICA, adesione)
        and enti_operativi(user).filter(pk=adesione.ente_id).exists()
    )


def adesioni_visibili(user, contratto):
    """The adesioni of the "Elenco adesioni" tab. An eliminated adesione (kept for the audit because
    it was sent) is not listed; its riepilogo stays readable by who could read it."""

    adesioni = Adesione.objects.non_eliminate().filter(contratto=contratto).select_related("ente")
    if not user.is_authenticated:
        return adesioni.none()
    if e_banditore(user, contratto):
        return adesioni
    return get_objects_for_user(user, PERM_VEDI, klass=adesioni, accept_global_perms=False)
