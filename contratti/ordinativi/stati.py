"""The states of the ordinativo: the transition table and ``transita``, the only function that
assigns ``Ordinativo.stato`` (a test scans contratti/ for any other assignment).

``transita`` checks the transition against the table (an illegal one raises
``OperazioneNonConsentita`` before anything is saved), saves the ordinativo, records the audit entry
and sends the transition's signal (``segnali``). Who may act and the business rules are checked by
the callers: ``services`` (the user's actions), ``anac`` (ANAC's answers), ``..schede.anac`` (ANN)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.dispatch import Signal

from audit.services import registra

from ..models import Ordinativo
from . import segnali

S = Ordinativo.Stato


class OperazioneNonConsentita(ValidationError):
    """A rule of the ordinativo forbids the action; the message says why, in Italian."""


MSG_TRANSIZIONE = "Operazione non consentita: l'ordinativo è nello stato “{da}” e non può passare allo stato “{a}”."


@dataclass(frozen=True)
class Transizione:
    da: tuple[str, ...]
    a: str
    audit: str  # the action of the audit entry (audit/etichette.py)
    segnale: Signal


TRANSIZIONI: dict[str, Transizione] = {
    "conferma_appalto": Transizione((S.BOZZA,), S.CONFERMA_IN_CORSO, "ordinativo.conferma_appalto",
                                    segnali.ordinativo_conferma_richiesta),
    "conferma_non_riuscita": Transizione((S.CONFERMA_IN_CORSO,), S.BOZZA, "ordinativo.anac_ko", segnali.ordinativo_anac_ko),
    "appalto_confermato": Transizione((S.CONFERMA_IN_CORSO,), S.APPALTO_CONFERMATO, "ordinativo.appalto_confermato",
                                      segnali.ordinativo_appalto_confermato),
    # recupera-cig without a CIG: the state stays, the error is recorded.
    "cig_non_acquisito": Transizione((S.APPALTO_CONFERMATO,), S.APPALTO_CONFERMATO, "ordinativo.anac_ko",
                                     segnali.ordinativo_anac_ko),
    "cig_acquisito": Transizione((S.APPALTO_CONFERMATO,), S.CIG_ACQUISITO, "ordinativo.cig_acquisito",
                                 segnali.ordinativo_cig_acquisito),
    "invia": Transizione((S.CIG_ACQUISITO,), S.INVIATO, "ordinativo.inviato", segnali.ordinativo_inviato),
    "reinvia": Transizione((S.RIFIUTATO,), S.INVIATO, "ordinativo.reinviato", segnali.ordinativo_inviato),
    "approva": Transizione((S.INVIATO,), S.APPROVATO, "ordinativo.approvato", segnali.ordinativo_approvato),
    "rifiuta": Transizione((S.INVIATO,), S.RIFIUTATO, "ordinativo.rifiutato", segnali.ordinativo_rifiutato),
    "chiudi": Transizione((S.RIFIUTATO,), S.CHIUSO, "ordinativo.chiuso", segnali.ordinativo_chiuso),
    # The ANN may be on its way while the ordinativo goes on (sent, approved, refused, closed).
    "annulla": Transizione((S.CIG_ACQUISITO, S.INVIATO, S.APPROVATO, S.RIFIUTATO, S.CHIUSO), S.ANNULLATO,
                           "ordinativo.annullato", segnali.ordinativo_annullato),
}


def consentita(ordinativo, azione: str) -> bool:
    return ordinativo.stato in TRANSIZIONI[azione].da


def transita(ordinativo, azione: str, *, utente=None, request=None, motivo: str = "", dati: dict | None = None,
             campi: dict | None = None):
    """Move ``ordinativo`` (locked by the caller) with ``azione`` of ``TRANSIZIONI``: set ``campi``
    and the new state, save, record the audit entry, send the signal. Returns the ordinativo."""
    transizione = TRANSIZIONI[azione]
    da = ordinativo.stato
    if da not in transizione.da:
        raise OperazioneNonConsentita(MSG_TRANSIZIONE.format(da=S(da).label, a=S(transizione.a).label))
    for campo, valore in (campi or {}).items():
        setattr(ordinativo, campo, valore)
    ordinativo.stato = transizione.a
    ordinativo.save()
    registra(transizione.audit, ordinativo, utente=utente, request=request, contratto=ordinativo.contratto_id,
             da=da, a=ordinativo.stato, motivo=motivo, dati=dati)
    transizione.segnale.send(sender=Ordinativo, ordinativo=ordinativo, utente=utente, da=da, a=ordinativo.stato)
    return ordinativo
