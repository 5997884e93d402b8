"""The adesione's states: the transition table and ``cambia_stato``, the only function that assigns
``Adesione.stato`` (a test scans the code for any other assignment). It checks the transition, saves,
records the audit entry and sends the transition's signal (``segnali``); the rules that decide
whether an action is allowed, with the manual's messages, stay in ``services``.

    invia           bozza, round approvato → in valutazione        adesione.inviata
    reinvia         non approvata → in valutazione                 adesione.reinviata
    ritira          in valutazione → bozza, round approvato        adesione.ritirata
    elimina         bozza, non approvata → eliminata               adesione.bozza_eliminata
    approva_round   in valutazione → round approvato, approvata    adesione.round_approvato
    rifiuta_round   in valutazione → non approvata                 adesione.round_non_approvato
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal

from audit.services import registra

from ..models import Adesione
from . import segnali

S = Adesione.Stato


@dataclass(frozen=True)
class Transizione:
    da: frozenset
    a: frozenset
    azione: str  # the audit action (audit/etichette.py names it)
    segnale: Signal


TRANSIZIONI = {
    "invia": Transizione(frozenset({S.BOZZA, S.ROUND_APPROVATO}), frozenset({S.IN_VALUTAZIONE}),
                         "adesione.inviata", segnali.adesione_inviata),
    "reinvia": Transizione(frozenset({S.NON_APPROVATA}), frozenset({S.IN_VALUTAZIONE}),
                           "adesione.reinviata", segnali.adesione_inviata),
    "ritira": Transizione(frozenset({S.IN_VALUTAZIONE}), frozenset({S.BOZZA, S.ROUND_APPROVATO}),
                          "adesione.ritirata", segnali.adesione_ritirata),
    "elimina": Transizione(frozenset({S.BOZZA, S.NON_APPROVATA}), frozenset({S.ELIMINATA}),
                           "adesione.bozza_eliminata", segnali.adesione_eliminata),
    "approva_round": Transizione(frozenset({S.IN_VALUTAZIONE}), frozenset({S.ROUND_APPROVATO, S.APPROVATA}),
                                 "adesione.round_approvato", segnali.round_approvato),
    "rifiuta_round": Transizione(frozenset({S.IN_VALUTAZIONE}), frozenset({S.NON_APPROVATA}),
                                 "adesione.round_non_approvato", segnali.round_non_approvato),
}


class TransizioneNonConsentita(ValidationError):
    """A change of state that the table does not allow; nothing is saved."""


def _etichetta(stato):
    return S(stato).label if stato in S.values else stato


def verifica(adesione, transizione, a=None):
    """The state after ``transizione`` (``a`` chooses among several), or ``TransizioneNonConsentita``."""
    regola = TRANSIZIONI.get(transizione)
    if regola is None:
        raise TransizioneNonConsentita(f"Operazione sconosciuta sull'adesione: “{transizione}”.")
    if a is None and len(regola.a) == 1:
        (a,) = regola.a
    if adesione.stato not in regola.da or a not in regola.a:
        raise TransizioneNonConsentita(
            f"L'adesione {adesione.codice} non può passare dallo stato “{_etichetta(adesione.stato)}” "
            f"allo stato “{_etichetta(a) if a else '?'}”."
        )
    return a


@transaction.atomic
def cambia_stato(adesione, transizione, *, a=None, utente, request=None, motivo="", dati=None, campi=None,
                 conserva=True):
    """Apply ``transizione`` to ``adesione`` (already locked by the caller): set ``campi`` (the other
    fields the transition changes) and the state, save, record the audit entry, send the signal.
    ``conserva=False``: the record is about to be deleted (a draft never sent): audit and signal only."""
    regola = TRANSIZIONI.get(transizione)
    a = verifica(adesione, transizione, a)
    da = adesione.stato
    for campo, valore in (campi or {}).items():
        setattr(adesione, campo, valore)
    adesione.stato = a
    if conserva:
        adesione.save()
    dati = dati or {}
    registra(regola.azione, adesione, utente=utente, request=request, contratto=adesione.contratto_id,
             da=da, a=a, motivo=motivo, dati=dati)
    regola.segnale.send(sender=Adesione, adesione=adesione, utente=utente, da=da, a=a, dati=dati)
    return adesione
