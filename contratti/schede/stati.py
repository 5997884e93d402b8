"""The states of the scheda ANAC: the transition table and ``transita``, the only function that
assigns ``Scheda.stato`` (a test scans contratti/ for any other assignment).

``transita`` checks the transition against the table (an illegal one raises
``OperazioneNonConsentita`` before anything is saved), saves the scheda, records the audit entry
and sends the transition's signal (``segnali``). Callers: ``services`` (the user's actions) and
``anac`` (ANAC's answers)."""

from dataclasses import dataclass

from django.dispatch import Signal

from audit.services import registra

from ..models import Scheda
from ..ordinativi.stati import OperazioneNonConsentita
from . import segnali

S = Scheda.Stato

MSG_TRANSIZIONE = "Operazione non consentita: la scheda è nello stato “{da}” e non può passare allo stato “{a}”."


@dataclass(frozen=True)
class Transizione:
    da: tuple[str, ...]
    a: str
    audit: str  # the action of the audit entry (audit/etichette.py)
    segnale: Signal


TRANSIZIONI: dict[str, Transizione] = {
    "invia": Transizione((S.BOZZA,), S.INVIO_IN_CORSO, "scheda.invio_richiesto", segnali.scheda_invio_richiesto),
    "elimina": Transizione((S.BOZZA,), S.ELIMINATA, "scheda.eliminata", segnali.scheda_eliminata),
    "inviata": Transizione((S.INVIO_IN_CORSO,), S.INVIATA, "scheda.inviata", segnali.scheda_inviata),
    # KO of crea-/conferma-scheda, or of the verification: the user can send again.
    "anac_ko": Transizione((S.INVIO_IN_CORSO, S.INVIATA), S.BOZZA, "scheda.anac_ko", segnali.scheda_anac_ko),
    "conferma": Transizione((S.INVIATA,), S.CONFERMATA, "scheda.confermata", segnali.scheda_confermata),
}


def transita(scheda, azione: str, *, utente=None, request=None, motivo: str = "", dati: dict | None = None,
             campi: dict | None = None):
    """Move ``scheda`` (locked by the caller, with its ordinativo) with ``azione`` of ``TRANSIZIONI``:
    set ``campi`` and the new state, save, record the audit entry, send the signal."""
    transizione = TRANSIZIONI[azione]
    da = scheda.stato
    if da not in transizione.da:
        raise OperazioneNonConsentita(MSG_TRANSIZIONE.format(da=S(da).label, a=S(transizione.a).label))
    for campo, valore in (campi or {}).items():
        setattr(scheda, campo, valore)
    scheda.stato = transizione.a
    scheda.save()
    registra(transizione.audit, scheda, utente=utente, request=request, contratto=scheda.ordinativo.contratto_id,
             da=da, a=scheda.stato, motivo=motivo, dati=dati)
    transizione.segnale.send(sender=Scheda, scheda=scheda, utente=utente, da=da, a=scheda.stato)
    return scheda
