"""Publication of the esito of an ordinativo (manual: "Pubblicazione dell'esito dell'ordinativo",
fig. 40-44) and what an anonymous visitor then finds in "Aggiudicazioni e affidamenti".

The draft is made by ``esiti.services.crea_bozza`` (what the approved ordinativo does); the ente's
user completes and publishes it in the browser. The ordinativo scenario will start from its own
"esito" button instead."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from esiti import services

from .pagine import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CIG = "B123ESITO1"
OGGETTO = "Proroga dei servizi di hosting del Sistema Cloud Toscana per il Comune di Firenze"


def test_esito_salva_e_pubblica_salva_e_procedi_visibile_al_pubblico(sito, nuovo_contesto, demo):
    esito = services.crea_bozza(
        contratto=demo.sct,
        ente=demo.firenze,
        utente=demo.user("aderente"),
        cig=CIG,
        oggetto=OGGETTO,
        importo_aggiudicazione=Decimal("98765.43"),
    )

    # Before publication nobody but the ente sees it.
    visitatore = nuovo_contesto()
    sito.vai(visitatore, f"/aggiudicazioni-e-affidamenti/?q={CIG}")
    expect(visitatore.get_by_text("0 esiti trovati")).to_be_visible()
    assert visitatore.goto(sito.url(f"/aggiudicazioni-e-affidamenti/{esito.pk}/")).status == 404

    ente = sito.accedi(nuovo_contesto(), "aderente")
    sito.vai(ente, "/area-riservata/")
    bozze = ente.get_by_role("region", name="Esiti da pubblicare")
    expect(bozze).to_contain_text(CIG)
    sito.controlla_accessibilita(ente, "Area riservata (aderente, esito da pubblicare)")
    bozze.get_by_role("link", name="esito", exact=True).click()
    expect(ente.get_by_role("heading", level=1)).to_have_text("Pubblicazione dell'esito dell'ordinativo")
    expect(ente.get_by_role("region", name="Dati dell'ordinativo")).to_contain_text(CIG)
    sito.controlla_accessibilita(ente, "Pubblicazione dell'esito")

    # "salva e pubblica" without the dates: the form says what is missing.
    ente.get_by_role("button", name="salva e pubblica").click()
    expect(ente.get_by_text("Correggi i campi evidenziati.")).to_be_visible()
    sito.controlla_accessibilita(ente, "Pubblicazione dell'esito (errori)")

    oggi = timezone.localdate()
    ente.get_by_label("Data di aggiudicazione").fill((oggi - datetime.timedelta(days=20)).isoformat())
    ente.get_by_label("Data di inizio").fill((oggi - datetime.timedelta(days=10)).isoformat())
    ente.get_by_label("Data di ultimazione").fill((oggi + datetime.timedelta(days=365)).isoformat())
    sito.fotografa(ente, "esito-pubblicazione")
    ente.get_by_role("button", name="salva e pubblica").click()

    # The summary and "salva e procedi".
    expect(ente.get_by_role("heading", level=1)).to_have_text("Riepilogo dell'esito")
    expect(ente.locator("main")).to_contain_text("98.765,43")
    sito.controlla_accessibilita(ente, "Riepilogo dell'esito")
    ente.get_by_role("button", name="salva e procedi").click()
    expect(ente.get_by_text("L'esito è stato pubblicato correttamente")).to_be_visible()
    sito.controlla_accessibilita(ente, "Esito pubblicato (struttura proponente)")

    # The anonymous visitor finds it in "Aggiudicazioni e affidamenti".
    sito.vai(visitatore, "/")
    visitatore.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Aggiudicazioni e affidamenti"
    ).click()
    riga = visitatore.get_by_role("row").filter(has_text=CIG)
    expect(riga).to_contain_text("Comune di Firenze")
    expect(riga).to_contain_text("98.765,43")
    sito.controlla_accessibilita(visitatore, "Aggiudicazioni e affidamenti (con esito)")
    sito.fotografa(visitatore, "aggiudicazioni-e-affidamenti")
    riga.get_by_role("link", name=f"Apri l'esito CIG {CIG}").click()
    expect(visitatore.get_by_role("heading", level=1)).to_contain_text(f"CIG {CIG}")
    expect(visitatore.locator("main")).to_contain_text(OGGETTO)
    expect(visitatore.locator("main")).to_contain_text("Telecom Italia")
    sito.controlla_accessibilita(visitatore, "Esito pubblicato (pubblico)")
    sito.fotografa(visitatore, "esito-pubblico")
