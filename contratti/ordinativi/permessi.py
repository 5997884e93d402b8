"""Who may see and act on an ordinativo. Views ask here; templates mirror the answers."""

from django.db.models import Q
from guardian.shortcuts import get_objects_for_user

from organizzazioni.models import Incarico

from ..adesioni.permessi import enti_operativi
from ..models import Ordinativo
from ..permessi import e_banditore

PERM_VEDI = "contratti.view_ordinativo"
PERM_MODIFICA = "contratti.change_ordinativo"


# The banditore sees an ordinativo once the ente has sent it (and ever after: approved, refused,
# cancelled, sent again); a draft never sent belongs to the ente alone.
INVIATI = Q(inviato_il__isnull=False)


def e_banditore_dell_ordinativo(user, ordinativo):
    return ordinativo.inviato_il is not None and e_banditore(user, ordinativo.contratto)


def puo_vedere(user, ordinativo):
    """The ente's users, the contract's banditore once it is sent, and — only after approval — the OE
    (its group gets the view permission when the banditore approves)."""
    if not user.is_authenticated:
        return False
    return user.has_perm(PERM_VEDI, ordinativo) or e_banditore_dell_ordinativo(user, ordinativo)


def e_utente_ente(user, ordinativo):
    """A user with an incarico (any role) in the ente aderente of the ordinativo."""
    return user.is_authenticated and Incarico.objects.filter(user=user, ente_id=ordinativo.ente_id).exists()


def puo_vedere_dati_anac(user, ordinativo):
    """The ANAC side of the ordinativo (the "Richiedi CIG" module and the Log Trasmissioni): the
    users of the ente aderente (the RUP among them) and the contract's banditore. Never the OE, who
    sees the approved ordinativo but not the exchanges with ANAC nor the data of the CIG request."""
    if not user.is_authenticated:
        return False
    return (user.has_perm(PERM_VEDI, ordinativo) and e_utente_ente(user, ordinativo)) or e_banditore_dell_ordinativo(
        user, ordinativo
    )


def puo_operare(user, ordinativo):
    return (
        user.is_authenticated
        and user.has_perm(PERM_MODIFICA, ordinativo)
        and enti_operativi(user).filter(pk=ordinativo.ente_id).exists()
    )


def e_oe_dell_ordinativo(user, ordinativo):
    return (
        user.is_authenticated
        and ordinativo.stato in (ordinativo.Stato.APPROVATO, ordinativo.Stato.ANNULLATO)
        and Incarico.objects.filter(user=user, operatore_id=ordinativo.contratto.aggiudicatario_id).exists()
    )


def puo_caricare_documenti_oe(user, ordinativo):
    """The OE uploads its documents (DPA controfirmato, tracciabilità) once the ordinativo is approved."""
    return ordinativo.stato == ordinativo.Stato.APPROVATO and e_oe_dell_ordinativo(user, ordinativo)


def e_rup_dell_ente(user, ordinativo):
    return Incarico.objects.filter(user=user, ente_id=ordinativo.ente_id, ruolo=Incarico.Ruolo.RUP).exists()


def ordinativi_visibili(user, contratto):
    ordinativi = Ordinativo.objects.filter(contratto=contratto).select_related("ente", "adesione")
    if not user.is_authenticated:
        return ordinativi.none()
    propri = get_objects_for_user(user, PERM_VEDI, klass=ordinativi, accept_global_perms=False)
    if e_banditore(user, contratto):
        return ordinativi.filter(INVIATI | Q(pk__in=propri.values("pk")))
    return propri
