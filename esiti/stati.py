"""The esito's states: the transition table and the only functions that change them
(``cambia_stato`` assigns ``Esito.stato`` with the engine ``audit.transizioni``, ``segna_annullato``
sets the mark "Annullato"; a test scans the code for any other assignment). Each checks the change,
saves, records the audit entry and sends the signal of ``segnali``; who may act, and with which message, is decided in ``services``.

    pubblica   bozza → pubblicato       esito.pubblicato
    ritira     pubblicato → ritirato    esito.ritirato
    annulla    (mark, any state)        esito.annullato   the ordinativo cancelled by a scheda ANN
"""

from django.db import transaction
from django.utils import timezone

from audit import transizioni
from audit.services import registra
from audit.transizioni import MacchinaStati, Transizione

from . import segnali
from .models import Esito

S = Esito.Stato
MOTIVO_ANNULLATO = "Scheda ANN: errata comunicazione"

TRANSIZIONI = {
    "pubblica": Transizione.tra(S.BOZZA, S.PUBBLICATO, "esito.pubblicato", segnali.esito_pubblicato),
    "ritira": Transizione.tra(S.PUBBLICATO, S.RITIRATO, "esito.ritirato", segnali.esito_ritirato),
}


class TransizioneNonConsentita(transizioni.TransizioneNonConsentita):
    """A change of state that the table does not allow; nothing is saved."""


def _salva(esito):
    """In a savepoint: an ``IntegrityError`` (e.g. the CIG published concurrently) leaves the caller's
    transaction usable."""
    with transaction.atomic():
        esito.save()


MACCHINA = MacchinaStati(
    Esito,
    TRANSIZIONI,
    "esito",
    TransizioneNonConsentita,
    "L'esito non può passare dallo stato “{da}” allo stato “{a}”.",
    msg_sconosciuta="Operazione sconosciuta sull'esito: “{azione}”.",
    salva=_salva,
)


def _utente(user):
    return user if user is not None and user.is_authenticated else None


def verifica(esito, transizione):
    MACCHINA.verifica(esito, transizione)
    return TRANSIZIONI[transizione]


def cambia_stato(esito, transizione, *, utente, request=None, motivo="", dati=None, campi=None):
    """Apply ``transizione`` to ``esito`` (locked by the caller): set ``campi`` and the state, save (in
    a savepoint), record the audit entry, send the signal."""
    return MACCHINA.cambia(esito, transizione, utente=utente, request=request, motivo=motivo, dati=dati, campi=campi)


@transaction.atomic
def segna_annullato(esito, *, utente=None, request=None):
    """Mark ``esito`` (locked by the caller) "Annullato"; False if it already was (idempotent)."""
    if esito.annullato:
        return False
    esito.annullato = True
    esito.annullato_il = timezone.now()
    esito.save()
    registra(
        "esito.annullato",
        esito,
        utente=_utente(utente),
        request=request,
        contratto=esito.contratto_id,
        motivo=MOTIVO_ANNULLATO,
    )
    segnali.esito_annullato.send(sender=Esito, esito=esito, utente=_utente(utente), da=esito.stato, a=esito.stato)
    return True
