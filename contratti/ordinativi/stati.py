"""The states of the ordinativo: the transition table and ``transita``, the only function that
assigns ``Ordinativo.stato`` (a test scans contratti/ for any other assignment).

``transita`` runs the engine ``audit.transizioni`` (an illegal transition raises
``OperazioneNonConsentita`` before anything is saved; then save, audit entry, signal of ``segnali``). Who may act and the business rules are checked by
the callers: ``services`` (the user's actions), ``anac`` (ANAC's answers), ``..schede.anac`` (ANN)."""

from audit.transizioni import MacchinaStati, Transizione, TransizioneNonConsentita

from ..models import Ordinativo
from . import segnali

S = Ordinativo.Stato
T = Transizione.tra


class OperazioneNonConsentita(TransizioneNonConsentita):
    """A rule of the ordinativo forbids the action; the message says why, in Italian."""


MSG_TRANSIZIONE = "Operazione non consentita: l'ordinativo è nello stato “{da}” e non può passare allo stato “{a}”."

TRANSIZIONI: dict[str, Transizione] = {
    "conferma_appalto": T(
        S.BOZZA, S.CONFERMA_IN_CORSO, "ordinativo.conferma_appalto", segnali.ordinativo_conferma_richiesta
    ),
    "conferma_non_riuscita": T(S.CONFERMA_IN_CORSO, S.BOZZA, "ordinativo.anac_ko", segnali.ordinativo_anac_ko),
    "appalto_confermato": T(
        S.CONFERMA_IN_CORSO,
        S.APPALTO_CONFERMATO,
        "ordinativo.appalto_confermato",
        segnali.ordinativo_appalto_confermato,
    ),
    # recupera-cig without a CIG: the state stays, the error is recorded.
    "cig_non_acquisito": T(
        S.APPALTO_CONFERMATO, S.APPALTO_CONFERMATO, "ordinativo.anac_ko", segnali.ordinativo_anac_ko
    ),
    "cig_acquisito": T(
        S.APPALTO_CONFERMATO, S.CIG_ACQUISITO, "ordinativo.cig_acquisito", segnali.ordinativo_cig_acquisito
    ),
    "invia": T(S.CIG_ACQUISITO, S.INVIATO, "ordinativo.inviato", segnali.ordinativo_inviato),
    "reinvia": T(S.RIFIUTATO, S.INVIATO, "ordinativo.reinviato", segnali.ordinativo_inviato),
    "approva": T(S.INVIATO, S.APPROVATO, "ordinativo.approvato", segnali.ordinativo_approvato),
    "rifiuta": T(S.INVIATO, S.RIFIUTATO, "ordinativo.rifiutato", segnali.ordinativo_rifiutato),
    "chiudi": T(S.RIFIUTATO, S.CHIUSO, "ordinativo.chiuso", segnali.ordinativo_chiuso),
    # The ANN may be on its way while the ordinativo goes on (sent, approved, refused, closed).
    "annulla": T(
        (S.CIG_ACQUISITO, S.INVIATO, S.APPROVATO, S.RIFIUTATO, S.CHIUSO),
        S.ANNULLATO,
        "ordinativo.annullato",
        segnali.ordinativo_annullato,
    ),
}

MACCHINA = MacchinaStati(Ordinativo, TRANSIZIONI, "ordinativo", OperazioneNonConsentita, MSG_TRANSIZIONE)


def consentita(ordinativo, azione: str) -> bool:
    return MACCHINA.consentita(ordinativo, azione)


def transita(
    ordinativo,
    azione: str,
    *,
    utente=None,
    request=None,
    motivo: str = "",
    dati: dict | None = None,
    campi: dict | None = None,
):
    """Move ``ordinativo`` (locked by the caller) with ``azione`` of ``TRANSIZIONI``: set ``campi``
    and the new state, save, record the audit entry, send the signal. Returns the ordinativo."""
    return MACCHINA.cambia(ordinativo, azione, utente=utente, request=request, motivo=motivo, dati=dati, campi=campi)
