"""Public pages for anonymous visitors are served from the cache and invalidated on publication
(sct_site/cache/pagine.py); logged-in users and member pages never are."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esiti import services as servizi_esiti
from tests.esiti.conftest import Fabbrica

pytestmark = pytest.mark.django_db

ESITI = "/aggiudicazioni-e-affidamenti/"
PUBBLICHE = [
    "/",
    "/contratti/",
    "/contratti/?tipo=aq&stato=attivo",
    "/contratti/sistema-cloud-toscana/",
    ESITI,
    f"{ESITI}?q=cloud",
    f"{ESITI}dati-aperti/",
    f"{ESITI}dati-aperti/feed/",
    "/documentazione/",
    "/documentazione/faq/",
]


@pytest.fixture
def fabbrica(demo):
    return Fabbrica(demo)


def richiesta(client, url):
    with CaptureQueriesContext(connection) as query:
        risposta = client.get(url)
    return risposta, len(query)


@pytest.mark.parametrize("url", PUBBLICHE)
def test_seconda_richiesta_anonima_dalla_cache_senza_query(client, demo, cache_pagine, url):
    prima, _ = richiesta(client, url)
    assert prima.status_code == 200
    assert prima["X-Cache-Pagine"] == "MISS"
    seconda, query = richiesta(client, url)
    assert seconda["X-Cache-Pagine"] == "HIT"
    assert query == 0
    assert seconda.content == prima.content
    assert seconda["Content-Type"] == prima["Content-Type"]
    assert seconda.get("Content-Security-Policy") == prima.get("Content-Security-Policy")
    assert "Cookie" in seconda["Vary"]
    controllo = {p.strip() for p in seconda["Cache-Control"].split(",")}
    assert controllo == {"public", "max-age=0"}
    assert not seconda.cookies


def test_query_string_diversa_e_una_pagina_diversa_ordine_dei_parametri_no(client, demo, cache_pagine):
    assert client.get("/contratti/?tipo=aq&stato=attivo")["X-Cache-Pagine"] == "MISS"
    assert client.get("/contratti/?stato=attivo&tipo=aq")["X-Cache-Pagine"] == "HIT"
    assert client.get("/contratti/?tipo=convenzione")["X-Cache-Pagine"] == "MISS"


def test_max_age_configurabile(client, demo, cache_pagine, settings):
    settings.SCT_CACHE_PAGINE_MAX_AGE = 60
    assert "max-age=60" in client.get("/documentazione/")["Cache-Control"]


def test_pubblicare_un_contratto_invalida(client, demo, cache_pagine):
    client.get("/")
    client.get("/contratti/")
    assert client.get("/contratti/")["X-Cache-Pagine"] == "HIT"
    sct = demo.sct
    sct.title = "Sistema Cloud Toscana – titolo aggiornato"
    sct.save_revision().publish()
    for url in ("/", "/contratti/", "/contratti/sistema-cloud-toscana/"):
        risposta = client.get(url)
        assert risposta["X-Cache-Pagine"] == "MISS", url
        assert "titolo aggiornato" in risposta.content.decode(), url
    assert client.get("/contratti/")["X-Cache-Pagine"] == "HIT"


def test_ritirare_la_pubblicazione_di_una_pagina_invalida(client, demo, cache_pagine):
    assert client.get("/contratti/servizi-di-connettivita-rtrt/").status_code == 200
    demo.secondo.unpublish()
    assert client.get("/contratti/servizi-di-connettivita-rtrt/").status_code == 404


def test_pubblicare_e_ritirare_un_esito_invalida(client, demo, cache_pagine, fabbrica):
    client.get(ESITI)
    assert client.get(ESITI)["X-Cache-Pagine"] == "HIT"
    bozza = fabbrica.bozza(
        oggetto="Servizio di prova per la cache",
        data_aggiudicazione=datetime.date(2025, 3, 10),
        data_inizio=datetime.date(2025, 4, 1),
        data_ultimazione=datetime.date(2026, 10, 2),
        importo_aggiudicazione=Decimal("1000.00"),
    )
    assert client.get(ESITI)["X-Cache-Pagine"] == "HIT"  # a draft is not public: nothing to invalidate yet…
    esito = servizi_esiti.pubblica(bozza, utente=demo.user("aderente"))
    risposta = client.get(ESITI)
    assert risposta["X-Cache-Pagine"] == "MISS"
    assert "Servizio di prova per la cache" in risposta.content.decode()
    pagina = f"{ESITI}{esito.pk}/"
    client.get(pagina)
    assert client.get(pagina)["X-Cache-Pagine"] == "HIT"
    servizi_esiti.ritira(esito, utente=demo.user("editor"), motivo="Errore materiale")
    risposta = client.get(pagina)
    assert risposta["X-Cache-Pagine"] == "MISS"
    assert "Errore materiale" in risposta.content.decode()


def test_mai_in_cache_per_gli_utenti_autenticati(client_as, demo, cache_pagine):
    client = client_as("aderente")
    for url in ("/", "/contratti/sistema-cloud-toscana/", ESITI):
        for _ in range(2):
            risposta = client.get(url)
            assert risposta.status_code == 200
            assert "X-Cache-Pagine" not in risposta
            assert "private" in risposta["Cache-Control"]
            assert "Cookie" in risposta["Vary"]
    assert not [k for k in cache_pagine._cache if "pagina" in k]  # nothing stored


def test_copia_anonima_mai_servita_a_un_utente_autenticato(client, client_as, demo, cache_pagine):
    client.get("/contratti/sistema-cloud-toscana/")
    assert client.get("/contratti/sistema-cloud-toscana/")["X-Cache-Pagine"] == "HIT"
    autenticato = client_as("aderente").get("/contratti/sistema-cloud-toscana/")
    assert "X-Cache-Pagine" not in autenticato
    assert "Laura" in autenticato.content.decode() or "Esci" in autenticato.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/area-riservata/",
        "/account/accedi/",
        "/contratti/sistema-cloud-toscana/adesioni/nuova/",
        "/contratti/sistema-cloud-toscana/ordinativi/nuovo/",
        "/comunicazioni/",
        f"{ESITI}dati-aperti/csv/",
        "/admin/",
    ],
)
def test_pagine_riservate_e_export_mai_in_cache(client, demo, cache_pagine, url):
    for _ in range(2):
        risposta = client.get(url)
        assert "X-Cache-Pagine" not in risposta


def test_bozza_di_esito_mai_in_cache(client, client_as, demo, cache_pagine, fabbrica):
    bozza = fabbrica.bozza()
    pagina = f"{ESITI}{bozza.pk}/"
    assert client.get(pagina).status_code == 404
    assert client.get(pagina).status_code == 404
    assert client_as("aderente").get(pagina).status_code == 200  # the ente sees its draft
    assert "X-Cache-Pagine" not in client_as("aderente").get(pagina)


def test_post_mai_dalla_cache(client, demo, cache_pagine):
    client.get("/contratti/")
    assert "X-Cache-Pagine" not in client.post("/contratti/")


def test_cache_spenta(client, demo, settings, cache_pagine):
    settings.SCT_CACHE_PAGINE = False
    for _ in range(2):
        assert "X-Cache-Pagine" not in client.get("/")


def test_generate_bulk_invalida_una_volta(client, demo, cache_pagine):
    from home import bulk

    client.get(ESITI)
    prima = cache_pagine.get("sct:pagine:versione") or 0
    bulk.Generatore(bulk.Dimensioni(contratti=2, enti=2, adesioni=3, ordinativi=3, esiti=5)).esegui()
    assert cache_pagine.get("sct:pagine:versione") == prima + 1
    assert client.get(ESITI)["X-Cache-Pagine"] == "MISS"


def test_copia_in_memoria_del_processo_segue_la_versione_condivisa(client, demo, cache_pagine):
    """Another process (or machine) publishes: it bumps the shared version; this process's own
    memory copy must not be served any more."""
    from sct_site.cache.pagine import _locale
    from sct_site.cache.versione import CHIAVE_VERSIONE

    client.get("/documentazione/")
    assert client.get("/documentazione/")["X-Cache-Pagine"] == "HIT"
    assert _locale.voci  # kept in this process's memory too
    cache_pagine.incr(CHIAVE_VERSIONE)  # what invalida() does in the other process
    assert client.get("/documentazione/")["X-Cache-Pagine"] == "MISS"


def test_cache_condivisa_svuotata_nessuna_copia_vecchia(client, demo, cache_pagine):
    """Redis flushed or restarted: the version restarts from the clock, never from a value that the
    copies in the processes' memory were made at."""
    client.get("/documentazione/")
    assert client.get("/documentazione/")["X-Cache-Pagine"] == "HIT"
    cache_pagine.clear()
    assert client.get("/documentazione/")["X-Cache-Pagine"] == "MISS"


