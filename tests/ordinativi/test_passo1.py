from decimal import Decimal

import pytest

from contratti.models import Ordinativo
from contratti.ordinativi.services import MESSAGGIO_TOTALI
from tests.utils import contenuto

from .aiuti import (
    CF_SECONDO_RUP,
    DATI_RICHIESTA_CIG_NON_VALIDI,
    adesione_approvata,
    aggiungi_righe,
    carica_atto,
    crea_ordinativo,
    dati_richiesta_cig,
    secondo_rup_firenze,
    spid,
    sub,
    upload,
)

pytestmark = pytest.mark.django_db


def test_nuovo_ordine_solo_con_adesione_approvata(client_as, demo):
    client = client_as("aderente")
    html = contenuto(client.get(demo.sct.url))
    assert ">nuovo ordine</a>" not in html and "Per emettere un ordinativo (“nuovo ordine”) serve un'adesione" in html
    assert client.get(sub(demo.sct, "ordinativo_nuovo")).status_code == 403
    adesione_approvata(demo)
    html = contenuto(client.get(demo.sct.url))
    assert ">nuovo ordine</a>" in html and "Per emettere un ordinativo" not in html
    pagina = contenuto(client.get(sub(demo.sct, "ordinativo_nuovo")))
    assert "Richiedi CIG" in pagina and "Vai all'ordine" in pagina and "7154112FF8" in pagina


def test_richiedi_cig_e_passo1(client_as, demo):
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione)
    assert ordinativo.importo_totale == Decimal("99.99") and ordinativo.stato == Ordinativo.Stato.BOZZA
    assert ordinativo.cig_accordo_quadro == "7154112FF8" and ordinativo.codice.startswith("O")
    html = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert 'id="cig-derivato"' in html and "readonly disabled" in html
    assert (
        "Per poter finalizzare l’invio dell’ordine è necessario integrare la richiesta del CIG tramite il bottone “Conferma appalto”."
        in html
    )
    assert "RICHIESTE PER ORDINATIVI FORNITURA" in html
    assert "salva e procedi" in html and "Conferma appalto" in html


@pytest.mark.parametrize(
    ("campo", "valore", "messaggio"),
    DATI_RICHIESTA_CIG_NON_VALIDI,
)
def test_richiedi_cig_dati_non_validi(client_as, demo, campo, valore, messaggio):
    adesione = adesione_approvata(demo)
    prima = Ordinativo.objects.count()
    risposta = client_as("aderente").post(
        sub(demo.sct, "ordinativo_nuovo"), dati_richiesta_cig(adesione, **{campo: valore})
    )
    assert risposta.status_code == 400
    assert messaggio in contenuto(risposta)
    assert Ordinativo.objects.count() == prima


def test_righe_e_totale_ricalcolato_sul_server(client_as, demo):
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione)
    aggiungi_righe(client, demo, ordinativo, [("Servizio IaaS", "33,33", "3")])
    ordinativo.refresh_from_db()
    assert ordinativo.totale_righe == Decimal("99.99")
    html = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert "Servizio IaaS" in html and "€ 99,99" in html


@pytest.mark.parametrize(
    ("totale", "righe", "ammesso"),
    [
        ("99,99", [("A", "33,33", "3")], True),
        ("100,00", [("A", "33,33", "3")], False),
        ("100,00", [("A", "33,333", "3")], None),
        ("0,30", [("A", "0,10", "1"), ("B", "0,10", "1"), ("C", "0,10", "1")], True),
        ("10,01", [("A", "3,335", "3")], None),
        ("1,00", [("A", "0,33", "3")], False),
    ],
)
def test_regola_dei_totali(client_as, demo, totale, righe, ammesso):
    """3 × 33,33 = 99,99 ≠ 100,00: Decimal end to end, the exact message of the manual."""
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione, importo_totale=totale)
    if ammesso is None:
        risposta = client.post(
            sub(demo.sct, "ordinativo_azione", ordinativo.pk, "riga"),
            {"descrizione": "X", "importo_unitario": righe[0][1], "quantita": righe[0][2]},
        )
        assert risposta.status_code == 400
        assert "L'importo può avere al massimo due decimali." in contenuto(risposta)
        return
    aggiungi_righe(client, demo, ordinativo, righe)
    carica_atto(client, demo, ordinativo)
    spid(client, demo)
    risposta = client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    ordinativo.refresh_from_db()
    if ammesso:
        assert risposta.status_code == 302
        assert ordinativo.stato == Ordinativo.Stato.CONFERMA_IN_CORSO
    else:
        assert risposta.status_code == 400
        assert MESSAGGIO_TOTALI in contenuto(risposta)
        assert ordinativo.stato == Ordinativo.Stato.BOZZA and ordinativo.tentativo_conferma == 0


def test_conferma_appalto_richiede_il_rup_con_autenticazione_forte(client_as, demo):
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione)
    aggiungi_righe(client, demo, ordinativo, [("A", "33,33", "3")])
    risposta = client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    assert risposta.status_code == 403
    assert "SPID, CIE o CNS" in contenuto(risposta)
    spid(client, demo, livello=1)
    assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 403
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.BOZZA


def test_codice_fiscale_diverso_dal_rup_rifiutato(client_as, demo):
    """The ente has two RUPs; the ordinativo names the other one: Laura Bianchi, RUP too, is refused."""
    secondo_rup_firenze(demo)
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione, cf_rup=CF_SECONDO_RUP)
    aggiungi_righe(client, demo, ordinativo, [("A", "33,33", "3")])
    carica_atto(client, demo, ordinativo)
    spid(client, demo)
    risposta = client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    assert risposta.status_code == 403
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.BOZZA


def test_altro_ente_e_oe_non_vedono_l_ordinativo_in_bozza(client_as, demo):
    """Nor does the banditore: an ordinativo never sent is the ente's alone."""
    adesione = adesione_approvata(demo)
    ordinativo = crea_ordinativo(client_as("aderente"), demo, adesione)
    for username in ("aderente2", "oe", "oe2", "banditore", "banditore2", "editor"):
        client = client_as(username)
        assert client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)).status_code == 404, username
        assert client.get(sub(demo.sct, "ordinativo_stato", ordinativo.pk)).status_code == 404, username
        assert (
            client.post(sub(demo.sct, "ordinativo_azione", ordinativo.pk, "riga"), {"descrizione": "x"}).status_code
            == 404
        )
        assert ordinativo.codice not in contenuto(client.get(demo.sct.url))


def test_atto_di_adesione_caricato_e_file_non_valido_rifiutato(client_as, demo):
    from documenti.models import DocumentoPrivato

    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione)
    url = sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti")
    prima = DocumentoPrivato.objects.count()
    risposta = client.post(url, {"doc_atto-adesione": upload("atto.pdf", b"<html>no</html>")})
    assert risposta.status_code == 400 and DocumentoPrivato.objects.count() == prima
    assert client.post(url, {"doc_atto-adesione": upload()}).status_code == 302
    assert ordinativo.documenti.get().etichetta.startswith("Atto di adesione")


def test_righe_bloccate_dopo_la_conferma(client_as, demo):
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione)
    aggiungi_righe(client, demo, ordinativo, [("A", "33,33", "3")])
    carica_atto(client, demo, ordinativo)
    spid(client, demo)
    assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    risposta = client.post(
        sub(demo.sct, "ordinativo_azione", ordinativo.pk, "riga"),
        {"descrizione": "B", "importo_unitario": "1", "quantita": "1"},
    )
    assert risposta.status_code == 400
    assert "non possono più essere modificate" in contenuto(risposta)
    assert ordinativo.righe.count() == 1
