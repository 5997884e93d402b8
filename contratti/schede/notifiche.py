"""Automatic notification of a scheda confirmed by ANAC: to the ente aderente and the CdC_Banditore.

The texts are here (``comunicazioni.eventi`` has no extension point for other apps' events); the
event code is stored in ``Messaggio.evento`` like the others."""

from comunicazioni.services import notifica

SCHEDA_CONFERMATA = "scheda_anac_confermata"


def _data(valore):
    return valore.strftime("%d/%m/%Y") if valore else "—"


def testi(scheda):
    """``{"oggetto", "testo"}`` of the notification."""
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


def confermata(scheda):
    ordinativo = scheda.ordinativo
    notifica(ordinativo.contratto, evento=SCHEDA_CONFERMATA, **testi(scheda), enti=[ordinativo.ente],
             banditore=True, riferimento=scheda)
