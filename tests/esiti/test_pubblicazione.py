"""The ente's publication flow (manual fig. 40-44), visibility before publication, withdrawal."""

from html import unescape

import pytest

from esiti.models import Esito
from esiti.views import CONFERMA_PUBBLICAZIONE, CONFERMA_RITIRO

from .conftest import URL

pytestmark = pytest.mark.django_db

DATI_MANCANTI = {
    "oggetto": "Migrazione in cloud dei servizi demografici",
    "data_aggiudicazione": "12/03/2025",
    "data_inizio": "2025-04-01",
    "data_ultimazione": "02/10/2026",
    "importo_somme_liquidate": "1.500,50",
}


def html(risposta):
    return unescape(risposta.content.decode())


def test_il_modulo_e_precompilato_e_chiede_i_dati_mancanti(client_as, fabbrica):
    esito = fabbrica.bozza(cig="F000000001", importo_aggiudicazione="98765.40")
    risposta = client_as("aderente").get(f"{URL}{esito.pk}/pubblica/")
    assert risposta.status_code == 200
    pagina = html(risposta)
    for atteso in (
        "F000000001",
        "Servizi di hosting cloud per il Comune",
        "€ 98.765,40",
        "Comune di Firenze",
        "01307110484",
        "Affidamento diretto in adesione ad accordo quadro/convenzione",
        "7154112FF8",
        "Telecom Italia S.p.A.",
        "Mandataria",
        "Cloud Toscana Servizi S.r.l.",
        "Mandante",
        "salva e pubblica",
    ):
        assert atteso in pagina, atteso
    form = risposta.context["form"]
    assert {"data_aggiudicazione", "data_inizio", "data_ultimazione", "importo_somme_liquidate"} <= set(form.fields)
    assert "cig" not in form.fields and "importo_aggiudicazione" not in form.fields  # already from the order
    assert "no-cache" in risposta["Cache-Control"] or "private" in risposta["Cache-Control"]


def test_cig_e_importo_sono_chiesti_solo_se_mancano(client_as, fabbrica):
    esito = fabbrica.bozza(cig="", importo_aggiudicazione=None)
    form = client_as("aderente").get(f"{URL}{esito.pk}/pubblica/").context["form"]
    assert {"cig", "importo_aggiudicazione"} <= set(form.fields)


def test_campi_mancanti_restano_nel_modulo_con_messaggi(client_as, fabbrica):
    esito = fabbrica.bozza()
    risposta = client_as("aderente").post(f"{URL}{esito.pk}/pubblica/", {"oggetto": "x"})
    assert risposta.status_code == 400
    errori = risposta.context["form"].errors
    assert errori["data_aggiudicazione"] == ["Questo campo è obbligatorio."]
    assert "data_ultimazione" in errori
    assert "Correggi i campi evidenziati" in html(risposta)
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.BOZZA and esito.data_aggiudicazione is None


def test_ultimazione_prima_dell_inizio_e_un_errore(client_as, fabbrica):
    esito = fabbrica.bozza()
    dati = {**DATI_MANCANTI, "data_ultimazione": "01/01/2025"}
    risposta = client_as("aderente").post(f"{URL}{esito.pk}/pubblica/", dati)
    assert risposta.context["form"].errors["data_ultimazione"] == [
        "La data di ultimazione non può precedere la data di inizio."
    ]


def test_flusso_completo_salva_e_pubblica_riepilogo_salva_e_procedi(client_as, client, fabbrica):
    esito = fabbrica.bozza(cig="F000000002")
    aderente = client_as("aderente")
    risposta = aderente.post(f"{URL}{esito.pk}/pubblica/", DATI_MANCANTI)
    assert risposta.status_code == 302
    assert risposta["Location"] == f"{URL}{esito.pk}/pubblica/riepilogo/"
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.BOZZA  # saved, not yet published
    assert str(esito.importo_somme_liquidate) == "1500.50"

    riepilogo = aderente.get(risposta["Location"])
    pagina = html(riepilogo)
    for atteso in (
        "Riepilogo dell'esito",
        "12/03/2025",
        "dal 01/04/2025 al 02/10/2026",
        "€ 1.500,50",
        "Migrazione in cloud dei servizi demografici",
        "salva e procedi",
    ):
        assert atteso in pagina, atteso

    conferma = aderente.post(f"{URL}{esito.pk}/pubblica/riepilogo/", follow=True)
    assert conferma.redirect_chain[-1][0] == f"{URL}{esito.pk}/"
    assert CONFERMA_PUBBLICAZIONE in html(conferma)
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.PUBBLICATO
    client.logout()
    assert client.get(f"{URL}{esito.pk}/").status_code == 200
    assert "F000000002" in html(client.get(URL))


