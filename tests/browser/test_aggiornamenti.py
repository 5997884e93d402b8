"""Pages waiting on the banditore update by themselves (sct/aggiorna.js): the aderente's riepilogo
of an adesione "in valutazione" shows the approval of the round made by the banditore in the admin
(another browser context) without a reload; without JavaScript the same page offers a plain link."""

import pytest

from .pagine import (
    aggiornamento_in_corso,
    azione_workflow_admin,
    documento_firmato,
    expect,
    invia_adesione,
    richiedi_adesione,
    segna_pagina,
    senza_ricarica,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

IN_ATTESA = "In attesa della valutazione del RUP del Contratto Quadro."
ROUND_1 = "RICHIESTE DOCUMENTI PER ADESIONE – ROUND 1"
# The riepilogo polls with backoff up to 30 s between two questions.
ATTESA_AGGIORNAMENTO_MS = 60_000


def test_riepilogo_adesione_si_aggiorna_all_approvazione_del_banditore(sito, nuovo_contesto, browser):
    aderente = sito.accedi(nuovo_contesto(), "aderente")
    # Ipotesi B: after round 0 the adesione can order and still has round 1 (the DPA) to send.
    codice = richiedi_adesione(
        sito,
        aderente,
        ipotesi="B",
        importo="12.345,67",
        documenti={
            "Manifestazione di interesse alla proroga": documento_firmato(sito, aderente, "manifestazione.pdf"),
            "Piano dei Fabbisogni (SOLO NEL CASO DI IPOTESI B)": documento_firmato(sito, aderente, "piano.pdf"),
            "Progetto dei Fabbisogni (SOLO NEL CASO DI IPOTESI B)": documento_firmato(sito, aderente, "progetto.pdf"),
        },
    )
    invia_adesione(sito, aderente)

    # "in corso", visibly: the badge, what the page waits for, the spinner; the link is not needed.
    indicatore = aggiornamento_in_corso(aderente)
    expect(indicatore).to_contain_text("in corso")
    expect(indicatore).to_contain_text(IN_ATTESA)
    expect(indicatore.get_by_text("La pagina si aggiorna da sola appena l'esito è disponibile.")).to_be_visible()
    expect(indicatore.get_by_role("link", name="Aggiorna la pagina")).to_be_hidden()
    sito.controlla_accessibilita(aderente, "Riepilogo adesione (in valutazione, aggiornamento automatico)")
    segna_pagina(aderente)

    # Without JavaScript (same session): the plain link "Aggiorna la pagina" to the same page.
    contesto = browser.new_context(java_script_enabled=False, storage_state=aderente.context.storage_state())
    try:
        senza_js = contesto.new_page()
        sito.vai(senza_js, aderente.url)
        link = aggiornamento_in_corso(senza_js).get_by_role("link", name="Aggiorna la pagina")
        expect(link).to_be_visible()
        expect(aggiornamento_in_corso(senza_js)).to_contain_text(IN_ATTESA)

        # The banditore approves round 0 in the admin, in his own browser context.
        banditore = sito.accedi(nuovo_contesto(), "banditore")
        azione_workflow_admin(sito, banditore, codice, "Approva")

        # The aderente's page shows it by itself: round 1 to fill in, no indicator, no reload, and
        # the change announced to screen readers.
        expect(aderente.get_by_role("heading", name=ROUND_1)).to_be_visible(timeout=ATTESA_AGGIORNAMENTO_MS)
        expect(aderente.locator("dl").first).to_contain_text("Approvata per gli ordinativi – round 1 da inviare")
        expect(aderente.get_by_role("status").filter(has_text=IN_ATTESA)).to_have_count(0)
        expect(aggiornamento_in_corso(aderente)).to_have_count(0)
        expect(
            aderente.get_by_role("status").filter(
                has_text="Stato dell'adesione aggiornato: Approvata per gli ordinativi"
            )
        ).to_be_attached()
        senza_ricarica(aderente)
        sito.controlla_accessibilita(aderente, "Riepilogo adesione (round approvato, aggiornata da sola)")

        # Without JavaScript the link shows the same.
        link.click()
        expect(senza_js.get_by_role("heading", name=ROUND_1)).to_be_visible()
        expect(aggiornamento_in_corso(senza_js)).to_have_count(0)
    finally:
        contesto.close()
