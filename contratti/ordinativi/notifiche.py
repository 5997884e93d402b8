"""Automatic notifications of the ordinativo, with the recipients the manual names."""

from comunicazioni import eventi
from comunicazioni.services import notifica


def _dati(ordinativo, **extra):
    return {
        "codice": ordinativo.codice,
        "ente": ordinativo.ente,
        "contratto": ordinativo.contratto.title,
        "cig": ordinativo.cig_derivato,
        **extra,
    }


def _notifica(ordinativo, evento, **destinatari):
    notifica(
        ordinativo.contratto, evento=evento, **eventi.componi(evento, **_dati(ordinativo, motivo=ordinativo.motivo_rifiuto)),
        riferimento=ordinativo, **destinatari,
    )


def inviato(ordinativo, mittente):
    """Invio: to the user who sent it and to the CdC_Banditore."""
    _notifica(ordinativo, eventi.ORDINATIVO_INVIATO, utenti=[mittente], banditore=True)


def approvato(ordinativo):
    """Approvazione: to the ente aderente, and an automatic communication to the OE aggiudicatario."""
    _notifica(ordinativo, eventi.ORDINATIVO_APPROVATO, enti=[ordinativo.ente])
    _notifica(ordinativo, eventi.ORDINATIVO_APPROVATO_OE, operatore=True)


def rifiutato(ordinativo):
    _notifica(ordinativo, eventi.ORDINATIVO_RIFIUTATO, enti=[ordinativo.ente])
