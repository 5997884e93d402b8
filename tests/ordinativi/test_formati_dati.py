"""Formats of amounts, dates and ANAC codes in the forms that carry them (Richiedi CIG, righe
dell'ordinativo, adesione): bad input gets an Italian message, a 400 and nothing saved."""

from decimal import Decimal

import pytest

from contratti.models import Adesione, Ordinativo
from tests.adesioni.helpers import sub as sub_adesione
from tests.utils import contenuto

from .aiuti import adesione_approvata, crea_ordinativo, dati_richiesta_cig, sub, upload

pytestmark = pytest.mark.django_db

IMPORTI_NON_VALIDI = [
    (" 12 34 ", "Inserisci un importo valido"),
    ("1_000", "Inserisci un importo valido"),
    ("١٢٣", "Inserisci un importo valido"),  # Arabic-Indic digits
    ("１２３", "Inserisci un importo valido"),  # full-width digits
    ("12.34.56", "Inserisci un importo valido"),
    ("1.23,45", "Inserisci un importo valido"),
    ("Infinity", "Inserisci un importo valido"),
    ("NaN", "Inserisci un importo valido"),
]

RICHIESTA_NON_VALIDA = [
    *[("importo_totale", valore, messaggio) for valore, messaggio in IMPORTI_NON_VALIDI],
    ("data_adesione", "0001-01-01", "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100."),
    ("data_adesione", "9999-12-31", "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100."),
    ("data_adesione", "٢٠٢٦-١٠-٠١", "Inserisci una data valida"),
    ("codice_appalto", "<b>SCT-ORDINE</b>", "Il codice appalto può contenere solo lettere, cifre"),
    ("codice_appalto", "X' OR '1'='1' --", "Il codice appalto può contenere solo lettere, cifre"),
    ("codice_appalto", "SCT ORDINE 2026", "Il codice appalto può contenere solo lettere, cifre"),
    ("codice_istat", "%_%\\", "Il codice ISTAT ha 6 cifre."),
    ("codice_istat", "٠٤٨٠١٧", "Il codice ISTAT ha 6 cifre."),
    ("codice_nuts", "%_%\\", "Codice NUTS italiano non valido"),
    ("codice_nuts", "IT%", "Codice NUTS italiano non valido"),
    ("codice_nuts", "ITX99", "Codice NUTS italiano non valido"),
    ("codice_nuts", "FR101", "Codice NUTS italiano non valido"),
]


@pytest.mark.parametrize(("campo", "valore", "messaggio"), RICHIESTA_NON_VALIDA)
def test_richiedi_cig_formati_non_validi(client_as, demo, campo, valore, messaggio):
    adesione = adesione_approvata(demo)
    prima = Ordinativo.objects.count()
    risposta = client_as("aderente").post(
        sub(demo.sct, "ordinativo_nuovo"), dati_richiesta_cig(adesione, **{campo: valore})
    )
    assert risposta.status_code == 400
    assert messaggio in contenuto(risposta)
    assert Ordinativo.objects.count() == prima


@pytest.mark.parametrize(
    ("campi", "atteso"),
    [
        ({"importo_totale": "€ 1.234,56"}, {"importo_totale": Decimal("1234.56")}),
        ({"importo_totale": " 1234.5 "}, {"importo_totale": Decimal("1234.50")}),
        ({"importo_totale": "1.234.567,00"}, {"importo_totale": Decimal("1234567.00")}),
        ({"codice_nuts": "ITI1", "codice_istat": "100005"}, {"codice_nuts": "ITI1", "codice_istat": "100005"}),
        ({"codice_appalto": "DET/2026-123_A.1"}, {"codice_appalto": "DET/2026-123_A.1"}),
    ],
)
def test_richiedi_cig_formati_validi(client_as, demo, campi, atteso):
    ordinativo = crea_ordinativo(client_as("aderente"), demo, adesione_approvata(demo), **campi)
    for nome, valore in atteso.items():
        assert getattr(ordinativo, nome) == valore


@pytest.mark.parametrize(("valore", "messaggio"), IMPORTI_NON_VALIDI)
def test_righe_ordinativo_importi_non_validi(client_as, demo, valore, messaggio):
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo))
    for dati in ({"importo_unitario": valore, "quantita": "1"}, {"importo_unitario": "1", "quantita": valore}):
        risposta = client.post(
            sub(demo.sct, "ordinativo_azione", ordinativo.pk, "riga"), {"descrizione": "Riga", **dati}
        )
        assert risposta.status_code == 400
        assert messaggio in contenuto(risposta)
    assert ordinativo.righe.count() == 0


@pytest.mark.parametrize(
    ("campo", "valore", "messaggio"),
    [
        *[("importo", valore, messaggio) for valore, messaggio in IMPORTI_NON_VALIDI],
        ("scadenza", "0001-01-01", "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100."),
        ("scadenza", "9999-12-31", "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100."),
    ],
)
def test_adesione_formati_non_validi(client_as, demo, campo, valore, messaggio):
    prima = Adesione.objects.count()
    dati = {
        "ipotesi": "A",
        "importo": "12.345,67",
        "scadenza": "2026-10-02",
        "doc_manifestazione-interesse": upload("m.pdf"),
    }
    dati[campo] = valore
    risposta = client_as("aderente").post(sub_adesione(demo.sct, "adesione_nuova"), dati)
    assert risposta.status_code == 400
    assert messaggio in contenuto(risposta)
    assert Adesione.objects.count() == prima
