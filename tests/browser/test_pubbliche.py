"""Public pages as an anonymous visitor (manual: "Accesso al negozio elettronico", fig. 1-3)."""

import re

import pytest

from .pagine import TITOLO_SCT, apri_contratto, apri_tab, expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home_e_navigazione(sito, pagina):
    sito.vai(pagina, "/")
    expect(pagina.get_by_role("heading", level=1)).to_be_visible()
    navigazione = pagina.get_by_role("navigation", name="Navigazione principale")
    for voce in ("Elenco contratti", "Aggiudicazioni e affidamenti", "Documentazione"):
        expect(navigazione.get_by_role("link", name=voce)).to_be_visible()
    expect(pagina.get_by_role("link", name="Accedi all'area riservata")).to_be_visible()
    sito.controlla_accessibilita(pagina, "Home")
    sito.fotografa(pagina, "home")


def test_elenco_contratti_con_parametri_di_ricerca(sito, pagina):
    sito.vai(pagina, "/")
    pagina.get_by_role("navigation", name="Navigazione principale").get_by_role("link", name="Elenco contratti").click()
    expect(pagina.get_by_role("heading", name="Parametri di ricerca")).to_be_visible()
    expect(pagina.get_by_text("2 contratti trovati")).to_be_visible()
    sito.controlla_accessibilita(pagina, "Elenco contratti")
    sito.fotografa(pagina, "elenco-contratti")
    # A search parameter narrows the list, keeps the value in the form and the page stays accessible.
    pagina.get_by_label("Testo").fill("Cloud Toscana")
    pagina.get_by_role("button", name="Cerca").click()
    expect(pagina).to_have_url(re.compile(r"[?&]q=Cloud\+Toscana"))
    expect(pagina.get_by_text("1 contratto trovato")).to_be_visible()
    righe = pagina.get_by_role("table").get_by_role("row")
    expect(righe).to_have_count(2)  # header + the SCT agreement
    expect(righe.nth(1)).to_contain_text("7154112FF8")
    sito.controlla_accessibilita(pagina, "Elenco contratti (ricerca)")
    # An invalid parameter is ignored and explained, never an error.
    sito.vai(pagina, "/contratti/?scadenza_dal=31-31-2025")
    expect(pagina.get_by_role("alert")).to_contain_text("ignorati")
    sito.controlla_accessibilita(pagina, "Elenco contratti (parametro non valido)")


def test_pagina_contratto_tab_e_accordion(sito, pagina):
    apri_contratto(sito, pagina, TITOLO_SCT)
    expect(pagina.get_by_role("heading", level=1)).to_have_text(TITOLO_SCT)
    dettagli = pagina.get_by_role("region", name="Dettagli")
    expect(dettagli).to_contain_text("7154112FF8")
    expect(dettagli).to_contain_text("2 round di adesione")
    tabs = pagina.get_by_role("tab")
    expect(tabs).to_have_text(
        ["Informazioni generali", "Aggiudicatario", "Chiarimenti", "Elenco adesioni", "Elenco ordinativi"]
    )
    # Informazioni generali: the manual's accordions, DOCUMENTAZIONE ALLEGATA open.
    for titolo in (
        "DOCUMENTAZIONE ALLEGATA",
        "RICHIESTE DOCUMENTI PER ADESIONE – ROUND 0",
        "RICHIESTE DOCUMENTI PER ADESIONE – ROUND 1",
        "RICHIESTE PER ORDINATIVI FORNITURA",
        "SCADENZA",
        "UTENTI ABILITATI AD OPERARE SULLA PROCEDURA",
    ):
        expect(pagina.get_by_role("button", name=titolo, exact=True)).to_be_visible()
    sito.controlla_accessibilita(pagina, "Contratto – Informazioni generali")
    sito.fotografa(pagina, "contratto-informazioni-generali")
    round0 = pagina.get_by_role("button", name="RICHIESTE DOCUMENTI PER ADESIONE – ROUND 0", exact=True)
    expect(round0).to_have_attribute("aria-expanded", "false")
    round0.click()
    expect(round0).to_have_attribute("aria-expanded", "true")
    regione = pagina.get_by_role("region", name="RICHIESTE DOCUMENTI PER ADESIONE – ROUND 0")
    expect(regione).to_be_visible()
    expect(regione).to_contain_text("Manifestazione di interesse alla proroga")
    expect(regione).to_contain_text("solo ipotesi B")
    scadenza = pagina.get_by_role("button", name="SCADENZA", exact=True)
    scadenza.click()
    expect(pagina.get_by_role("region", name="SCADENZA")).to_contain_text("02/10/2026")
    sito.controlla_accessibilita(pagina, "Contratto – accordion aperti")

    pannello = apri_tab(pagina, "Aggiudicatario")
    expect(pannello).to_contain_text("Telecom Italia")
    expect(pannello.get_by_role("table")).to_contain_text("Mandataria")
    sito.controlla_accessibilita(pagina, "Contratto – Aggiudicatario")

    pannello = apri_tab(pagina, "Chiarimenti")
    expect(pannello.get_by_role("heading", name="Chiarimenti")).to_be_visible()
    expect(pannello.get_by_role("link", name="accedi")).to_be_visible()
    sito.controlla_accessibilita(pagina, "Contratto – Chiarimenti")

    pannello = apri_tab(pagina, "Elenco adesioni")
    expect(pannello).to_contain_text("visibile agli utenti degli enti aderenti")
    expect(pannello.get_by_role("link", name="richiedi adesione")).to_have_count(0)
    sito.controlla_accessibilita(pagina, "Contratto – Elenco adesioni (anonimo)")

    pannello = apri_tab(pagina, "Elenco ordinativi")
    expect(pannello).to_contain_text("visibile agli utenti degli enti aderenti")
    sito.controlla_accessibilita(pagina, "Contratto – Elenco ordinativi (anonimo)")


