"""The one catalogue of the audit trail's words: every place that shows an entry (the contract's
"Registro delle operazioni", its filter, ``manage.py verifica_audit``) asks here.

The entries keep their codes (``adesione.bozza_eliminata``: stable, part of the hashed chain); people
read the label. A code missing here is shown as a readable phrase made from the code, so a new action
never shows up raw; add its label here when you add it to ``registra``. The states are the labels of
the object's own ``Stato`` choices (the words of its pages).
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType

AZIONI = {
    # adesioni
    "adesione.creata": "Adesione creata in bozza",
    "adesione.modificata": "Bozza dell'adesione modificata",
    "adesione.documento_caricato": "Documento dell'adesione caricato",
    "adesione.inviata": "Round inviato",
    "adesione.reinviata": "Round inviato di nuovo",
    "adesione.round_approvato": "Round approvato",
    "adesione.round_non_approvato": "Round non approvato",
    "adesione.ritirata": "Adesione ritirata",
    "adesione.bozza_eliminata": "Bozza eliminata",
    # ordinativi
    "ordinativo.creato": "Ordinativo creato",
    "ordinativo.richiesta_cig_modificata": "Dati della richiesta del CIG modificati",
    "ordinativo.riga_aggiunta": "Riga dell'ordine aggiunta",
    "ordinativo.riga_eliminata": "Riga dell'ordine eliminata",
    "ordinativo.documento_caricato": "Documento dell'ordinativo caricato",
    "ordinativo.documento_oe_caricato": "Documento del fornitore caricato",
    "ordinativo.conferma_appalto": "Conferma appalto richiesta ad ANAC",
    "ordinativo.appalto_confermato": "Appalto confermato da ANAC",
    "ordinativo.acquisisci_cig": "CIG richiesto ad ANAC",
    "ordinativo.cig_acquisito": "CIG acquisito",
    "ordinativo.anac_ko": "Esito negativo di ANAC",
    "ordinativo.scheda_sintesi_generata": "Scheda di sintesi generata",
    "ordinativo.scheda_firmata_caricata": "Scheda di sintesi firmata caricata",
    "ordinativo.inviato": "Ordinativo inviato",
    "ordinativo.approvato": "Ordinativo approvato",
    "ordinativo.rifiutato": "Ordinativo non approvato",
    "ordinativo.reinviato": "Ordinativo inviato di nuovo dopo la correzione",
    "ordinativo.chiuso": "Ordinativo chiuso dall'ente",
    "ordinativo.annullato": "Ordinativo annullato",
    "ordinativo.pacchetto_scaricato": "Documenti dell'ordinativo scaricati",
    # schede ANAC
    "scheda.creata": "Scheda creata",
    "scheda.modificata": "Scheda modificata",
    "scheda.eliminata": "Scheda eliminata",
    "scheda.invio_richiesto": "Invio della scheda richiesto",
    "scheda.inviata": "Scheda inviata ad ANAC",
    "scheda.verifica_richiesta": "Verifica dell'invio richiesta",
    "scheda.verifica_in_attesa": "Verifica dell'invio in attesa",
    "scheda.verifica_non_riuscita": "Verifica dell'invio non riuscita",
    "scheda.confermata": "Scheda confermata da ANAC",
    "scheda.anac_ko": "Esito negativo di ANAC sulla scheda",
    "scheda.cancellata_su_anac": "Scheda cancellata su ANAC",
    "scheda.cancellazione_su_anac_non_riuscita": "Cancellazione su ANAC non riuscita",
    # esiti
    "esito.bozza_creata": "Esito creato in bozza",
    "esito.bozza_modificata": "Bozza dell'esito modificata",
    "esito.pubblicato": "Esito pubblicato",
    "esito.ritirato": "Esito ritirato",
    "esito.annullato": "Esito annullato",
    # comunicazioni
    "comunicazione.inviata": "Comunicazione inviata",
    "comunicazione.risposta": "Risposta inviata",
    "chiarimento.pubblicato": "Chiarimento pubblicato",
    "chiarimento.aggiornato": "Chiarimento aggiornato",
    "chiarimento.ritirato": "Chiarimento ritirato",
    # documenti
    "documento.caricato": "Documento caricato",
    "documento.scaricato": "Documento scaricato",
    "documento.integrita_violata": "Integrità del documento violata",
    # identità
    "identita.accesso": "Accesso",
    "identita.accesso_rifiutato": "Accesso rifiutato",
    "identita.due_fattori.attivato": "Secondo fattore attivato",
    "identita.due_fattori.verificato": "Secondo fattore verificato",
    "identita.due_fattori.errato": "Secondo fattore errato",
    "identita.due_fattori.azzerato": "Secondo fattore azzerato",
    # anac
    "anac.voucher": "Voucher PDND richiesto",
}


def etichetta_azione(codice: str) -> str:
    """``adesione.bozza_eliminata`` -> "Bozza eliminata"; an unknown code -> "Adesione: bozza eliminata"."""
    if codice in AZIONI:
        return AZIONI[codice]
    parti = [p.replace("_", " ") for p in str(codice).split(".") if p]
    if not parti:
        return ""
    testo = parti[0].capitalize() + (": " + " ".join(parti[1:]) if len(parti) > 1 else "")
    return testo


def _stati(content_type_id: int | None) -> dict[Any, Any]:
    if content_type_id is None:
        return {}
    modello = ContentType.objects.get_for_id(content_type_id).model_class()
    stato = getattr(modello, "Stato", None)
    return dict(stato.choices) if stato is not None and hasattr(stato, "choices") else {}


def etichetta_stato(codice: str, content_type_id: int | None = None) -> str:
    """The label of the object's state (``in_valutazione`` -> "Inviata – in attesa di approvazione")."""
    if not codice:
        return ""
    stati = _stati(content_type_id)
    if codice in stati:
        return str(stati[codice])
    return str(codice).replace("_", " ").capitalize()


def transizione(voce: Any) -> str:
    """ "Bozza → Inviata – in attesa di approvazione", or "" when the entry changed no state."""
    if not (voce.stato_da or voce.stato_a):
        return ""
    da = etichetta_stato(voce.stato_da, voce.content_type_id) or "—"
    a = etichetta_stato(voce.stato_a, voce.content_type_id) or "—"
    return f"{da} → {a}"