def test_la_copia_in_memoria_rispetta_il_limite(client, demo, cache_pagine, settings):
    from sct_site.cache.pagine import _locale

    settings.SCT_CACHE_PAGINE_LOCALE_MB = 0.01  # 10 KiB: pages larger than a quarter are not kept
    client.get("/contratti/sistema-cloud-toscana/")
    assert not _locale.voci
    assert client.get("/contratti/sistema-cloud-toscana/")["X-Cache-Pagine"] == "HIT"  # from the shared cache


def test_approvare_un_adesione_invalida_la_pagina_del_contratto(client, demo, cache_pagine, commit):
    """The contract page shows the approved total and the residual of the massimale to everybody."""
    from contratti.adesioni import services
    from contratti.models import Adesione
    from tests.adesioni.conftest import upload
    from tests.adesioni.helpers import task_state

    url = "/contratti/sistema-cloud-toscana/"
    client.get(url)
    assert client.get(url)["X-Cache-Pagine"] == "HIT"
    aderente, banditore = demo.user("aderente"), demo.user("banditore")
    with commit():
        adesione = services.crea_bozza(
            contratto=demo.sct,
            ente=demo.firenze,
            utente=aderente,
            ipotesi="A",
            importo=Decimal("12345.67"),
            scadenza=datetime.date(2026, 10, 2),
            files={"manifestazione-interesse": upload()},
        )
        services.invia(adesione, utente=aderente)
    client.get(url)
    assert client.get(url)["X-Cache-Pagine"] == "HIT"
    with commit():
        # Ipotesi A: the round 0 approval (the round for ordering) approves it.
        adesione = services.approva_round(adesione, utente=banditore, task_state=task_state(adesione))
    assert adesione.stato == Adesione.Stato.APPROVATA
    risposta = client.get(url)
    assert risposta["X-Cache-Pagine"] == "MISS"
    assert "€ 12.345,67" in risposta.content.decode() and "€ 149.987.654,33" in risposta.content.decode()
