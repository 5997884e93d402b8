"""Open data for Italian users: the CSV for spreadsheets, the XLSX, the DCAT-AP_IT catalogue and the
dati-aperti page that links them (issue 15.5)."""

import csv
import datetime
import io
from decimal import Decimal
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.utils import timezone
from lxml import etree

from esiti import services
from esiti.models import Esito

from .conftest import URL

pytestmark = pytest.mark.django_db
BOM = "\ufeff".encode()


def contenuto(risposta):
    assert risposta.status_code == 200
    return b"".join(risposta.streaming_content)


def csv_standard(client, parametri=None):
    return list(csv.DictReader(io.StringIO(contenuto(client.get(f"{URL}dati-aperti/csv/", parametri)).decode())))


def csv_fogli(client, parametri=None):
    risposta = client.get(f"{URL}dati-aperti/csv-fogli-di-calcolo/", parametri)
    byte = contenuto(risposta)
    assert byte.startswith(BOM)
    return risposta, list(csv.DictReader(io.StringIO(byte.decode("utf-8-sig")), delimiter=";"))


def xlsx(client, parametri=None):
    risposta = client.get(f"{URL}dati-aperti/xlsx/", parametri)
    libro = openpyxl.load_workbook(io.BytesIO(contenuto(risposta)))
    foglio = libro["Esiti"]
    righe = list(foglio.iter_rows(values_only=True))
    return risposta, foglio, [dict(zip(righe[0], r, strict=True)) for r in righe[1:]]


@pytest.fixture
def esiti(demo, fabbrica):
    d = datetime.date
    fatti = [
        fabbrica.pubblicato(
            cig="G000000001",
            oggetto='Servizi cloud, "IaaS"; backup',
            importo_aggiudicazione=Decimal("1234567.89"),
            importo_somme_liquidate=Decimal("1000.10"),
            data_aggiudicazione=d(2024, 3, 1),
            data_inizio=d(2024, 4, 1),
            data_ultimazione=d(2026, 10, 2),
        ),
        fabbrica.pubblicato(
            cig="G000000002",
            ente=demo.prato,
            importo_aggiudicazione=Decimal("5000.00"),
            data_aggiudicazione=d(2025, 6, 1),
        ),
        fabbrica.pubblicato(cig="G000000003", oggetto='=HYPERLINK("http://x")', data_aggiudicazione=d(2025, 7, 1)),
    ]
    services.ritira(fatti[2], utente=demo.user("banditore"), motivo="@SUM(1,2)")
    fabbrica.bozza(cig="G000000099")
    return [Esito.objects.get(pk=e.pk) for e in fatti]


# --- CSV for spreadsheets ------------------------------------------------------------------------


