"""Who sees and acts on the schede ANAC of an ordinativo. Views ask here; templates mirror the answers.

- see: the users of the ente aderente (any role) and the contract's banditore (read-only); never the
  OE, never another ente;
- prepare and delete drafts: the ente's Responsabile/Buyer or RUP (``puo_operare`` of the ordinativo);
- send, verify, and delete a draft ANAC already knows: the RUP of the ente (plus, in the view, the
  strong authentication of the ordinativo's RUP).
"""

from ..ordinativi.permessi import e_rup_dell_ente, e_utente_ente, puo_operare, puo_vedere_dati_anac

__all__ = ["e_utente_ente", "puo_gestire", "puo_inviare", "puo_vedere", "sezione_visibile"]

MSG_SOLO_RUP = "Solo il RUP dell'amministrazione aderente, autenticato con SPID, CIE o CNS, può inviare le schede ad ANAC e verificarne l'invio."
MSG_SOLO_ENTE = (
    "Solo il Responsabile/Buyer o il RUP dell'ente aderente può preparare o eliminare le schede dell'ordinativo."
)


def puo_vedere(user, ordinativo):
    """The schede (and their log trasmissioni) are the ANAC side of the ordinativo: the same readers
    as the ordinativo's Log Trasmissioni and "Richiedi CIG"."""
    return puo_vedere_dati_anac(user, ordinativo)


def puo_gestire(user, ordinativo):
    return puo_operare(user, ordinativo)


def puo_inviare(user, ordinativo):
    return user.is_authenticated and e_rup_dell_ente(user, ordinativo)


def sezione_visibile(user, ordinativo):
    """The "SCHEDE" entry of the ordinativo's menu: after the CIG, to who may see the schede."""
    return bool(ordinativo.cig_derivato) and puo_vedere(user, ordinativo)
