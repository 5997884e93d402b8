"""Who may do what on a contract. Every view asks here; templates only mirror the answers."""

from organizzazioni.models import Incarico
from organizzazioni.permessi import PERM_GESTISCI_CONTRATTO, enti_di
from sct_site.cache.memo import per_richiesta

PERM_GESTISCI = PERM_GESTISCI_CONTRATTO


@per_richiesta
def e_banditore(user, contratto):
    """A user abilitato on the contract (the RUP dell'AQ and the banditore's operators)."""
    return user.is_authenticated and user.has_perm(PERM_GESTISCI, contratto)


@per_richiesta
def e_aggiudicatario(user, contratto):
    return (
        user.is_authenticated and Incarico.objects.filter(user=user, operatore_id=contratto.aggiudicatario_id).exists()
    )


def enti_aderenti(user):
    """Enti on whose behalf the user may join contracts and issue ordinativi."""
    return enti_di(user)