def test_csv_fogli_bom_punto_e_virgola_virgola_decimale_date_italiane(client, esiti):
    risposta, righe = csv_fogli(client)
    assert risposta["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="esiti-fogli-di-calcolo.csv"' in risposta["Content-Disposition"]
    standard = csv_standard(client)
    assert list(righe[0]) == list(standard[0])  # same columns
    assert [r["id"] for r in righe] == [r["id"] for r in standard]  # same rows, same order
    riga = {r["cig"]: r for r in righe}["G000000001"]
    assert riga["importo_aggiudicazione"] == "1234567,89" and riga["importo_somme_liquidate"] == "1000,10"
    assert riga["data_aggiudicazione"] == "01/03/2024" and riga["data_ultimazione"] == "02/10/2026"
    assert riga["oggetto"] == 'Servizi cloud, "IaaS"; backup'  # the ";" is quoted, the row stays whole
    assert datetime.datetime.strptime(riga["pubblicato_il"], "%d/%m/%Y %H:%M:%S")
    # Formula injection neutralised as in the standard CSV.
    ritirato = {r["cig"]: r for r in righe}["G000000003"]
    assert ritirato["oggetto"].startswith("'=") and ritirato["motivo_ritiro"] == "'@SUM(1,2)"


def test_csv_fogli_in_streaming(client, esiti, settings):
    settings.SCT_ESITI_BLOCCO_EXPORT = 1
    pezzi = list(client.get(f"{URL}dati-aperti/csv-fogli-di-calcolo/").streaming_content)
    assert len(pezzi) == 1 + 3


@pytest.mark.parametrize(
    "parametri",
    [{}, {"anno": "2025"}, {"q": "backup"}, {"anno": "mai", "importo_min": "boh"}, {"ente": "x'; --"}],
)
def test_stesse_righe_del_csv_standard_per_gli_stessi_filtri(client, demo, esiti, parametri):
    standard = client.get(f"{URL}dati-aperti/csv/", parametri)
    ids = [r["id"] for r in csv_standard(client, parametri)]
    risposta, righe = csv_fogli(client, parametri)
    assert [r["id"] for r in righe] == ids
    risposta_xlsx, _, righe_xlsx = xlsx(client, parametri)
    assert [str(r["id"]) for r in righe_xlsx] == ids
    # Bad filters are ignored and reported exactly as by the standard CSV.
    for r in (risposta, risposta_xlsx):
        assert r.get("X-Filtri-Ignorati") == standard.get("X-Filtri-Ignorati")


def test_filtri_non_validi_ignorati_e_dichiarati(client, esiti):
    risposta, righe = csv_fogli(client, {"anno": "mai", "importo_min": "boh"})
    assert len(righe) == 3 and risposta["X-Filtri-Ignorati"] == "anno, importo_min"


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_numeri_e_date_uguali_al_database(client, esiti):
    risposta, foglio, righe = xlsx(client)
    assert risposta["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    oggi = datetime.date.today().isoformat()
    assert risposta["Content-Disposition"] == f'attachment; filename="esiti-{oggi}.xlsx"'
    assert list(righe[0]) == list(csv_standard(client)[0])
    per_id = {r["id"]: r for r in righe}
    assert set(per_id) == set(Esito.objects.visibili().values_list("pk", flat=True))
    for esito in Esito.objects.visibili():
        riga = per_id[esito.pk]
        assert Decimal(str(riga["importo_aggiudicazione"])) == esito.importo_aggiudicazione
        assert riga["data_aggiudicazione"] == datetime.datetime.combine(esito.data_aggiudicazione, datetime.time())
        assert riga["cig"] == esito.cig and riga["stato"] == esito.stato
    primo = per_id[esiti[0].pk]
    assert isinstance(primo["importo_aggiudicazione"], float | int)
    assert primo["importo_somme_liquidate"] == pytest.approx(1000.10)
    celle = {c.value: c for c in next(foglio.iter_rows(min_row=1, max_row=1))}
    colonna = celle["importo_aggiudicazione"].column
    cella = foglio.cell(row=2, column=colonna)
    assert "€" in cella.number_format and cella.data_type == "n"
    cella_data = foglio.cell(row=2, column=celle["data_aggiudicazione"].column)
    assert cella_data.is_date and cella_data.number_format == "DD/MM/YYYY"
    # Formula injection: text, never a formula.
    ritirato = per_id[esiti[2].pk]
    assert ritirato["oggetto"].startswith("'=") and ritirato["motivo_ritiro"] == "'@SUM(1,2)"


def test_xlsx_vuoto_ha_solo_l_intestazione(client, demo):
    _, _, righe = xlsx(client)
    assert righe == []


# --- DCAT-AP_IT catalogue ------------------------------------------------------------------------

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {
    "rdf": RDF,
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
EU = "http://publications.europa.eu/resource/authority/"


def risorsa(el, percorso):
    return [x.get(f"{{{RDF}}}resource") for x in el.findall(percorso, NS)]


def test_catalogo_dcat_ap_it(client, esiti, settings):
    settings.SCT_DATI_APERTI_IDENTIFICATIVO = "r_toscan"
    settings.SCT_DATI_APERTI_EDITORE = "Regione Toscana"
    risposta = client.get(f"{URL}dati-aperti/catalogo/")
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/rdf+xml; charset=utf-8"
    radice = etree.fromstring(risposta.content)
    assert radice.tag == f"{{{RDF}}}RDF"
    catalogo = radice.find("dcatapit:Catalog", NS)
    editore = catalogo.find("dct:publisher/dcatapit:Agent", NS)
    assert editore.findtext("dct:identifier", namespaces=NS) == "r_toscan"
    assert editore.findtext("foaf:name", namespaces=NS) == "Regione Toscana"
    dataset = catalogo.findall("dcat:dataset/dcatapit:Dataset", NS)
    assert [d.findtext("dct:identifier", namespaces=NS) for d in dataset] == [
        "r_toscan:esiti-affidamenti",
        "r_toscan:esiti-l190",
    ]
    ultimo = max(e.aggiornato_il for e in esiti)
    for d in dataset:
        for campo in ("dct:title", "dct:description", "dct:modified"):
            assert d.findtext(campo, namespaces=NS), campo
        assert set(risorsa(d, "dcat:theme")) <= {f"{EU}data-theme/GOVE", f"{EU}data-theme/ECON"}
        assert risorsa(d, "dct:accrualPeriodicity") == [f"{EU}frequency/IRREG"]
        assert d.find("dct:rightsHolder/dcatapit:Agent/dct:identifier", NS).text == "r_toscan"
        assert d.find("dcat:distribution/dcatapit:Distribution", NS) is not None
        contatto = d.find("dcat:contactPoint/dcatapit:Organization", NS)
        assert risorsa(contatto, "vcard:hasEmail") == ["mailto:start.sa@pamercato.it"]
        assert contatto.findtext("vcard:fn", namespaces=NS) == "Regione Toscana"
    assert dataset[0].findtext("dct:modified", namespaces=NS) == timezone.localdate(ultimo).isoformat()
    distribuzioni = radice.findall(".//dcatapit:Distribution", NS)
    formati = [risorsa(d, "dct:format")[0].rsplit("/", 1)[1] for d in distribuzioni]
    # Esiti: CSV, CSV for spreadsheets, XLSX, OCDS; L.190: one XML per (year, ente) of the in-force esiti.
    assert formati == ["CSV", "CSV", "XLSX", "JSON", "XML", "XML"]
    for d in distribuzioni:
        licenza = d.find("dct:license/dcatapit:LicenseDocument", NS)
        assert licenza.get(f"{{{RDF}}}about") == "https://creativecommons.org/licenses/by/4.0/"
        (accesso,) = risorsa(d, "dcat:accessURL")
        (scarico,) = risorsa(d, "dcat:downloadURL")
        assert scarico.startswith("http://testserver/")
        for indirizzo in {accesso, scarico}:
            assert client.get(urlsplit(indirizzo).path).status_code == 200, indirizzo


def test_pagina_dei_dati_aperti_collega_i_nuovi_formati_e_la_bdncp(client, esiti):
    risposta = client.get(f"{URL}dati-aperti/")
    assert risposta.status_code == 200
    pagina = risposta.content.decode()
    for indirizzo in ("dati-aperti/csv-fogli-di-calcolo/", "dati-aperti/xlsx/", "dati-aperti/catalogo/"):
        assert f'href="{URL}{indirizzo}"' in pagina, indirizzo
    assert 'href="https://dati.anticorruzione.it/"' in pagina
    assert "Banca Dati Nazionale dei Contratti Pubblici" in pagina and "1° gennaio 2024" in pagina
