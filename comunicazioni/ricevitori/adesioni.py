"""Notifications of the adesione (receivers of contratti.adesioni.segnali), with the recipients the
manual names. Sent inside the transaction of the change, as the messages are rows of it; the e-mails
are queued on commit by ``notifica``."""

from contratti.adesioni import segnali

from .. import eventi
from ..services import notifica


def _dati(adesione, numero_round=None, **extra):
    return {
        "codice": adesione.codice,
        "ente": adesione.ente,
        "contratto": adesione.contratto.title,
        "round": adesione.round_corrente if numero_round is None else numero_round,
        **extra,
    }


def adesione_inviata(sender, *, adesione, utente, **kwargs):
    """Invio: to the user who sent it and to the CdC_Banditore."""
    notifica(
        adesione.contratto,
        evento=eventi.ADESIONE_INVIATA,
        **eventi.componi(eventi.ADESIONE_INVIATA, **_dati(adesione)),
        utenti=[utente],
        banditore=True,
        riferimento=adesione,
    )


def round_approvato(sender, *, adesione, a, dati, **kwargs):
    """Approvazione di ogni round e dell'intero iter: to the aderente only."""
    evento = eventi.ADESIONE_APPROVATA if a == adesione.Stato.APPROVATA else eventi.ROUND_APPROVATO
    notifica(
        adesione.contratto,
        evento=evento,
        **eventi.componi(evento, **_dati(adesione, dati["round"])),
        enti=[adesione.ente],
        riferimento=adesione,
    )


def round_non_approvato(sender, *, adesione, **kwargs):
    """Non approvazione singolo round: to the aderente only."""
    notifica(
        adesione.contratto,
        evento=eventi.ROUND_NON_APPROVATO,
        **eventi.componi(eventi.ROUND_NON_APPROVATO, **_dati(adesione, motivo=adesione.motivo_rifiuto)),
        enti=[adesione.ente],
        riferimento=adesione,
    )


def connect():
    """Connect the receivers (called once from ComunicazioniConfig.ready)."""
    segnali.adesione_inviata.connect(adesione_inviata, dispatch_uid="comunicazioni.adesione_inviata")
    segnali.round_approvato.connect(round_approvato, dispatch_uid="comunicazioni.round_approvato")
    segnali.round_non_approvato.connect(round_non_approvato, dispatch_uid="comunicazioni.round_non_approvato")
