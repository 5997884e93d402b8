"""The adesione as the manual describes it ("Manifestazione di interesse", fig. 4-14): the aderente
on the site, the banditore in the Wagtail admin."""

import re

import pytest

from .pagine import (
    apri_adesione_da_elenco,
    apri_contratto,
    apri_tab,
    azione_workflow_admin,
    documento_firmato,
    expect,
    invia_adesione,
    richiedi_adesione,
    riga_adesione,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_ipotesi_a_fino_all_approvazione(sito, nuovo_contesto):
    aderente = sito.accedi(nuovo_contesto(), "aderente")
    codice = richiedi_adesione(sito, aderente, ipotesi="A", importo="12.345,67")
    # Passo 2 "riepilogo adesione": importo, codice A + six digits/year, contract amount, files.
    dati = aderente.locator("dl").first
    expect(dati).to_contain_text(codice)
    expect(dati).to_contain_text("€ 12.345,67")
    expect(dati).to_contain_text("€ 150.000.000,00")
    expect(aderente.get_by_role("link", name="manifestazione-firmato.pdf")).to_be_visible()
    expect(aderente.get_by_role("row").filter(has_text="Manifestazione di interesse")).to_contain_text("Laura Bianchi")
    sito.controlla_accessibilita(aderente, "Riepilogo adesione (bozza)")
    sito.fotografa(aderente, "adesione-riepilogo")

    # "no" at the confirmation goes back to the riepilogo, nothing sent.
    aderente.get_by_role("link", name="INVIA", exact=True).click()
    aderente.get_by_role("link", name="no", exact=True).click()
    expect(aderente.get_by_role("heading", level=1)).to_have_text("Passo 2 – riepilogo adesione")
    expect(aderente.get_by_role("link", name="INVIA", exact=True)).to_be_visible()

    invia_adesione(sito, aderente, nome_pagina="Conferma invio adesione")
    sito.controlla_accessibilita(aderente, "Riepilogo adesione (inviata)")
    sito.fotografa(aderente, "adesione-inviata")

    # Elenco adesioni: the adesione with the date of sending; no "richiedi adesione" while it is open.
    apri_contratto(sito, aderente)
    pannello = apri_tab(aderente, "Elenco adesioni")
    riga = riga_adesione(aderente, codice)
    expect(riga).to_contain_text("Inviata")
    expect(riga).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}"))
    expect(pannello.get_by_role("link", name="richiedi adesione")).to_have_count(0)
    sito.controlla_accessibilita(aderente, "Contratto – Elenco adesioni (aderente)")
    sito.fotografa(aderente, "contratto-elenco-adesioni")

    # Round 0 approved by the banditore in the admin.
    banditore = sito.accedi(nuovo_contesto(), "banditore")
    sito.vai(banditore, "/admin/")
    in_attesa = banditore.get_by_role("region", name="In attesa della tua revisione")
    expect(in_attesa.get_by_role("link", name=f"Adesione {codice} – Comune di Firenze")).to_be_visible()
    sito.controlla_accessibilita(banditore, "Admin – Dashboard del banditore")
    azione_workflow_admin(sito, banditore, codice, "Approva", controlla="Admin – Adesione in valutazione")
    sito.fotografa(banditore, "admin-adesione-approvata-round-0")

    # The manual: once the manifestazione di interesse is approved, "nuovo ordine" — ipotesi A has
    # no further round (the contract orders after round 0, as its blue "Dettagli" say).
    apri_adesione_da_elenco(sito, aderente, codice)
    expect(aderente.get_by_role("status").filter(has_text="Adesione approvata")).to_be_visible()
    expect(aderente.locator("#stato-adesione")).to_have_text("Approvata (round 0 (su 1))")
    expect(aderente.get_by_role("heading", name="RICHIESTE DOCUMENTI PER ADESIONE – ROUND 1")).to_have_count(0)
    expect(aderente.get_by_role("link", name="elimina bozza")).to_have_count(0)
    aderente.get_by_role("link", name="“elenco ordinativi”").click()
    expect(aderente).to_have_url(re.compile(r"#elenco-ordinativi$"))
    pannello = aderente.get_by_role("tabpanel", name="Elenco ordinativi", exact=True)
    expect(pannello).to_be_visible()
    expect(pannello.get_by_role("link", name="nuovo ordine")).to_be_visible()
    expect(aderente.locator("#round-per-ordinare")).to_contain_text("dopo l'approvazione del round 0")
    apri_tab(aderente, "Elenco adesioni")
    expect(riga_adesione(aderente, codice)).to_contain_text("Approvata")
    pannello = apri_tab(aderente, "Elenco ordinativi")
    pannello.get_by_role("link", name="nuovo ordine").click()
    expect(aderente.get_by_role("heading", level=1)).to_contain_text("Richiedi CIG")


