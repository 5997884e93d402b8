"""Public list: search, each filter, sorting, pagination, bad input, constant queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esiti import services
from esiti.bulk import genera_esiti
from esiti.models import Esito

from .conftest import URL

pytestmark = pytest.mark.django_db


def cig_in(risposta):
    assert risposta.status_code == 200
    return {e.cig for e in risposta.context["esiti"]}


@pytest.fixture
def esiti(demo, fabbrica):
    d = datetime.date
    fatti = {
        "backup": fabbrica.pubblicato(
            cig="E000000001",
            oggetto="Conservazione digitale e backup dei documenti",
            importo_aggiudicazione=Decimal("15000.00"),
            data_aggiudicazione=d(2023, 6, 15),
        ),
        "hosting": fabbrica.pubblicato(
            cig="E000000002",
            oggetto="Hosting del portale istituzionale",
            importo_aggiudicazione=Decimal("250000.00"),
            data_aggiudicazione=d(2024, 2, 1),
        ),
        "prato": fabbrica.pubblicato(
            cig="E000000003",
            ente=demo.prato,
            oggetto="Posta elettronica e collaborazione",
            importo_aggiudicazione=Decimal("80000.50"),
            data_aggiudicazione=d(2024, 11, 30),
        ),
        "rete": fabbrica.pubblicato(
            cig="E000000004",
            contratto=demo.secondo,
            oggetto="Connettività delle sedi decentrate",
            importo_aggiudicazione=Decimal("499999.99"),
            data_aggiudicazione=d(2025, 1, 20),
        ),
        "ritirato": fabbrica.pubblicato(
            cig="E000000005",
            ente=demo.prato,
            oggetto="Disaster recovery del data center",
            importo_aggiudicazione=Decimal("1200.00"),
            data_aggiudicazione=d(2025, 5, 5),
        ),
    }
    services.ritira(fatti["ritirato"], utente=demo.user("banditore"), motivo="Pubblicato per errore")
    services.segna_annullato(fatti["hosting"])
    fabbrica.bozza(cig="E000000099", oggetto="Bozza hosting non pubblicata")
    return fatti


TUTTI = {"E000000001", "E000000002", "E000000003", "E000000004", "E000000005"}


def test_senza_filtri_elenca_pubblicati_e_ritirati_non_le_bozze(client, esiti):
    risposta = client.get(URL)
    assert cig_in(risposta) == TUTTI
    assert risposta.context["pagina"].paginator.count == 5


@pytest.mark.parametrize(
    ("parametri", "attesi"),
    [
        ({"q": "backup"}, {"E000000001"}),
        ({"q": "portale istituzionale"}, {"E000000002"}),
        ({"q": "E000000003"}, {"E000000003"}),
        ({"q": "e000000003"}, {"E000000003"}),
        ({"q": "7154112FF8"}, {"E000000001", "E000000002", "E000000003", "E000000005"}),
        ({"q": "Connettività Toscana"}, {"E000000004"}),
        ({"q": "Dati e Reti Toscane"}, {"E000000001", "E000000002", "E000000003", "E000000005"}),
        ({"q": "Prato"}, {"E000000003", "E000000005"}),
        ({"q": "portale inesistente"}, set()),
        ({"cig": "E000000004"}, {"E000000004"}),
        ({"cig": "9a1b2c3d4e"}, {"E000000004"}),
        ({"anno": "2024"}, {"E000000002", "E000000003"}),
        ({"importo_min": "80.000,50"}, {"E000000002", "E000000003", "E000000004"}),
        ({"importo_max": "15000"}, {"E000000001", "E000000005"}),
        ({"importo_min": "1000", "importo_max": "100000.00"}, {"E000000001", "E000000003", "E000000005"}),
        ({"data_dal": "01/01/2025"}, {"E000000004", "E000000005"}),
        ({"data_al": "2023-12-31"}, {"E000000001"}),
        ({"data_dal": "01/02/2024", "data_al": "30/11/2024"}, {"E000000002", "E000000003"}),
        ({"stato": "annullati"}, {"E000000002"}),
        ({"stato": "ritirati"}, {"E000000005"}),
        ({"stato": "in-vigore"}, {"E000000001", "E000000003", "E000000004"}),
        ({"q": "posta", "anno": "2024", "importo_max": "90000"}, {"E000000003"}),
    ],
)
def test_ogni_parametro_restringe_l_elenco(client, esiti, parametri, attesi):
    assert cig_in(client.get(URL, parametri)) == attesi


def test_filtro_ente_e_contratto(client, demo, esiti):
    assert cig_in(client.get(URL, {"ente": demo.prato.pk})) == {"E000000003", "E000000005"}
    assert cig_in(client.get(URL, {"contratto": demo.secondo.pk})) == {"E000000004"}
    assert cig_in(client.get(URL, {"contratto": demo.sct.pk, "ente": demo.firenze.pk})) == {"E000000001", "E000000002"}


def test_le_scelte_dei_filtri_vengono_dagli_esiti_pubblicati(client, demo, esiti):
    form = client.get(URL).context["form"]
    assert form.fields["ente"].choices[1:] == [
        (demo.firenze.pk, "Comune di Firenze"),
        (demo.prato.pk, "Comune di Prato"),
    ]
    assert [c for c, _ in form.fields["contratto"].choices[1:]] == [demo.sct.pk, demo.secondo.pk]
    assert [a for a, _ in form.fields["anno"].choices][1:] == [2025, 2024, 2023]


def test_ordinamento(client, esiti):
    def ordine(chiave):
        return [e.cig for e in client.get(URL, {"ordina": chiave}).context["esiti"]]

    assert ordine("importo") == ["E000000005", "E000000001", "E000000003", "E000000002", "E000000004"]
    assert ordine("-importo") == list(reversed(ordine("importo")))
    assert ordine("data") == ["E000000001", "E000000002", "E000000003", "E000000004", "E000000005"]
    assert ordine("-data") == list(reversed(ordine("data")))
    assert ordine("recenti") == ["E000000005", "E000000004", "E000000003", "E000000002", "E000000001"]


def test_paginazione(client, esiti, settings):
    settings.SCT_ESITI_PER_PAGINA = 2
    prima = client.get(URL, {"ordina": "data"})
    assert [e.cig for e in prima.context["esiti"]] == ["E000000001", "E000000002"]
    terza = client.get(URL, {"ordina": "data", "page": 3})
    assert [e.cig for e in terza.context["esiti"]] == ["E000000005"]
    pagina = terza.content.decode()
    assert "Pagina 3 di 3" in pagina
    assert "ordina=data&amp;page=2" in pagina  # the filters survive in the page links
    oltre = client.get(URL, {"page": 99})
    assert oltre.context["pagina"].number == 3
    assert "La pagina richiesta non esiste" in oltre.content.decode()


@pytest.mark.parametrize(
    "parametri",
    [
        {"data_dal": "non-una-data"},
        {"data_al": "31/02/2025"},
        {"anno": "duemila"},
        {"anno": "1850"},
        {"importo_min": "dieci euro"},
        {"importo_max": "-5"},
        {"importo_max": "1" * 40},
        {"importo_min": "100", "importo_max": "10"},
        {"ente": "abc"},
        {"ente": "999999"},
        {"contratto": "'; DROP TABLE esiti_esito; --"},
        {"cig": "<script>alert(1)</script>"},
        {"stato": "tutti-quanti"},
        {"ordina": "DROP TABLE"},
        {"q": "x" * 5000},
        {"q": "nul\x00byte"},
    ],
)
def test_parametri_non_validi_sono_ignorati_senza_errori(client, esiti, parametri):
    risposta = client.get(URL, parametri)
    assert risposta.status_code == 200
    assert "sono stati ignorati" in risposta.content.decode()
    assert risposta.context["pagina"].paginator.count == 5


@pytest.mark.parametrize("anno", ["duemila", "1850", "2024'--", "٢٠٢٤", "9" * 30])
def test_anno_non_valido_segnalato(client, esiti, anno):
    risposta = client.get(URL, {"anno": anno})
    assert "Anno di aggiudicazione: Anno non valido." in risposta.content.decode()
    assert risposta.context["pagina"].paginator.count == 5


@pytest.mark.parametrize(
    "parametri",
    [{"importo_min": " 12 34 "}, {"importo_max": "1_000"}, {"importo_min": "١٠"}, {"data_dal": "0001-01-01"}],
)
def test_importi_e_date_fuori_formato_segnalati(client, esiti, parametri):
    risposta = client.get(URL, parametri)
    assert "sono stati ignorati" in risposta.content.decode()
    assert risposta.context["pagina"].paginator.count == 5


def test_intervallo_di_date_rovesciato_ignora_la_data_finale(client, esiti):
    risposta = client.get(URL, {"data_dal": "01/01/2025", "data_al": "01/01/2024"})
    assert "La data finale precede la data iniziale." in risposta.content.decode()
    assert cig_in(risposta) == {"E000000004", "E000000005"}


def test_testo_e_pagine_strane_non_danno_errori(client, esiti):
    for q in ['"', "'", "&|!", "(((", "-", "a:*", "\\", "OR", "NOT backup", "🙂", "   ", "select * from", "<b>"]:
        assert client.get(URL, {"q": q}).status_code == 200, q
    for page in ["abc", "-1", "0", "1.5", "99999999999999999999"]:
        assert client.get(URL, {"page": page}).status_code == 200, page


def _query_elenco(client, parametri=None):
    with CaptureQueriesContext(connection) as ctx:
        risposta = client.get(URL, parametri or {})
        assert risposta.status_code == 200
    return len(ctx.captured_queries)


def test_numero_di_query_non_cresce_con_gli_esiti(client, demo, settings):
    settings.SCT_ESITI_PER_PAGINA = 500
    client.get(URL)  # warm Wagtail's own caches (site root paths); the esiti facts are recomputed below
    genera_esiti(2, prefisso_cig="Q")
    pochi = (_query_elenco(client), _query_elenco(client, {"ente": demo.firenze.pk, "q": "cloud"}))
    genera_esiti(198, prefisso_cig="Q")
    assert Esito.objects.visibili().count() == 200
    tanti = (_query_elenco(client), _query_elenco(client, {"ente": demo.firenze.pk, "q": "cloud"}))
    assert tanti == pochi


def test_indirizzi_per_le_altre_app(demo, fabbrica):
    from esiti.indirizzi import url_pubblicazione

    esito = fabbrica.bozza()
    assert esito.get_absolute_url() == f"{URL}{esito.pk}/"
    assert url_pubblicazione(esito.pk) == f"{URL}{esito.pk}/pubblica/"


def test_pagina_esito_a_query_costanti(client, demo):
    ids = genera_esiti(2, prefisso_cig="W")
    client.get(URL)  # warm Wagtail's own caches
    with CaptureQueriesContext(connection) as pochi:
        client.get(f"{URL}{ids[0]}/")
    ids += genera_esiti(50, prefisso_cig="W")
    with CaptureQueriesContext(connection) as tanti:
        client.get(f"{URL}{ids[-1]}/")
    assert len(tanti) == len(pochi)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text index only on PostgreSQL")
def test_postgres_la_ricerca_usa_l_indice_gin_e_lo_stemming(client, esiti):
    assert cig_in(client.get(URL, {"q": "documento"})) == {"E000000001"}  # stemming: documenti ~ documento
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM esiti_esito WHERE vettore_ricerca @@ websearch_to_tsquery('italian', 'backup')"
        )
        piano = "\n".join(r[0] for r in cursor.fetchall())
    assert "esito_vettore_ricerca_gin" in piano


def test_scelte_e_totale_in_cache_si_aggiornano_a_ogni_pubblicazione(client, demo, fabbrica):
    from esiti.cache import esiti_modificati

    fabbrica.pubblicato(cig="V000000001")
    prima = client.get(URL)
    assert prima.context["pagina"].paginator.count == 1
    assert [c for c, _ in prima.context["form"].fields["ente"].choices[1:]] == [demo.firenze.pk]
    ricevuti = []
    esiti_modificati.connect(lambda sender, esito, **kw: ricevuti.append(esito.cig), weak=False, dispatch_uid="t")
    try:
        fabbrica.pubblicato(cig="V000000002", ente=demo.prato, contratto=demo.secondo)
    finally:
        esiti_modificati.disconnect(dispatch_uid="t")
    assert ricevuti == ["V000000002"]
    dopo = client.get(URL)
    assert dopo.context["pagina"].paginator.count == 2
    assert [c for c, _ in dopo.context["form"].fields["ente"].choices[1:]] == [demo.firenze.pk, demo.prato.pk]
    assert demo.secondo.pk in [c for c, _ in dopo.context["form"].fields["contratto"].choices]


def test_conteggio_filtrato_in_cache_si_aggiorna_a_ogni_pubblicazione(client, demo, fabbrica):
    fabbrica.pubblicato(cig="V000000011", importo_aggiudicazione=Decimal("500.00"))
    fabbrica.pubblicato(cig="V000000012", importo_aggiudicazione=Decimal("900000.00"))
    filtrato = f"{URL}?importo_min=1000"
    assert client.get(filtrato).context["pagina"].paginator.count == 1
    assert client.get(f"{filtrato}&ordina=importo").context["pagina"].paginator.count == 1  # ordering: same key
    fabbrica.pubblicato(cig="V000000013", importo_aggiudicazione=Decimal("2000.00"))
    risposta = client.get(filtrato)
    assert risposta.context["pagina"].paginator.count == 2
    assert "V000000013" in risposta.content.decode()


@pytest.mark.parametrize("per_pagina,orfani", [(3, 0), (4, 1), (5, 2)])
def test_pagine_della_seconda_meta_lette_dal_fondo_sono_le_stesse(demo, fabbrica, per_pagina, orfani):
    from django.core.paginator import Paginator

    from esiti.models import Esito
    from sct_site.paginazione import PaginatorDaiDueLati

    for i in range(17):
        fabbrica.pubblicato(cig=f"P{i:09d}", importo_aggiudicazione=Decimal(1000 + (i % 4)))  # ties on importo
    for ordina in (("importo_aggiudicazione", "id"), ("-pubblicato_il", "-id")):
        esiti = Esito.objects.visibili().order_by(*ordina)
        atteso, due_lati = (
            Paginator(esiti, per_pagina, orphans=orfani),
            PaginatorDaiDueLati(esiti, per_pagina, orphans=orfani),
        )
        assert due_lati.num_pages == atteso.num_pages > 2
        for n in atteso.page_range:
            assert [e.pk for e in due_lati.page(n)] == [e.pk for e in atteso.page(n)], (ordina, n)
            assert due_lati.page(n).has_next() == atteso.page(n).has_next()


def test_select_veloce_come_quella_di_django():
    from django import forms
    from django.test.html import parse_html

    from sct_site.widgets import ScelteNormalizzate, SelectVeloce

    scelte = [("", "Tutti"), (1, "Comune di Firenze"), (2, 'A & B <"RTI">'), (30, "Regione")]
    for valore in (None, "", "2", 30, "999"):
        django_ = forms.Select(choices=scelte, attrs={"class": "form-select", "aria-describedby": "aiuto"})
        veloce = SelectVeloce(
            choices=ScelteNormalizzate(scelte), attrs={"class": "form-select", "aria-describedby": "aiuto"}
        )
        attese = django_.render("ente", valore, attrs={"id": "id_ente"})
        ottenute = veloce.render("ente", valore, attrs={"id": "id_ente"})
        assert parse_html(ottenute) == parse_html(attese), valore  # as assertHTMLEqual: attributes in any order
    assert 'value="2" selected>A &amp; B &lt;&quot;RTI&quot;&gt;</option>' in SelectVeloce(choices=scelte).render(
        "e", 2
    )
