"""A cache that stops answering makes the public pages slower, never errors; /health/ says so.

The tests start a private ``redis-server`` on a free port (no persistence), point both caches at it
with the project's fail-open backend, warm the pages, then stop the server (killed, or frozen with
SIGSTOP so that every call times out) and ask for the pages again. The Wagtail internals that the
cache relies on are pinned in tests/test_cache_wagtail.py.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.urls import reverse

from home.demo import SCT_SLUG
from sct_site import cache as cache_pagine
from sct_site.cache import versione as versione_dati
from sct_site.cache.backend import CacheNonDisponibile, RedisCacheTollerante
from tests.factories import crea_contratto
from tests.integration import integrazione_simulatore, integrazione_worker, simulatore_anac, worker_celery  # noqa: F401

REDIS_SERVER = shutil.which("redis-server")

PAGINE = [
    ("/", "Negozio Elettronico"),
    ("/contratti/", "Parametri di ricerca"),
    (f"/contratti/{SCT_SLUG}/", "7154112FF8"),
    ("/aggiudicazioni-e-affidamenti/", "Aggiudicazioni e affidamenti"),
    ("/documentazione/", "Modelli dei documenti"),
]


def _porta_libera():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisPrivato:
    def __init__(self):
        self.porta = _porta_libera()
        self.processo = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.porta}/0"

    def avvia(self):
        self.processo = subprocess.Popen(  # noqa: S603 - a fixed executable, arguments of this test
            [REDIS_SERVER, "--port", str(self.porta), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        fine = time.monotonic() + 10
        while time.monotonic() < fine:
            try:
                with socket.create_connection(("127.0.0.1", self.porta), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server non parte")

    def ferma(self):
        if self.processo is not None and self.processo.poll() is None:
            os.kill(self.processo.pid, signal.SIGCONT)
            self.processo.terminate()
            self.processo.wait(10)

    def congela(self):
        os.kill(self.processo.pid, signal.SIGSTOP)


@pytest.fixture
def redis_privato(settings):
    if REDIS_SERVER is None:
        pytest.skip("redis-server non installato: il guasto della cache non si può provocare")
    server = RedisPrivato().avvia()
    backend = "sct_site.cache.backend.RedisCacheTollerante"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": backend, "LOCATION": server.url, "KEY_PREFIX": f"t{server.porta}"},
        "pagine": {"BACKEND": backend, "LOCATION": server.url, "KEY_PREFIX": f"p{server.porta}"},
    }
    settings.SCT_CACHE_PAGINE = True
    settings.SCT_CACHE_PAUSA_DOPO_GUASTO = 0.3
    cache_pagine.svuota_memoria_locale()
    yield server
    server.ferma()
    cache_pagine.svuota_memoria_locale()


def _scalda(client):
    for url, testo in PAGINE:
        client.get(url)
        risposta = client.get(url)
        assert risposta.status_code == 200 and testo in risposta.content.decode()
        assert risposta["X-Cache-Pagine"] == "HIT", url  # served by the Redis under test


def _pagine_rispondono(client):
    for url, testo in PAGINE:
        risposta = client.get(url)
        assert risposta.status_code == 200, url
        assert testo in risposta.content.decode(), url
        assert "X-Cache-Pagine" not in risposta, url  # neither from nor into the cache that is down


@pytest.mark.django_db
def test_cache_spenta_a_meta_le_pagine_pubbliche_rispondono(client, demo, redis_privato, client_as):
    _scalda(client)
    redis_privato.ferma()

    _pagine_rispondono(client)
    _pagine_rispondono(client)  # also while the backend pauses its attempts

    # A publication during the outage does not fail, and is visible at once (nothing is cached).
    crea_contratto(title="Pubblicato durante il guasto", slug="durante-il-guasto")
    assert "Pubblicato durante il guasto" in client.get("/contratti/").content.decode()
    assert client.get("/contratti/durante-il-guasto/").status_code == 200

    # Sessions are in the database: a logged-in user keeps working.
    risposta = client_as("aderente").get("/area-riservata/")
    assert risposta.status_code == 200

    stato = client.get(reverse("health"))
    assert stato.status_code == 503
    dati = stato.json()
    assert dati["status"] == "errore" and dati["database"] == "ok" and dati["storage"] == "ok"
    assert dati["cache"] == "errore: cache 'default' non raggiungibile (ConnectionError)"
    assert dati["cache_pagine"] == "errore: cache 'pagine' non raggiungibile (ConnectionError)"

    # What a load balancer may ask instead: the node's own components, not the shared cache.
    parziale = client.get(reverse("health"), {"solo": "database,storage"})
    assert parziale.status_code == 200 and parziale.json() == {"status": "ok", "database": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_cache_che_non_risponde_costa_un_timeout_non_un_errore(client, demo, redis_privato, settings):
    """A frozen Redis (SIGSTOP): connections open, answers never come. Each call would wait for the
    socket timeout; after the first one the backend stops trying for a while."""
    settings.SCT_CACHE_PAUSA_DOPO_GUASTO = 30
    _scalda(client)
    redis_privato.congela()
    inizio = time.monotonic()
    _pagine_rispondono(client)
    assert time.monotonic() - inizio < 5  # one 0.5 s timeout, not one per cache call

    stato = client.get(reverse("health"))  # the health check does not pause: it asks the server
    assert stato.status_code == 503
    assert stato.json()["cache"] == "errore: cache 'default' non raggiungibile (TimeoutError)"


@pytest.mark.django_db
def test_cache_di_nuovo_disponibile_la_pubblicazione_mancata_invalida(client, demo, redis_privato):
    """A bump lost during the outage is made by the same process when the cache answers again: a copy
    kept before the outage is never served after it."""
    _scalda(client)
    redis_privato.congela()
    crea_contratto(title="Pubblicato col Redis fermo", slug="redis-fermo")
    assert versione_dati._bump_mancato.pendente
    os.kill(redis_privato.processo.pid, signal.SIGCONT)
    time.sleep(0.4)  # SCT_CACHE_PAUSA_DOPO_GUASTO
    client.get("/documentazione/")  # reads the version: the cache answers, the bump is made
    assert not versione_dati._bump_mancato.pendente
    risposta = client.get("/contratti/")
    assert "Pubblicato col Redis fermo" in risposta.content.decode()
    assert client.get(reverse("health")).status_code == 200


@pytest.mark.django_db
def test_backend_tollerante_risposte_neutre(redis_privato):
    cache = RedisCacheTollerante(redis_privato.url, {"KEY_PREFIX": "neutre"})
    cache.set("a", 1)
    assert cache.get("a") == 1 and not cache.in_guasto
    redis_privato.ferma()
    assert cache.get("a") is None and cache.get("a", "predefinito") == "predefinito"
    assert cache.get_many(["a"]) == {} and cache.has_key("a") is False
    assert cache.add("b", 2) is False and cache.set("b", 2) is None and cache.delete("b") is False
    assert cache.set_many({"c": 3}) == ["c"]
    assert cache.get_or_set("d", lambda: 4) == 4
    with pytest.raises(CacheNonDisponibile):  # a ValueError, as for a missing key
        cache.incr("a")
    assert cache.in_guasto


def test_cache_su_file_su_disco_non_scrivibile_e_un_mancato_riscontro(tmp_path):
    from sct_site.cache.backend import FileBasedCacheTollerante

    bloccante = tmp_path / "un-file"
    bloccante.write_text("non una cartella")
    cache = FileBasedCacheTollerante(str(bloccante / "cache"), {})
    assert cache.set("a", 1) is None and cache.get("a") is None and cache.add("a", 1) is False
    assert cache.in_guasto


@pytest.mark.django_db
@pytest.mark.parametrize("solo", ["", "database,nulla", ","])
def test_health_solo_componenti_sconosciuti_400(client, solo):
    risposta = client.get(reverse("health"), {"solo": solo})
    assert risposta.status_code == 400
    assert risposta.json()["errore"].startswith("Parametro «solo» non valido: usare uno o più tra database, cache,")


def test_health_non_linkata_dalle_pagine_pubbliche(client, demo):
    for url, _ in PAGINE:
        assert "/health/" not in client.get(url).content.decode(), url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("worker_celery")
def test_health_con_un_worker_celery_che_risponde_al_ping(client, demo, settings):
    from sct_site.celery import app

    settings.SCT_HEALTH_WORKER_CELERY = True
    risposta = client.get(reverse("health"))
    assert risposta.status_code == 200, risposta.json()
    assert risposta.json()["worker"] == "ok"

    prima = app.conf.task_default_queue
    app.conf.task_default_queue = "coda-senza-worker"
    try:
        risposta = client.get(reverse("health"))
    finally:
        app.conf.task_default_queue = prima
    assert risposta.status_code == 503
    assert risposta.json()["worker"] == "errore: nessun worker Celery consuma la coda coda-senza-worker"
