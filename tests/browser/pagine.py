"""Steps shared by the scenarios, written with the labels of the manual and of the site.

Each step takes the ``Sito`` (``sito`` fixture) and a Playwright page, acts like the user does (links
and buttons by their visible names) and checks where it lands. New flows (ordinativo: "nuovo
ordine" → "Richiedi CIG" → …; scheda ANN) add their steps here and their scenarios in a new
``test_*.py`` module.
"""

import re
from pathlib import Path

import pytest

from tests.pdf import pdf_semplice

TITOLO_SCT = (
    "Progettazione, realizzazione e gestione del Sistema Cloud Toscana, il community Cloud per la Pubblica "
    "Amministrazione in Toscana"
)
RE_CODICE_ADESIONE = re.compile(r"A\d{6}/\d{4}")

# Without the playwright package the scenario modules (which import from here) are skipped, with
# the reason, instead of failing to import.
expect = pytest.importorskip(
    "playwright.sync_api",
    reason="il pacchetto Python playwright non è installato (pip install -r requirements-dev.txt)",
    exc_type=ImportError,
).expect


# --- documents: the "Firma di prova" page (demo) -------------------------------------------------

FORMATI_FIRMA = {"PAdES": re.compile(r"^PAdES: "), "CAdES": re.compile(r"^CAdES: file \.p7m \(busta binaria DER\)")}
TIPI_MIME = {".pdf": "application/pdf", ".p7m": "application/pkcs7-mime"}


def pdf_da_firmare(nome_file, testo=None):
    """A small unsigned PDF (the user's document), as a Playwright file payload."""
    return {"name": nome_file, "mimeType": "application/pdf", "buffer": pdf_semplice(testo or nome_file)}


def apri_firma_di_prova(sito, page):
    """Area riservata → "Vai alla firma di prova"."""
    sito.vai(page, "/area-riservata/")
    page.get_by_role("region", name="Firma di prova").get_by_role("link", name="Vai alla firma di prova").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Firma di prova")
    return page


def firma_sulla_pagina(page, documento, *, formato="PAdES"):
    """On the "Firma di prova" page: the document (a payload or a path), the type of signature,
    "Firma e scarica" → the browser's download. Returns the signed file as a payload (the name the
    site gives it: ``<nome>-firmato.pdf`` or ``<nome>.p7m``)."""
    page.get_by_label("Documento PDF da firmare").set_input_files(documento)
    scegli_radio(page, FORMATI_FIRMA[formato])
    with page.expect_download() as scaricamento:
        page.get_by_role("button", name="Firma e scarica").click()
    download = scaricamento.value
    assert download.failure() is None, download.failure()
    nome = download.suggested_filename
    return {"name": nome, "mimeType": TIPI_MIME[Path(nome).suffix], "buffer": Path(download.path()).read_bytes()}


def documento_firmato(sito, page, nome_file, *, documento=None, formato="PAdES"):
    """What a demo user does to sign a document: in a new tab of the same browser (same user), Area
    riservata → "Firma di prova" → the file → "Firma e scarica"; the tab is closed and the flow page
    stays as it was. ``documento``: the payload to sign (default a small PDF named ``nome_file``).
    Returns the downloaded signed file as a payload for ``set_input_files``."""
    scheda = page.context.new_page()
    try:
        apri_firma_di_prova(sito, scheda)
        return firma_sulla_pagina(scheda, documento or pdf_da_firmare(nome_file), formato=formato)
    finally:
        scheda.close()


# --- navigation ----------------------------------------------------------------------------------


