"""The states of the scheda ANAC: the transition table and ``transita``, the only function that
assigns ``Scheda.stato`` (a test scans contratti/ for any other assignment).

``transita`` runs the engine ``audit.transizioni`` (an illegal transition raises
``OperazioneNonConsentita`` before anything is saved; then save, audit entry, signal of ``segnali``). Callers: ``services`` (the user's actions) and
``anac`` (ANAC's answers)."""

from audit.transizioni import MacchinaStati, Transizione

from ..models import Scheda
from ..ordinativi.stati import OperazioneNonConsentita
from . import segnali

S = Scheda.Stato
T = Transizione.tra

MSG_TRANSIZIONE = "Operazione non consentita: la scheda è nello stato “{da}” e non può passare allo stato “{a}”."

TRANSIZIONI: dict[str, Transizione] = {
    "invia": T(S.BOZZA, S.INVIO_IN_CORSO, "scheda.invio_richiesto", segnali.scheda_invio_richiesto),
    "elimina": T(S.BOZZA, S.ELIMINATA, "scheda.eliminata", segnali.scheda_eliminata),
    "inviata": T(S.INVIO_IN_CORSO, S.INVIATA, "scheda.inviata", segnali.scheda_inviata),
    # KO of crea-/conferma-scheda, or of the verification: the user can send again.
    "anac_ko": T((S.INVIO_IN_CORSO, S.INVIATA), S.BOZZA, "scheda.anac_ko", segnali.scheda_anac_ko),
    "conferma": T(S.INVIATA, S.CONFERMATA, "scheda.confermata", segnali.scheda_confermata),
}

MACCHINA = MacchinaStati(
    Scheda,
    TRANSIZIONI,
    "scheda",
    OperazioneNonConsentita,
    MSG_TRANSIZIONE,
    contratto=lambda scheda: scheda.ordinativo.contratto_id,
)


def transita(
    scheda,
    azione: str,
    *,
    utente=None,
    request=None,
    motivo: str = "",
    dati: dict | None = None,
    campi: dict | None = None,
):
    """Move ``scheda`` (locked by the caller, with its ordinativo) with ``azione`` of ``TRANSIZIONI``:
    set ``campi`` and the new state, save, record the audit entry, send the signal."""
    return MACCHINA.cambia(scheda, azione, utente=utente, request=request, motivo=motivo, dati=dati, campi=campi)
