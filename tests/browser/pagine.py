"""Steps shared by the scenarios, written with the labels of the manual and of the site.

Each step takes the ``Sito`` (``sito`` fixture) and a Playwright page, acts like the user does (links
and buttons by their visible names) and checks where it lands. New flows (ordinativo: "nuovo
ordine" → "Richiedi CIG" → …; scheda ANN) add their steps here and their scenarios in a new
``test_*.py`` module.
"""

import re

import pytest

from documenti.firma_prova import firma_pades
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


# --- documents -----------------------------------------------------------------------------------

def pdf_firmato(nome_file, testo=None, firmatario="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M"):
    """A small PDF signed (PAdES) with the demo CA, as a Playwright file payload for
    ``set_input_files``."""
    dati = firma_pades(pdf_semplice(testo or nome_file), nome=firmatario, codice_fiscale=codice_fiscale)
    return {"name": nome_file, "mimeType": "application/pdf", "buffer": dati}


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
    documenti = documenti or {"Manifestazione di interesse alla proroga": pdf_firmato("manifestazione.pdf")}
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


# --- Wagtail admin (banditore) -------------------------------------------------------------------

def apri_adesione_admin(sito, page, codice, *, controlla=None):
    """Wagtail admin → menu "Adesioni" → the adesione ``codice`` (the snippet editor with its summary)."""
    sito.vai(page, "/admin/")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Adesioni").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adesioni")
    page.get_by_role("link", name=codice, exact=True).click()
    expect(page.get_by_role("heading", name=f"Adesione {codice}")).to_be_visible()
    if controlla:
        sito.controlla_accessibilita(page, controlla)
    return page


def azione_workflow_admin(sito, page, codice, azione, *, motivo=None, controlla=None):
    """The banditore's workflow action on the adesione ``codice`` in the Wagtail admin: "Approva", or
    "Non approvare" with its ``motivo`` (asked in a dialog). Returns the admin page after the action."""
    apri_adesione_admin(sito, page, codice, controlla=controlla)
    # The workflow actions sit in the footer's "Altre azioni" dropdown of the snippet editor.
    piede = page.get_by_role("navigation", name="Actions (footer)")
    piede.get_by_role("button", name="Altre azioni").click()
    # Wagtail shows the approval of the last task of a workflow as "Approva e Pubblica".
    nome = re.compile(r"^Approva( e Pubblica)?$") if azione == "Approva" else re.compile(rf"^{azione}$")
    piede.get_by_role("button", name=nome).click()
    if motivo is not None:
        dialogo = page.get_by_role("dialog")
        expect(dialogo).to_be_visible()
        dialogo.get_by_label("Motivo della mancata approvazione").fill(motivo)
        dialogo.get_by_role("button", name=azione, exact=True).click()
    # Back to the list, with Wagtail's confirmation and the row of the adesione.
    expect(page.get_by_role("heading", level=1)).to_have_text("Adesioni")
    expect(page.get_by_role("status").filter(has_text=f"Adesione {codice}")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu principale")).to_be_visible()
    return page