def test_riepilogo_con_dati_mancanti_rimanda_al_modulo(client_as, fabbrica):
    esito = fabbrica.bozza()
    risposta = client_as("aderente").get(f"{URL}{esito.pk}/pubblica/riepilogo/", follow=True)
    assert risposta.redirect_chain[0][0] == f"{URL}{esito.pk}/pubblica/"
    assert "Indica la data di aggiudicazione." in html(risposta)
    assert client_as("aderente").post(f"{URL}{esito.pk}/pubblica/riepilogo/").status_code == 302
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.BOZZA


def test_esito_gia_pubblicato_non_si_ripubblica(client_as, fabbrica):
    esito = fabbrica.pubblicato()
    risposta = client_as("aderente").get(f"{URL}{esito.pk}/pubblica/", follow=True)
    assert risposta.redirect_chain[-1][0] == f"{URL}{esito.pk}/"
    assert "già stato pubblicato" in html(risposta)


def test_prima_della_pubblicazione_lo_vede_solo_l_ente(client, client_as, fabbrica):
    esito = fabbrica.bozza(cig="H000000001")
    indirizzo = f"{URL}{esito.pk}/"
    assert client.get(indirizzo).status_code == 404
    assert "H000000001" not in html(client.get(URL))
    assert b"H000000001" not in b"".join(client.get(f"{URL}dati-aperti/csv/").streaming_content)
    assert "H000000001" not in html(client.get(f"{URL}dati-aperti/feed/"))
    for estraneo in ("aderente2", "banditore", "oe"):
        altro = client_as(estraneo)
        assert altro.get(indirizzo).status_code == 404, estraneo
        assert altro.get(f"{indirizzo}pubblica/").status_code == 404, estraneo
        assert altro.post(f"{indirizzo}pubblica/riepilogo/").status_code == 404, estraneo
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.BOZZA
    propria = client_as("aderente").get(indirizzo)
    assert propria.status_code == 200
    assert "è visibile solo agli utenti della struttura proponente" in html(propria)
    assert "no-cache" in propria["Cache-Control"] or "private" in propria["Cache-Control"]


def test_anonimo_al_modulo_va_al_login(client, fabbrica):
    esito = fabbrica.bozza()
    risposta = client.get(f"{URL}{esito.pk}/pubblica/")
    assert risposta.status_code == 302
    assert risposta["Location"].startswith("/account/accedi/?next=")


def test_esito_inesistente_e_404(client_as):
    assert client_as("aderente").get(f"{URL}999999/").status_code == 404
    assert client_as("aderente").get(f"{URL}999999/pubblica/").status_code == 404


def test_area_riservata_elenca_le_bozze_dell_ente(client_as, fabbrica):
    esito = fabbrica.bozza(cig="J000000001")
    assert f"{URL}{esito.pk}/pubblica/" in html(client_as("aderente").get("/area-riservata/"))
    assert "J000000001" not in html(client_as("aderente2").get("/area-riservata/"))


def test_ritiro_dal_banditore(client, client_as, fabbrica):
    esito = fabbrica.pubblicato(cig="K000000001")
    assert "Ritira l'esito" not in html(client.get(f"{URL}{esito.pk}/"))
    banditore = client_as("banditore")
    assert "Ritira l'esito" in html(banditore.get(f"{URL}{esito.pk}/"))
    risposta = banditore.post(f"{URL}{esito.pk}/ritira/", {"motivo": "Importo errato"}, follow=True)
    assert CONFERMA_RITIRO in html(risposta)
    client.logout()
    pubblica = html(client.get(f"{URL}{esito.pk}/"))
    assert "Esito ritirato" in pubblica and "Importo errato" in pubblica
    elenco = html(client.get(URL))
    assert "K000000001" in elenco and "Ritirato" in elenco


