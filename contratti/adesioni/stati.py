"""The adesione's states: the transition table and ``cambia_stato``, the only function that assigns
``Adesione.stato`` (a test scans the code for any other assignment). It runs the engine
``audit.transizioni`` (check, save, audit entry, signal of ``segnali``); the rules that decide
whether an action is allowed, with the manual's messages, stay in ``services``.

    invia           bozza, round approvato → in valutazione        adesione.inviata
    reinvia         non approvata → in valutazione                 adesione.reinviata
    ritira          in valutazione → bozza, round approvato        adesione.ritirata
    elimina         bozza, non approvata → eliminata               adesione.bozza_eliminata
    approva_round   in valutazione → round approvato, approvata    adesione.round_approvato
    rifiuta_round   in valutazione → non approvata                 adesione.round_non_approvato
"""

from django.db import transaction

from audit import transizioni
from audit.transizioni import MacchinaStati, Transizione

from ..models import Adesione
from . import segnali

S = Adesione.Stato
T = Transizione.tra

TRANSIZIONI = {
    "invia": T((S.BOZZA, S.ROUND_APPROVATO), S.IN_VALUTAZIONE, "adesione.inviata", segnali.adesione_inviata),
    "reinvia": T(S.NON_APPROVATA, S.IN_VALUTAZIONE, "adesione.reinviata", segnali.adesione_inviata),
    "ritira": T(S.IN_VALUTAZIONE, (S.BOZZA, S.ROUND_APPROVATO), "adesione.ritirata", segnali.adesione_ritirata),
    "elimina": T((S.BOZZA, S.NON_APPROVATA), S.ELIMINATA, "adesione.bozza_eliminata", segnali.adesione_eliminata),
    "approva_round": T(
        S.IN_VALUTAZIONE, (S.ROUND_APPROVATO, S.APPROVATA), "adesione.round_approvato", segnali.round_approvato
    ),
    "rifiuta_round": T(S.IN_VALUTAZIONE, S.NON_APPROVATA, "adesione.round_non_approvato", segnali.round_non_approvato),
}


class TransizioneNonConsentita(transizioni.TransizioneNonConsentita):
    """A change of state that the table does not allow; nothing is saved."""


MACCHINA = MacchinaStati(
    Adesione,
    TRANSIZIONI,
    "adesione",
    TransizioneNonConsentita,
    "L'adesione {oggetto.codice} non può passare dallo stato “{da}” allo stato “{a}”.",
    msg_sconosciuta="Operazione sconosciuta sull'adesione: “{azione}”.",
)


def verifica(adesione, transizione, a=None):
    """The state after ``transizione`` (``a`` chooses among several), or ``TransizioneNonConsentita``."""
    return MACCHINA.verifica(adesione, transizione, a)


@transaction.atomic
def cambia_stato(
    adesione, transizione, *, a=None, utente, request=None, motivo="", dati=None, campi=None, conserva=True
):
    """Apply ``transizione`` to ``adesione`` (already locked by the caller): set ``campi`` (the other
    fields the transition changes) and the state, save, record the audit entry, send the signal.
    ``conserva=False``: the record is about to be deleted (a draft never sent): audit and signal only."""
    return MACCHINA.cambia(
        adesione,
        transizione,
        a=a,
        utente=utente,
        request=request,
        motivo=motivo,
        dati=dati,
        campi=campi,
        conserva=conserva,
    )
