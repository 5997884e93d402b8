"""Automatic notifications of the adesione, with the recipients the manual names."""

from comunicazioni import eventi
from comunicazioni.services import notifica


def _dati(adesione, numero_round=None, **extra):
    return {
        "codice": adesione.codice,
        "ente": adesione.ente,
        "contratto": adesione.contratto.title,
        "round": adesione.round_corrente if numero_round is None else numero_round,
        **extra,
    }


def adesione_inviata(adesione, mittente):
    """Invio: to the user who sent it and to the CdC_Banditore."""
    notifica(
        adesione.contratto,
        evento=eventi.ADESIONE_INVIATA,
        **eventi.componi(eventi.ADESIONE_INVIATA, **_dati(adesione)),
        utenti=[mittente],
        banditore=True,
        riferimento=adesione,
    )


def round_approvato(adesione, numero_round):
    """Approvazione di ogni round e dell'intero iter: to the aderente only."""
    evento = eventi.ADESIONE_APPROVATA if adesione.stato == adesione.Stato.APPROVATA else eventi.ROUND_APPROVATO
    notifica(
        adesione.contratto,
        evento=evento,
        **eventi.componi(evento, **_dati(adesione, numero_round)),
        enti=[adesione.ente],
        riferimento=adesione,
    )


def round_non_approvato(adesione):
    """Non approvazione singolo round: to the aderente only."""
    notifica(
        adesione.contratto,
        evento=eventi.ROUND_NON_APPROVATO,
        **eventi.componi(eventi.ROUND_NON_APPROVATO, **_dati(adesione, motivo=adesione.motivo_rifiuto)),
        enti=[adesione.ente],
        riferimento=adesione,
    )