def test_documentazione_e_modello_scaricato(sito, pagina):
    sito.vai(pagina, "/")
    pagina.get_by_role("navigation", name="Navigazione principale").get_by_role("link", name="Documentazione").click()
    expect(pagina.get_by_role("heading", level=1)).to_have_text("Documentazione")
    sito.controlla_accessibilita(pagina, "Documentazione")
    sito.fotografa(pagina, "documentazione")

    pagina.get_by_role("link", name="Domande frequenti").click()
    domanda = pagina.get_by_text("La mia manifestazione di interesse è stata rifiutata: cosa devo fare?")
    domanda.click()
    expect(pagina.get_by_text("clicca “elimina bozza” e ripeti il round 0")).to_be_visible()
    sito.controlla_accessibilita(pagina, "Documentazione – Domande frequenti")

    pagina.go_back()
    pagina.get_by_role("link", name="Modelli dei documenti").click()
    expect(pagina.get_by_role("heading", level=1)).to_have_text("Modelli dei documenti")
    sito.controlla_accessibilita(pagina, "Documentazione – Modelli")
    link = pagina.get_by_role("link", name="Manifestazione di interesse alla proroga")
    expect(link).to_be_visible()
    # The browser shows a PDF inline (Wagtail serves PDFs inline): fetch the link as the browser
    # would, with the page's cookies, and check what arrives.
    risposta = pagina.request.get(sito.url(link.get_attribute("href")))
    assert risposta.ok and risposta.headers["content-type"] == "application/pdf"
    assert ".pdf" in risposta.headers.get("content-disposition", "")
    assert risposta.body().startswith(b"%PDF-") and len(risposta.body()) > 1000


def test_aggiudicazioni_e_affidamenti(sito, pagina):
    sito.vai(pagina, "/")
    pagina.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Aggiudicazioni e affidamenti"
    ).click()
    expect(pagina.get_by_role("heading", level=1)).to_have_text("Aggiudicazioni e affidamenti")
    expect(pagina.get_by_role("heading", name="Parametri di ricerca")).to_be_visible()
    sito.controlla_accessibilita(pagina, "Aggiudicazioni e affidamenti")
    pagina.get_by_role("link", name="dati aperti").first.click()
    expect(pagina.get_by_role("heading", level=1)).to_be_visible()
    sito.controlla_accessibilita(pagina, "Aggiudicazioni e affidamenti – dati aperti")