def test_ritiro_rifiutato_al_banditore_di_un_altro_contratto(client_as, fabbrica):
    esito = fabbrica.pubblicato()
    assert client_as("banditore2").post(f"{URL}{esito.pk}/ritira/", {"motivo": "x"}).status_code == 403
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.PUBBLICATO


def test_ritiro_senza_motivo(client_as, fabbrica):
    esito = fabbrica.pubblicato()
    risposta = client_as("banditore").post(f"{URL}{esito.pk}/ritira/", {"motivo": "   "})
    assert risposta.status_code == 200
    assert "Il motivo del ritiro è obbligatorio." in html(risposta)
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.PUBBLICATO


def test_ritiro_anonimo_va_al_login(client, fabbrica):
    esito = fabbrica.pubblicato()
    risposta = client.post(f"{URL}{esito.pk}/ritira/", {"motivo": "x"})
    assert risposta.status_code == 302 and "/account/accedi/" in risposta["Location"]
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.PUBBLICATO


def test_esito_annullato_resta_visibile_con_il_segno(client, fabbrica):
    from esiti.services import segna_annullato

    esito = segna_annullato(fabbrica.pubblicato(cig="L000000001"))
    pagina = html(client.get(f"{URL}{esito.pk}/"))
    assert "Annullato" in pagina and "scheda ANN" in pagina
    assert "Annullato" in html(client.get(URL, {"cig": "L000000001"}))


def test_pagina_esito_collega_contratto_e_cig_accordo_quadro(client, demo, fabbrica):
    esito = fabbrica.pubblicato()
    pagina = html(client.get(f"{URL}{esito.pk}/"))
    assert f'href="{demo.sct.url}"' in pagina
    assert f'href="{URL}?cig=7154112FF8"' in pagina


@pytest.mark.parametrize(
    ("campo", "valore", "messaggio"),
    [
        ("importo_somme_liquidate", " 12 34 ", "Inserisci un importo valido"),
        ("importo_somme_liquidate", "1_000", "Inserisci un importo valido"),
        ("importo_somme_liquidate", "١٢٣", "Inserisci un importo valido"),
        ("importo_somme_liquidate", "-1,00", "L'importo non può essere negativo."),
        ("importo_aggiudicazione", "1_000", "Inserisci un importo valido"),
        ("importo_aggiudicazione", "１２３", "Inserisci un importo valido"),
        ("data_aggiudicazione", "0001-01-01", "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100."),
        ("data_ultimazione", "9999-12-31", "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100."),
        ("data_inizio", "٠١/٠٤/٢٠٢٥", "Inserisci una data valida"),
    ],
)
def test_importi_e_date_fuori_formato_rifiutati(client_as, fabbrica, campo, valore, messaggio):
    esito = fabbrica.bozza(importo_aggiudicazione=None)
    dati = {**DATI_MANCANTI, "importo_aggiudicazione": "1.000,00", campo: valore}
    risposta = client_as("aderente").post(f"{URL}{esito.pk}/pubblica/", dati)
    assert risposta.status_code == 400
    assert messaggio in html(risposta)
    esito.refresh_from_db()
    assert (
        esito.stato == Esito.Stato.BOZZA and esito.data_aggiudicazione is None and esito.importo_aggiudicazione is None
    )


def test_importi_all_italiana_accettati(client_as, fabbrica):
    esito = fabbrica.bozza(importo_aggiudicazione=None)
    dati = {**DATI_MANCANTI, "importo_aggiudicazione": "€ 1.234,50", "importo_somme_liquidate": " 0 "}
    risposta = client_as("aderente").post(f"{URL}{esito.pk}/pubblica/", dati)
    assert risposta.status_code == 302
    esito.refresh_from_db()
    assert str(esito.importo_aggiudicazione) == "1234.50" and str(esito.importo_somme_liquidate) == "0.00"