def test_ipotesi_b_rifiutata_elimina_bozza_e_nuovo_round_0(sito, nuovo_contesto):
    aderente = sito.accedi(nuovo_contesto(), "aderente")
    codice = richiedi_adesione(
        sito,
        aderente,
        ipotesi="B",
        importo="48.000,00",
        documenti={
            "Manifestazione di interesse alla proroga": documento_firmato(sito, aderente, "manifestazione-b.pdf"),
            "Piano dei Fabbisogni (SOLO NEL CASO DI IPOTESI B)": documento_firmato(sito, aderente, "piano.pdf"),
            "Progetto dei Fabbisogni (SOLO NEL CASO DI IPOTESI B)": documento_firmato(sito, aderente, "progetto.pdf"),
        },
    )
    for nome in ("manifestazione-b-firmato.pdf", "piano-firmato.pdf", "progetto-firmato.pdf"):
        expect(aderente.get_by_role("link", name=nome)).to_be_visible()
    expect(aderente.locator("dl").first).to_contain_text("Ipotesi B")
    invia_adesione(sito, aderente)

    motivo = "Il progetto dei fabbisogni non è quello validato dall'amministrazione"
    banditore = sito.accedi(nuovo_contesto(), "banditore")
    azione_workflow_admin(sito, banditore, codice, "Non approvare", motivo=motivo)
    expect(banditore.get_by_role("row").filter(has_text=codice)).to_contain_text("Non approvata")

    # The aderente: no "richiedi adesione" while the adesione is back in draft; the eye icon opens it.
    apri_contratto(sito, aderente)
    pannello = apri_tab(aderente, "Elenco adesioni")
    expect(riga_adesione(aderente, codice)).to_contain_text("Non approvata")
    expect(pannello.get_by_role("link", name="richiedi adesione")).to_have_count(0)
    pannello.get_by_role("link", name=f"Apri l'adesione {codice}").click()
    avviso = aderente.get_by_role("alert").filter(has_text="non è stato approvato")
    expect(avviso).to_contain_text(motivo)
    sito.controlla_accessibilita(aderente, "Riepilogo adesione (non approvata)")
    sito.fotografa(aderente, "adesione-non-approvata")

    # The automatic notification is in the contract's comunicazioni.
    sito.vai(aderente, "/area-riservata/")
    aderente.get_by_role("link", name="Vai alle comunicazioni").click()
    aderente.get_by_role("link", name=f"Adesione {codice}: round 0 non approvato").click()
    expect(aderente.get_by_role("article").first).to_contain_text(motivo)
    sito.controlla_accessibilita(aderente, "Comunicazioni – notifica automatica")

    # "elimina bozza" → "sì" → back in Elenco adesioni, where "richiedi adesione" is again.
    apri_adesione_da_elenco(sito, aderente, codice)
    aderente.get_by_role("link", name="elimina bozza").click()
    expect(aderente.get_by_role("heading", name="Confermi l'eliminazione della bozza?")).to_be_visible()
    sito.controlla_accessibilita(aderente, "Conferma eliminazione bozza")
    aderente.get_by_role("button", name="sì", exact=True).click()
    expect(aderente.get_by_text("La bozza è stata eliminata.")).to_be_visible()
    # The manual: "Eliminata la bozza, l'utente atterra in “elenco adesioni”": the tab of the fragment.
    expect(aderente).to_have_url(re.compile(r"#elenco-adesioni$"))
    tab = aderente.get_by_role("tab", name="Elenco adesioni", exact=True)
    expect(tab).to_have_attribute("aria-selected", "true")
    pannello = aderente.get_by_role("tabpanel", name="Elenco adesioni", exact=True)
    expect(pannello).to_be_visible()
    expect(aderente.get_by_role("tabpanel", name="Informazioni generali", exact=True)).to_be_hidden()
    expect(riga_adesione(aderente, codice)).to_have_count(0)
    # Tabs keep the history: another tab, then "indietro" back to "elenco adesioni".
    aderente.get_by_role("tab", name="Informazioni generali", exact=True).click()
    expect(aderente).to_have_url(re.compile(r"#informazioni-generali$"))
    expect(pannello).to_be_hidden()
    aderente.go_back()
    expect(aderente).to_have_url(re.compile(r"#elenco-adesioni$"))
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(pannello).to_be_visible()
    pannello.get_by_role("link", name="richiedi adesione").click()
    expect(aderente.get_by_role("heading", level=1)).to_have_text("Richiedi adesione – passo 1")
    expect(aderente.get_by_role("group", name="RICHIESTE DOCUMENTI PER ADESIONE – ROUND 0")).to_be_visible()


def test_ritira_invio_adesione(sito, nuovo_contesto):
    # The RUP of the ente, this time with (simulated) SPID.
    aderente = sito.accedi_spid(nuovo_contesto(), "aderente")
    codice = richiedi_adesione(sito, aderente)
    invia_adesione(sito, aderente)
    ritira = aderente.get_by_role("button", name="ritira invio adesione")
    expect(ritira).to_be_visible()
    ritira.click()
    expect(aderente.get_by_text("L'invio dell'adesione è stato ritirato")).to_be_visible()
    expect(aderente.get_by_role("heading", level=1)).to_have_text("Passo 2 – riepilogo adesione")
    expect(aderente.get_by_role("link", name="elimina bozza")).to_be_visible()
    expect(aderente.get_by_role("link", name="INVIA", exact=True)).to_be_visible()
    expect(aderente.get_by_role("button", name="ritira invio adesione")).to_have_count(0)
    sito.controlla_accessibilita(aderente, "Riepilogo adesione (invio ritirato)")
    # Back in draft: the banditore has nothing left to evaluate.
    banditore = sito.accedi(nuovo_contesto(), "banditore")
    sito.vai(banditore, "/admin/")
    expect(banditore.get_by_role("link", name=f"Adesione {codice} – Comune di Firenze")).to_have_count(0)
    # …and it can be sent again.
    invia_adesione(sito, aderente)
    apri_contratto(sito, aderente)
    apri_tab(aderente, "Elenco adesioni")
    expect(riga_adesione(aderente, codice)).to_contain_text("Inviata")
