"""The scheda ANN as the manual describes it ("Scheda ANN – Annullamento procedura", fig. 45-54): the
RUP with (simulated) SPID cancels an approved ordinativo with a CIG. ANAC is the simulator over HTTP,
reached by the real Celery worker. The pages waiting for ANAC update by themselves (sct/aggiorna.js):
the test never reloads them, and checks that no reload happened."""

import re

import pytest

from anac.services import trasmissioni_di
from contratti.models import Ordinativo, Scheda

from .pagine import (
    ATTESA_ANAC_MS,
    BANNER_INVIO_SCHEDA,
    aggiornamento_in_corso,
    apri_elenco_ordinativi,
    apri_ordinativo_da_elenco,
    apri_schede,
    banner,
    crea_nuova_scheda,
    expect,
    ordinativo_approvato_con_cig,
    riga_ordinativo,
    riga_scheda,
    segna_pagina,
    senza_ricarica,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ANN = "Annullamento procedura – ANN"
AIUTO_MOTIVO = "Tale motivazione è l’unica tipologia prevista da ANAC, per questo motivo non è modificabile."
BANNER_VERIFICA = "La verifica dell'invio è in corso: l'esito comparirà in questa pagina appena ANAC lo restituisce."


def test_scheda_ann_annulla_l_ordinativo(sito, nuovo_contesto, demo, worker_celery, simulatore_anac):
    ordinativo = ordinativo_approvato_con_cig(demo, worker_celery)
    codice, cig = ordinativo.codice, ordinativo.cig_derivato

    # The RUP, with (simulated) SPID: Elenco ordinativi → the eye icon → menu "SCHEDE".
    rup = sito.accedi_spid(nuovo_contesto(), "aderente")
    apri_ordinativo_da_elenco(sito, rup, codice, controlla="Contratto – Elenco ordinativi (RUP, approvato)")
    expect(rup.locator("main")).to_contain_text(f"stato: Approvato – CIG derivato {cig}")
    sito.controlla_accessibilita(rup, "Ordinativo approvato – passo 1 (RUP)")
    apri_schede(rup)
    expect(rup.get_by_role("table", name=f"Schede ANAC dell'ordinativo {codice}")).to_contain_text(
        "Nessuna scheda inserita."
    )
    sito.controlla_accessibilita(rup, "Schede dell'ordinativo (nessuna)")

    # "Crea nuova scheda" → "Annullamento procedura – ANN" → tab "Inserimento dati": CIG and motivo
    # prefilled, not editable.
    crea_nuova_scheda(sito, rup, ANN, foto="schede-crea-nuova-scheda")
    campo_cig = rup.get_by_label("CIG", exact=True)
    expect(campo_cig).to_have_value(cig)
    expect(campo_cig).not_to_be_editable()
    motivo = rup.get_by_label("Motivo", exact=True)
    expect(motivo).to_have_value("errata comunicazione")
    expect(motivo).not_to_be_editable()
    expect(rup.get_by_text(AIUTO_MOTIVO)).to_be_visible()
    expect(
        rup.get_by_role("navigation", name="Sezioni della scheda").get_by_text("log trasmissioni")
    ).to_have_attribute("aria-disabled", "true")
    sito.controlla_accessibilita(rup, "Scheda ANN – inserimento dati")
    sito.fotografa(rup, "scheda-ann-inserimento", da=rup.get_by_role("heading", level=1))

    # "salva e procedi": the scheda in bozza, which can be sent or deleted.
    rup.get_by_role("button", name="salva e procedi").click()
    expect(rup.get_by_role("heading", name=ANN, exact=True)).to_be_visible()
    expect(rup.get_by_text("Scheda salvata in bozza:")).to_be_visible()
    expect(rup.locator("main")).to_contain_text("Stato della scheda: Bozza")
    expect(rup.get_by_role("link", name=f"elimina la scheda {ANN}")).to_be_visible()
    sito.controlla_accessibilita(rup, "Scheda ANN – bozza")
    scheda = Scheda.objects.get(ordinativo=ordinativo)
    assert scheda.tipo == Scheda.Tipo.ANN and scheda.stato == Scheda.Stato.BOZZA and scheda.cig == cig

    # ANAC takes its time (each answer 1.8 s, within the worker's 2 s timeout): the pages wait visibly.
    for servizio in ("crea-scheda", "conferma-scheda", "esito-operazione"):
        simulatore_anac.guasto(servizio=servizio, tipo="timeout", ritardo=1.8, volte=1)

    # "invia scheda": the manual's banner, in the list of the schede, and the indicator "in corso".
    rup.get_by_role("button", name=f"invia scheda {ANN}").click()
    expect(rup.get_by_role("heading", name="Schede", exact=True)).to_be_visible()
    banner(rup, BANNER_INVIO_SCHEDA)
    expect(aggiornamento_in_corso(rup)).to_contain_text("in corso")
    sito.controlla_accessibilita(rup, "Schede – invio della scheda in corso")

    # The name of the scheda → its tab "log trasmissioni": the outcome of the sending shows up by
    # itself, without reloading the page.
    riga_scheda(rup, ANN).get_by_role("link", name=ANN).click()
    schede_tab = rup.get_by_role("navigation", name="Sezioni della scheda")
    expect(schede_tab.get_by_role("link", name="log trasmissioni")).to_have_attribute("aria-current", "page")
    expect(aggiornamento_in_corso(rup)).to_be_visible()
    segna_pagina(rup)
    log = rup.get_by_role("table", name=re.compile(r"^Log Trasmissioni della scheda"))
    expect(log.get_by_role("row").filter(has_text="Conferma scheda")).to_contain_text(
        "Positivo", timeout=ATTESA_ANAC_MS
    )
    expect(log.get_by_role("row").filter(has_text="Crea scheda")).to_contain_text("Positivo")
    expect(rup.locator("main")).to_contain_text("Stato della scheda: Inviata")
    expect(aggiornamento_in_corso(rup)).to_have_count(0)
    expect(rup.get_by_role("status").filter(has_text="Stato della scheda aggiornato: Inviata.")).to_be_attached()
    senza_ricarica(rup)
    sito.controlla_accessibilita(rup, "Scheda ANN – log trasmissioni")

    # Back to "SCHEDE": "Verifica invio"; the list shows the outcome by itself: "Confermata".
    apri_schede(rup)
    verifica = rup.get_by_role("button", name=f"Verifica invio della scheda {ANN}")
    banner(rup, BANNER_INVIO_SCHEDA)  # until the outcome is known
    verifica.click()
    expect(rup.get_by_role("heading", name="Schede", exact=True)).to_be_visible()
    expect(rup.get_by_role("status").filter(has_text=BANNER_VERIFICA)).to_be_visible()
    expect(aggiornamento_in_corso(rup)).to_be_visible()
    segna_pagina(rup)
    stato = riga_scheda(rup, ANN).get_by_role("cell").nth(1)
    expect(stato).to_have_text("Confermata", timeout=ATTESA_ANAC_MS)
    expect(rup.get_by_role("status").filter(has_text="La scheda è stata confermata da ANAC.")).to_contain_text(
        "L'ordinativo di fornitura è annullato."
    )
    expect(rup.get_by_role("status").filter(has_text=BANNER_INVIO_SCHEDA)).to_have_count(0)
    expect(aggiornamento_in_corso(rup)).to_have_count(0)
    expect(riga_scheda(rup, ANN)).to_contain_text(cig)
    expect(rup.locator("main")).to_contain_text("stato: Annullato")
    senza_ricarica(rup)
    # After the ANN no other scheda: every entry of "Crea nuova scheda" is disabled, with the reason.
    bloccate = rup.get_by_role("list", name="Voci non disponibili del menu Crea nuova scheda")
    expect(bloccate).to_contain_text("Dopo l'invio della scheda ANN non è possibile inviare altre schede.")
    sito.controlla_accessibilita(rup, "Schede – scheda ANN confermata")
    sito.fotografa(rup, "scheda-ann-confermata", da=rup.get_by_role("heading", name="Schede", exact=True))

    # The ordinativo "Annullato", in its page and in Elenco ordinativi.
    rup.get_by_role("link", name="Torna all'ordinativo").click()
    expect(rup.get_by_role("heading", level=1)).to_have_text(f"Ordinativo di fornitura {codice}")
    expect(rup.locator("main")).to_contain_text(f"stato: Annullato – CIG derivato {cig}")
    sito.controlla_accessibilita(rup, "Ordinativo annullato")
    sito.fotografa(rup, "ordinativo-annullato")
    apri_elenco_ordinativi(sito, rup)
    expect(riga_ordinativo(rup, codice)).to_contain_text("Annullato")
    sito.controlla_accessibilita(rup, "Contratto – Elenco ordinativi (annullato)")

    scheda.refresh_from_db()
    ordinativo.refresh_from_db()
    assert scheda.stato == Scheda.Stato.CONFERMATA and scheda.id_scheda and scheda.confermata_il is not None
    assert ordinativo.stato == Ordinativo.Stato.ANNULLATO and ordinativo.annullato_il is not None
    servizi = set(trasmissioni_di(scheda).values_list("servizio", flat=True))
    assert {"crea-scheda", "conferma-scheda", "esito-operazione"} <= servizi, servizi
    annullamenti = [r for r in simulatore_anac.richieste("crea-scheda")]
    assert len(annullamenti) == 1, annullamenti
