"""Who sees and acts on the schede ANAC of an ordinativo. Views ask here; templates mirror the answers.

- see: the users of the ente aderente (any role) and the contract's banditore (read-only); never the
  OE, never another ente;
- prepare and delete drafts: the ente's Responsabile/Buyer or RUP (``puo_operare`` of the ordinativo);
- send, verify, and delete a draft ANAC already knows: the RUP of the ente (plus, in the view, the
  strong authentication of the ordinativo's RUP).
"""

from organizzazioni.models import Incarico

from ..ordinativi.permessi import e_rup_dell_ente, puo_operare
from ..permessi import e_banditore

MSG_SOLO_RUP = "Solo il RUP dell'amministrazione aderente, autenticato con SPID, CIE o CNS, può inviare le schede ad ANAC e verificarne l'invio."
MSG_SOLO_ENTE = "Solo il Responsabile/Buyer o il RUP dell'ente aderente può preparare o eliminare le schede dell'ordinativo."


def e_utente_ente(user, ordinativo):
    return user.is_authenticated and Incarico.objects.filter(user=user, ente_id=ordinativo.ente_id).exists()


def puo_vedere(user, ordinativo):
    if not user.is_authenticated:
        return False
    return e_utente_ente(user, ordinativo) or e_banditore(user, ordinativo.contratto)


def puo_gestire(user, ordinativo):
    return puo_operare(user, ordinativo)


def puo_inviare(user, ordinativo):
    return user.is_authenticated and e_rup_dell_ente(user, ordinativo)


def sezione_visibile(user, ordinativo):
    """The "SCHEDE" entry of the ordinativo's menu: after the CIG, to who may see the schede."""
    return bool(ordinativo.cig_derivato) and puo_vedere(user, ordinativo)