def apri_contratto(sito, page, titolo=TITOLO_SCT):
    """Manual fig. 1-3: Elenco contratti → the eye icon of the contract."""
    sito.vai(page, "/contratti/")
    page.get_by_role("link", name=f"Apri il dettaglio di {titolo}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(titolo)
    return page


def apri_tab(page, nome):
    """Click a tab of the contract page; return its panel (visible)."""
    tab = page.get_by_role("tab", name=nome, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    pannello = page.get_by_role("tabpanel", name=nome, exact=True)
    expect(pannello).to_be_visible()
    expect(pannello).to_have_class(re.compile(r"\bshow\b"))
    return pannello


def scegli_radio(page, nome):
    """Bootstrap Italia draws the radio on its label (which takes the click): click the label, as a
    user does, and check the radio is selected."""
    radio = page.get_by_role("radio", name=nome)
    page.locator(f"label[for='{radio.get_attribute('id')}']").click()
    expect(radio).to_be_checked()


def esci(page):
    page.get_by_role("button", name=re.compile(r"^Esci \(")).click()
    expect(page.get_by_role("link", name="Accedi all'area riservata")).to_be_visible()


# --- adesione (aderente) -------------------------------------------------------------------------


def richiedi_adesione(sito, page, *, ipotesi="A", importo="12.345,67", documenti=None):
    """Elenco adesioni → "richiedi adesione" → passo 1 → "salva e procedi" → riepilogo (passo 2).
    ``documenti``: {label of the file field: payload}; default the signed manifestazione only.
    Returns the adesione code shown in the riepilogo."""
    apri_contratto(sito, page)
    pannello = apri_tab(page, "Elenco adesioni")
    pannello.get_by_role("link", name="richiedi adesione").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Richiedi adesione – passo 1")
    sito.controlla_accessibilita(page, f"Richiedi adesione – passo 1 (ipotesi {ipotesi})")
    scegli_radio(page, re.compile(rf"^Ipotesi {ipotesi}\b"))
    page.get_by_label("Importo di adesione (euro)").fill(importo)
    documenti = documenti or {
        "Manifestazione di interesse alla proroga": documento_firmato(sito, page, "manifestazione.pdf")
    }
    for etichetta, payload in documenti.items():
        page.get_by_label(etichetta, exact=True).set_input_files(payload)
    return salva_e_procedi(page)


def salva_e_procedi(page):
    page.get_by_role("button", name="salva e procedi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passo 2 – riepilogo adesione")
    codice = page.get_by_text(RE_CODICE_ADESIONE).first.inner_text()
    return RE_CODICE_ADESIONE.search(codice).group(0)


def invia_adesione(sito, page, *, nome_pagina=None):
    """Riepilogo → "INVIA" → the confirmation → "sì" → the message of correct sending."""
    page.get_by_role("link", name="INVIA", exact=True).click()
    expect(page.get_by_role("heading", name="Confermi l'invio dell'adesione?")).to_be_visible()
    if nome_pagina:
        sito.controlla_accessibilita(page, nome_pagina)
    page.get_by_role("button", name="sì", exact=True).click()
    expect(page.get_by_text("Invio effettuato correttamente")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="In attesa dell'approvazione del round")).to_be_visible()


def apri_adesione_da_elenco(sito, page, codice):
    """Elenco adesioni → the eye icon of the adesione ``codice`` → its riepilogo."""
    apri_contratto(sito, page)
    pannello = apri_tab(page, "Elenco adesioni")
    pannello.get_by_role("link", name=f"Apri l'adesione {codice}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passo 2 – riepilogo adesione")
    expect(page.get_by_text(codice, exact=True).first).to_be_visible()


def riga_adesione(page, codice):
    return page.get_by_role("tabpanel", name="Elenco adesioni").get_by_role("row").filter(has_text=codice)


# --- waiting for ANAC ----------------------------------------------------------------------------

# ANAC's asynchronous outcomes (real Celery worker, simulator over HTTP): generous.
ATTESA_ANAC_MS = 90_000


def aggiornamento_in_corso(page):
    """The indicator "in corso" of a page waiting on ANAC or on the banditore (sct/aggiorna.js)."""
    return page.locator("[data-sct-aggiorna]")


def segna_pagina(page):
    """Mark the document: ``senza_ricarica`` then proves the page updated itself without a reload."""
    page.evaluate("window.__sctSenzaRicarica = true")


def senza_ricarica(page):
    assert page.evaluate("window.__sctSenzaRicarica === true"), "la pagina è stata ricaricata"


# --- ordinativo di fornitura (aderente, RUP) -----------------------------------------------------

RE_CODICE_ORDINATIVO = re.compile(r"O\d{6}/\d{4}")
RE_CIG = re.compile(r"^[A-Z0-9]{10}$")
# The manual's texts ("Invio dell’atto di adesione / contratto attuativo"), verbatim.
MSG_TOTALI = (
    "Il totale delle righe dell’ordine non corrisponde al totale dell’ordine inserito in fase di richiesta del CIG."
)
AIUTO_CIG = "Per poter finalizzare l’invio dell’ordine è necessario integrare la richiesta del CIG tramite il bottone “Conferma appalto”."
BANNER_CONFERMA = (
    "La richiesta di conferma appalto è in corso , si prega di attendere. Per verificare l’esito è necessario ricaricare "
    "la pagina corrente. Una volta ottenuta la verifica positiva è necessario eseguire la funzione “Recupera CIG”."
)
BANNER_CIG = (
    "La richiesta di recupera CIG è in corso, si prega di attendere. Per visualizzare il CIG è necessario ricaricare la "
    "pagina. L’esito della richiesta è consultabile nella sezione Log Trasmissioni. Una volta recuperato il CIG è "
    "necessario procedere secondo il flusso previsto per la pubblicazione."
)
ETICHETTA_ATTO = "Atto di adesione / contratto attuativo (o proroga, per l'ipotesi A)"


def apri_elenco_ordinativi(sito, page):
    """The contract → tab "Elenco ordinativi"; returns the panel."""
    apri_contratto(sito, page)
    return apri_tab(page, "Elenco ordinativi")


def riga_ordinativo(page, codice):
    return page.get_by_role("tabpanel", name="Elenco ordinativi").get_by_role("row").filter(has_text=codice)


def apri_ordinativo_da_elenco(sito, page, codice, *, controlla=None):
    """Elenco ordinativi → the eye icon of the ordinativo ``codice`` → its passo 1. ``controlla``:
    the name of the accessibility check of the contract page, on the way."""
    apri_elenco_ordinativi(sito, page)
    if controlla:
        sito.controlla_accessibilita(page, controlla)
    riga_ordinativo(page, codice).get_by_role("link", name=f"Apri l'ordinativo {codice}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ordinativo di fornitura {codice}")
    return page


def nuovo_ordine(sito, page, *, importo, durata_mesi="12", controlla=(None, None)):
    """Elenco ordinativi → "nuovo ordine" → the "Richiedi CIG" form (prefilled from the adesione and
    the ente; the importo and the duration filled here) → "Vai all'ordine" → passo 1. Returns the
    ordinativo code. ``controlla``: the names of the accessibility checks of the contract page and of
    the form."""
    pannello = apri_elenco_ordinativi(sito, page)
    if controlla[0]:
        sito.controlla_accessibilita(page, controlla[0])
    pannello.get_by_role("link", name="nuovo ordine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Richiedi CIG")
    if controlla[1]:
        sito.controlla_accessibilita(page, controlla[1])
    page.get_by_label("Importo totale dell'ordine (lotto, euro)").fill(importo)
    page.get_by_label("Durata (mesi)").fill(durata_mesi)
    page.get_by_role("button", name="Vai all'ordine").click()
    titolo = page.get_by_role("heading", level=1)
    expect(titolo).to_have_text(re.compile(r"^Ordinativo di fornitura O\d{6}/\d{4}$"))
    expect(page.get_by_role("heading", name="Passo 1", exact=True)).to_be_visible()
    return RE_CODICE_ORDINATIVO.search(titolo.inner_text()).group(0)


def righe_ordine(page):
    return page.get_by_role("table", name="Righe dell'ordine")


def aggiungi_riga(page, descrizione, importo_unitario, quantita):
    """Passo 1: descrizione, importo unitario, quantità → the green tick ("aggiungi la riga")."""
    page.get_by_label("Descrizione", exact=True).fill(descrizione)
    page.get_by_label("Importo unitario (euro)").fill(importo_unitario)
    page.get_by_label("Quantità", exact=True).fill(quantita)
    spunta = page.get_by_role("button", name="aggiungi la riga")
    expect(spunta).to_have_class(re.compile(r"\bbtn-success\b"))  # green
    spunta.click()
    expect(righe_ordine(page).get_by_role("row").filter(has_text=descrizione)).to_be_visible()


def elimina_riga(page, descrizione):
    righe_ordine(page).get_by_role("button", name=f"elimina la riga {descrizione}").click()
    expect(righe_ordine(page).get_by_role("row").filter(has_text=descrizione)).to_have_count(0)


def carica_atto_adesione(page, payload):
    """ "RICHIESTE PER ORDINATIVI FORNITURA": the signed atto di adesione / contratto attuativo → "carica"."""
    sezione = page.get_by_role("region", name="RICHIESTE PER ORDINATIVI FORNITURA")
    sezione.get_by_label(ETICHETTA_ATTO).set_input_files(payload)
    sezione.get_by_role("button", name="carica", exact=True).click()
    expect(sezione.get_by_role("link", name=payload["name"])).to_be_visible()
    return sezione


def banner(page, testo):
    """An orange banner of the manual (Bootstrap Italia's warning alert) with ``testo``."""
    avviso = page.get_by_role("status").filter(has_text=testo)
    expect(avviso).to_be_visible()
    expect(avviso).to_have_class(re.compile(r"\balert-warning\b"))
    return avviso


def conferma_appalto(page):
    """ "Conferma appalto" (the RUP with SPID/CIE/CNS): the orange banner while ANAC validates."""
    page.get_by_role("button", name="Conferma appalto").click()
    return banner(page, BANNER_CONFERMA)


def attendi_appalto_confermato(page):
    """The page polls the state and updates by itself: "Acquisisci CIG" appears, "Conferma appalto"
    is off, "salva e procedi" still greyed."""
    acquisisci = page.get_by_role("button", name="Acquisisci CIG")
    expect(acquisisci).to_be_enabled(timeout=ATTESA_ANAC_MS)
    expect(page.get_by_role("button", name="Conferma appalto")).to_be_disabled()
    expect(page.get_by_role("button", name="salva e procedi")).to_be_disabled()
    expect(page.get_by_role("status").filter(has_text="La richiesta di conferma appalto è in corso")).to_have_count(0)
    return acquisisci


def acquisisci_cig(page):
    """ "Acquisisci CIG": the orange banner while ANAC answers."""
    page.get_by_role("button", name="Acquisisci CIG").click()
    return banner(page, BANNER_CIG)


def attendi_cig_derivato(page):
    """The CIG issued by ANAC in the greyed "CIG derivato" field, and "procedi al passo 2" on.
    Returns the CIG."""
    campo = page.get_by_label("CIG derivato")
    expect(campo).to_have_value(RE_CIG, timeout=ATTESA_ANAC_MS)
    expect(campo).to_be_disabled()
    expect(page.get_by_role("link", name="procedi al passo 2")).to_be_visible()
    return campo.input_value()


def scarica_scheda_sintesi(page):
    """Passo 2: download the PDF "Scheda di sintesi ordinativo di fornitura"; returns (file name, bytes)."""
    with page.expect_download() as scaricamento:
        page.get_by_role("link", name="Scheda di sintesi ordinativo di fornitura (PDF)").click()
    download = scaricamento.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def carica_scheda_firmata(page, payload):
    """Passo 2: the signed scheda → "carica la scheda firmata" → the check of the signature."""
    page.get_by_label("Scheda di sintesi firmata digitalmente").set_input_files(payload)
    page.get_by_role("button", name="carica la scheda firmata").click()
    expect(
        page.get_by_text(
            "Scheda di sintesi firmata caricata: il documento corrisponde a quello generato e la firma è integra."
        )
    ).to_be_visible()


def invia_ordinativo(sito, page, *, controlla=None):
    """Passo 3 "invia" → the confirmation → "sì" → the message of correct sending."""
    page.get_by_role("link", name="invia", exact=True).click()
    expect(page.get_by_role("heading", name="Confermi l'invio dell'ordinativo di fornitura?")).to_be_visible()
    if controlla:
        sito.controlla_accessibilita(page, controlla)
    page.get_by_role("button", name="sì", exact=True).click()
    expect(
        page.get_by_text(
            "Invio effettuato correttamente: l'ordinativo di fornitura è stato inoltrato al RUP del Contratto Quadro."
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Passo 3 – conferma e invio")).to_be_visible()


# --- schede ANAC (RUP) ---------------------------------------------------------------------------

BANNER_INVIO_SCHEDA = (
    "La richiesta di invio scheda è in corso. Si prega di attendere, fino a quando l’esito sarà disponibile sul Log "
    "Trasmissioni. Si prega di ricarica la pagina. Successivamente verifica l’invio tramite l’apposito pulsante."
)


def apri_schede(page):
    """The ordinativo's second-level menu → "SCHEDE"."""
    page.get_by_role("navigation", name="Sezioni dell'ordinativo").get_by_role("link", name="SCHEDE").click()
    expect(page.get_by_role("heading", name="Schede", exact=True)).to_be_visible()


def crea_nuova_scheda(sito, page, voce, *, foto=None):
    """ "Crea nuova scheda" (drop-down) → ``voce`` → tab "Inserimento dati". ``foto``: the name of a
    screenshot of the open menu."""
    menu = page.get_by_role("button", name="Crea nuova scheda")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    link = page.get_by_role("link", name=voce, exact=True)
    expect(link).to_be_visible()
    if foto:
        sito.fotografa(page, foto, da=page.get_by_role("navigation", name="Sezioni dell'ordinativo"))
    link.click()
    expect(page.get_by_role("heading", name=f"Nuova scheda: {voce}")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Sezioni della scheda").get_by_role("link", name="Inserimento dati")
    ).to_have_attribute("aria-current", "page")


def tabella_schede(page):
    return page.get_by_role("table", name=re.compile(r"^Schede ANAC dell'ordinativo"))


def riga_scheda(page, nome):
    return tabella_schede(page).get_by_role("row").filter(has_text=nome)


# --- Wagtail admin (banditore) -------------------------------------------------------------------

# The snippets the banditore evaluates: entry of the admin's menu, title of the list, title of a record.
SNIPPET_ADMIN = {
    "adesione": ("Adesioni", "Adesioni", "Adesione"),
    "ordinativo": ("Ordinativi", "Ordinativi di fornitura", "Ordinativo"),
}


def apri_snippet_admin(sito, page, codice, *, tipo="adesione", controlla=None):
    """Wagtail admin → menu "Adesioni" (or "Ordinativi") → the record ``codice`` (the snippet editor
    with its summary)."""
    menu, elenco, titolo = SNIPPET_ADMIN[tipo]
    sito.vai(page, "/admin/")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name=menu).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(elenco)
    page.get_by_role("link", name=codice, exact=True).click()
    expect(page.get_by_role("heading", name=f"{titolo} {codice}")).to_be_visible()
    if controlla:
        sito.controlla_accessibilita(page, controlla)
    return page


def apri_adesione_admin(sito, page, codice, *, controlla=None):
    return apri_snippet_admin(sito, page, codice, tipo="adesione", controlla=controlla)


def azione_workflow_admin(sito, page, codice, azione, *, tipo="adesione", motivo=None, controlla=None):
    """The banditore's workflow action on the adesione (``tipo="adesione"``) or the ordinativo
    (``tipo="ordinativo"``) ``codice`` in the Wagtail admin: "Approva", or "Non approvare" with its
    ``motivo`` (asked in a dialog). Returns the admin page after the action (the list)."""
    _, elenco, titolo = SNIPPET_ADMIN[tipo]
    apri_snippet_admin(sito, page, codice, tipo=tipo, controlla=controlla)
    # The footer offers only the workflow's decisions: "Approva" first, "Non approvare" in "Altre azioni".
    piede = page.get_by_role("navigation", name="Azioni (piè di pagina)")
    if azione != "Approva":
        piede.get_by_role("button", name="Altre azioni").click()
    piede.get_by_role("button", name=re.compile(rf"^{azione}$")).click()
    # Both open a dialog: the approval asks for confirmation, the non-approval for the reason.
    dialogo = page.get_by_role("dialog")
    expect(dialogo).to_be_visible()
    if motivo is not None:
        dialogo.get_by_label("Motivo della mancata approvazione").fill(motivo)
    else:
        expect(dialogo).to_contain_text("Confermi l'approvazione?")
    dialogo.get_by_role("button", name=azione, exact=True).click()
    # Back to the list, with Wagtail's confirmation and the row of the record.
    expect(page.get_by_role("heading", level=1)).to_have_text(elenco)
    esito = {"Approva": "approvat", "Non approvare": "non approvat"}[azione]
    expect(
        page.get_by_role("status").filter(has_text=re.compile(rf"{titolo} {re.escape(codice)} .* {esito}[ao]\."))
    ).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu principale")).to_be_visible()
    return page


# --- set-up through the services (for the scenarios that start after the CIG) --------------------


def ordinativo_approvato_con_cig(demo, worker_celery, *, username="aderente", fino_a=None):
    """An approved ordinativo of the Comune di Firenze whose derived CIG was issued by the ANAC
    simulator through the real worker: the same requests as the pages of passo 1 (Django's test
    client, the RUP with simulated SPID), then the ordinativo's services up to the banditore's
    approval (``tests/schede/aiuti.porta_a``), or up to the state ``fino_a`` (e.g. ``INVIATO``). The browser
    scenario starts from here."""
    from django.test import Client

    from contratti.models import Ordinativo
    from tests.ordinativi.aiuti import adesione_approvata, aggiungi_righe, crea_ordinativo, spid, sub, upload
    from tests.schede.aiuti import porta_a

    client = Client()
    client.force_login(demo.user(username))
    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo, username=username))
    aggiungi_righe(client, demo, ordinativo, [("Servizio IaaS – macchine virtuali", "33,33", "3")])
    risposta = client.post(
        sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"), {"doc_atto-adesione": upload()}
    )
    assert risposta.status_code == 302
    spid(client, demo, username)
    stato = sub(demo.sct, "ordinativo_stato", ordinativo.pk)
    assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    # The open page would poll this (read only: the worker asks ANAC again after a "still waiting").
    worker_celery.attendi(
        lambda: client.get(stato).json()["stato"] == Ordinativo.Stato.APPALTO_CONFERMATO,
        timeout=ATTESA_ANAC_MS / 1000,
        messaggio="appalto confermato",
    )
    assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    worker_celery.attendi(
        lambda: client.get(stato).json()["stato"] == Ordinativo.Stato.CIG_ACQUISITO,
        timeout=ATTESA_ANAC_MS / 1000,
        messaggio="CIG acquisito",
    )
    ordinativo.refresh_from_db()
    return porta_a(ordinativo, demo, fino_a or Ordinativo.Stato.APPROVATO)
