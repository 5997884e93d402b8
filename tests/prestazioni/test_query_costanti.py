"""Queries per page do not grow with the data: each page is measured with N and 10×N records
(contracts, enti, adesioni, ordinativi, esiti made by home.bulk, as generate_bulk makes them).

The page cache is off here: these are the queries of the views themselves.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from esiti.models import Esito
from home import bulk

pytestmark = pytest.mark.django_db

ESITI = "/aggiudicazioni-e-affidamenti/"
N = 10


def _url_esito():
    return f"{ESITI}{Esito.objects.visibili().order_by('-pk').values_list('pk', flat=True).first()}/"


def _url_pagina_profonda():
    return f"{ESITI}?page={max(1, Esito.objects.visibili().count() // 20)}"


def _url_contratto_bulk():
    return "/contratti/bulk-000001/"


def _url_adesione():
    from contratti.models import Adesione

    a = (
        Adesione.objects.filter(ente__codice_fiscale="01307110484", contratto__slug="sistema-cloud-toscana")
        .order_by("-pk")
        .first()
    )
    return f"/contratti/sistema-cloud-toscana/adesioni/{a.pk}/"


def _url_ordinativo():
    from contratti.models import Ordinativo

    o = (
        Ordinativo.objects.filter(ente__codice_fiscale="01307110484", contratto__slug="sistema-cloud-toscana")
        .order_by("-pk")
        .first()
    )
    return f"/contratti/sistema-cloud-toscana/ordinativi/{o.pk}/"


PUBBLICHE = {
    "home": "/",
    "elenco contratti": "/contratti/",
    "elenco contratti filtrato": "/contratti/?tipo=aq&stato=attivo&ordina=titolo",
    "pagina contratto (demo)": "/contratti/sistema-cloud-toscana/",
    "pagina contratto (bulk)": _url_contratto_bulk,
    "esiti, prima pagina": ESITI,
    "esiti, filtrati": f"{ESITI}?anno=2022&ordina=importo",
    "esiti, ricerca": f"{ESITI}?q=backup",
    "esiti, pagina profonda": _url_pagina_profonda,
    "pagina dell'esito": _url_esito,
    "dati aperti": f"{ESITI}dati-aperti/",
    "feed Atom": f"{ESITI}dati-aperti/feed/",
    "CSV": f"{ESITI}dati-aperti/csv/",
    "OCDS": f"{ESITI}dati-aperti/ocds/",
    "documentazione": "/documentazione/",
    "documentazione, pagina": "/documentazione/faq/",
}
RISERVATE = {
    "area riservata": "/area-riservata/",
    "pagina contratto (aderente)": "/contratti/sistema-cloud-toscana/",
    "riepilogo adesione": _url_adesione,
    "ordinativo, passo 1": _url_ordinativo,
}


def _genera(fattore, demo):
    """N×fattore records; adesioni and ordinativi also for the Comune di Firenze (the demo aderente)
    on the Sistema Cloud Toscana contract, so that its member pages grow too."""
    d = bulk.Dimensioni(
        contratti=3 * fattore,
        enti=2 * fattore,
        adesioni=N * fattore,
        ordinativi=N * fattore,
        esiti=2 * N * fattore,
        righe=2,
        lotto=500,
    )
    generatore = bulk.Generatore(d)
    generatore.esegui()
    generatore.d.adesioni = generatore.d.ordinativi = N * fattore
    adesioni = generatore.adesioni([demo.sct], enti=[demo.firenze])
    generatore.ordinativi(adesioni)


def _conta(client, url):
    url = url() if callable(url) else url
    with CaptureQueriesContext(connection) as query:
        risposta = client.get(url)
        assert risposta.status_code == 200, (url, risposta.status_code)
        if risposta.streaming:
            b"".join(risposta.streaming_content)
    return len(query)


def _misura(client, demo, pagine, fattore):
    from django.core.cache import caches

    from sct_site.cache import svuota_memoria_locale

    with transaction.atomic():
        _genera(fattore, demo)
        for cache in caches.all():  # nothing computed from the other size's rows (rolled back) is kept
            cache.clear()
        svuota_memoria_locale()
        for url in pagine.values():  # warm-up: per-process caches (site root, content types, …)
            _conta(client, url)
        conti = {nome: _conta(client, url) for nome, url in pagine.items()}
        transaction.set_rollback(True)
    return conti


@pytest.fixture
def conti_pubblici(client, demo, senza_cache_pagine):
    return _misura(client, demo, PUBBLICHE, 1), _misura(client, demo, PUBBLICHE, 10)


@pytest.fixture
def conti_riservati(client_as, demo, senza_cache_pagine):
    client = client_as("aderente")
    return _misura(client, demo, RISERVATE, 1), _misura(client, demo, RISERVATE, 10)


def test_pagine_pubbliche_query_costanti(conti_pubblici):
    piccolo, grande = conti_pubblici
    print("query per pagina (N, 10×N):", {nome: (piccolo[nome], grande[nome]) for nome in piccolo})
    diversi = {nome: (piccolo[nome], grande[nome]) for nome in piccolo if piccolo[nome] != grande[nome]}
    assert not diversi, f"query (N, 10×N) che crescono con i dati: {diversi}"


def test_pagine_dell_aderente_query_costanti(conti_riservati):
    piccolo, grande = conti_riservati
    print("query per pagina (N, 10×N):", {nome: (piccolo[nome], grande[nome]) for nome in piccolo})
    diversi = {nome: (piccolo[nome], grande[nome]) for nome in piccolo if piccolo[nome] != grande[nome]}
    assert not diversi, f"query (N, 10×N) che crescono con i dati: {diversi}"
