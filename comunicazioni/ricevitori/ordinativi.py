"""Notifications of the ordinativo and of its schede ANAC (receivers of contratti.ordinativi.segnali
and contratti.schede.segnali), with the recipients the manual names. They run in the transaction of
the change (signals are synchronous): a rollback leaves no message, and the e-mails leave on commit
(``services.notifica``)."""

from contratti.models import Ordinativo, Scheda
from contratti.ordinativi import segnali as segnali_ordinativo
from contratti.schede import segnali as segnali_scheda

from .. import eventi
from ..services import notifica

# The scheda's event (its texts are here: ``eventi`` has none for the schede).
SCHEDA_CONFERMATA = "scheda_anac_confermata"


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
        ordinativo.contratto,
        evento=evento,
        **eventi.componi(evento, **_dati(ordinativo, motivo=ordinativo.motivo_rifiuto)),
        riferimento=ordinativo,
        **destinatari,
    )


def inviato(sender, ordinativo, utente, **kwargs):
    """Invio: to the user who sent it and to the CdC_Banditore."""
    _notifica(ordinativo, eventi.ORDINATIVO_INVIATO, utenti=[utente], banditore=True)


def approvato(sender, ordinativo, **kwargs):
    """Approvazione: to the ente aderente, and an automatic communication to the OE aggiudicatario."""
    _notifica(ordinativo, eventi.ORDINATIVO_APPROVATO, enti=[ordinativo.ente])
    _notifica(ordinativo, eventi.ORDINATIVO_APPROVATO_OE, operatore=True)


def rifiutato(sender, ordinativo, **kwargs):
    _notifica(ordinativo, eventi.ORDINATIVO_RIFIUTATO, enti=[ordinativo.ente])


def _data(valore):
    return valore.strftime("%d/%m/%Y") if valore else "—"


def testi_scheda_confermata(scheda):
    """``{"oggetto", "testo"}`` of the notification of a scheda confirmed by ANAC."""
    ordinativo = scheda.ordinativo
    oggetto = f"Scheda {scheda.tipo} confermata da ANAC – ordinativo {ordinativo.codice}"
    testo = (
        f"La scheda “{scheda.get_tipo_display()}” dell'ordinativo di fornitura {ordinativo.codice} dell'ente "
        f"{ordinativo.ente} al contratto “{ordinativo.contratto.title}” (CIG derivato {scheda.cig}) è stata "
        "confermata da ANAC.\n"
    )
    if scheda.tipo == scheda.Tipo.ANN:
        testo += (
            "Motivo dell'annullamento: errata comunicazione.\n"
            "La procedura è annullata: l'ordinativo di fornitura è ora nello stato “Annullato” e non è possibile "
            "inviare altre schede per questo CIG."
        )
    else:
        testo += (
            f"Data di stipula {_data(scheda.data_stipula)}, decorrenza {_data(scheda.data_decorrenza)}, "
            f"scadenza {_data(scheda.data_scadenza)}."
        )
    return {"oggetto": oggetto, "testo": testo}


def scheda_confermata(sender, scheda, **kwargs):
    """A scheda confirmed by ANAC: to the ente aderente and the CdC_Banditore."""
    ordinativo = scheda.ordinativo
    notifica(
        ordinativo.contratto,
        evento=SCHEDA_CONFERMATA,
        **testi_scheda_confermata(scheda),
        enti=[ordinativo.ente],
        banditore=True,
        riferimento=scheda,
    )


def connect():
    """Connect the receivers (called once from ComunicazioniConfig.ready)."""
    segnali_ordinativo.ordinativo_inviato.connect(
        inviato, sender=Ordinativo, dispatch_uid="notifica_ordinativo_inviato"
    )
    segnali_ordinativo.ordinativo_approvato.connect(
        approvato, sender=Ordinativo, dispatch_uid="notifica_ordinativo_approvato"
    )
    segnali_ordinativo.ordinativo_rifiutato.connect(
        rifiutato, sender=Ordinativo, dispatch_uid="notifica_ordinativo_rifiutato"
    )
    segnali_scheda.scheda_confermata.connect(
        scheda_confermata, sender=Scheda, dispatch_uid="notifica_scheda_confermata"
    )
