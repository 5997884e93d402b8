"""The esito's states: the transition table and the only functions that change them
(``cambia_stato`` assigns ``Esito.stato``, ``segna_annullato`` sets the mark "Annullato"; a test
scans the code for any other assignment). Each checks the change, saves, records the audit entry and
sends the signal of ``segnali``; who may act, and with which message, is decided in ``services``.

    pubblica   bozza → pubblicato       esito.pubblicato
    ritira     pubblicato → ritirato    esito.ritirato
    annulla    (mark, any state)        esito.annullato   the ordinativo cancelled by a scheda ANN
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from audit.services import registra

from . import segnali
from .models import Esito

S = Esito.Stato
MOTIVO_ANNULLATO = "Scheda ANN: errata comunicazione"


@dataclass(frozen=True)
class Transizione:
    da: S
    a: S
    azione: str  # the audit action (audit/etichette.py names it)
    segnale: Signal


TRANSIZIONI = {
    "pubblica": Transizione(S.BOZZA, S.PUBBLICATO, "esito.pubblicato", segnali.esito_pubblicato),
    "ritira": Transizione(S.PUBBLICATO, S.RITIRATO, "esito.ritirato", segnali.esito_ritirato),
}


class TransizioneNonConsentita(ValidationError):
    """A change of state that the table does not allow; nothing is saved."""


def _utente(user):
    return user if user is not None and user.is_authenticated else None


def verifica(esito, transizione):
    regola = TRANSIZIONI.get(transizione)
    if regola is None:
        raise TransizioneNonConsentita(f"Operazione sconosciuta sull'esito: “{transizione}”.")
    if esito.stato != regola.da:
        raise TransizioneNonConsentita(
            f"L'esito non può passare dallo stato “{S(esito.stato).label}” allo stato “{regola.a.label}”."
        )
    return regola


def cambia_stato(esito, transizione, *, utente, request=None, motivo="", dati=None, campi=None):
    """Apply ``transizione`` to ``esito`` (locked by the caller): set ``campi`` and the state, save (in
    a savepoint: an ``IntegrityError``, e.g. the CIG published concurrently, leaves the caller's
    transaction usable), record the audit entry, send the signal."""
    regola = verifica(esito, transizione)
    da = esito.stato
    for campo, valore in (campi or {}).items():
        setattr(esito, campo, valore)
    esito.stato = regola.a
    with transaction.atomic():
        esito.save()
    registra(regola.azione, esito, utente=utente, request=request, contratto=esito.contratto_id,
             da=da, a=esito.stato, motivo=motivo, dati=dati)
    regola.segnale.send(sender=Esito, esito=esito, utente=utente, da=da, a=esito.stato)
    return esito


@transaction.atomic
def segna_annullato(esito, *, utente=None, request=None):
    """Mark ``esito`` (locked by the caller) "Annullato"; False if it already was (idempotent)."""
    if esito.annullato:
        return False
    esito.annullato = True
    esito.annullato_il = timezone.now()
    esito.save()
    registra("esito.annullato", esito, utente=_utente(utente), request=request, contratto=esito.contratto_id,
             motivo=MOTIVO_ANNULLATO)
    segnali.esito_annullato.send(sender=Esito, esito=esito, utente=_utente(utente), da=esito.stato, a=esito.stato)
    return True
