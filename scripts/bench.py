#!/usr/bin/env python
"""Benchmark of the site under gunicorn against the framework's floor (``make bench``).

    make bench                                  # 10,000 esiti (a few minutes on 2 cores)
    SCT_BENCH_ESITI=100000 make bench           # the issue's size: 100,000 esiti and ordinativi

What it does, in one run:

1. a scratch database (PostgreSQL ``sct_bench_<esiti>`` on 127.0.0.1:5432 when it answers, else
   SQLite in ``var/bench/``), migrated, with the demo data and ``generate_bulk`` (contracts =
   esiti/50, enti = esiti/333, adesioni = esiti/5, ordinativi = esiti; reused when already there);
   Redis on 127.0.0.1:6379 (cache, broker) when it answers, else the file cache and broker;
2. gunicorn (``SCT_BENCH_WORKERS`` sync workers, default 2 × cores) with the production settings
   plus the benchmark's URLconf (``scripts/bench_settings.py``, ``scripts/bench_urls.py``: the
   *floor*, precomputed bytes of a given size through the same middleware and server), first with
   the page cache off, then on;
3. a load generator on 127.0.0.1 (wrk, installed with apt-get when missing and possible; else a
   Python thread pool with http.client), ``SCT_BENCH_CONNESSIONI`` connections (default 8):
   throughput and p50/p95 of each page, uncached and (anonymous pages) cached, and of the floor at
   the same size, in ``SCT_BENCH_GIRI`` alternate rounds (default 3) of ``SCT_BENCH_DURATA`` / giri
   seconds (default 9 s in all, for the page and as much for the floor); the
   aderente's member pages with the session of a real login through the login form; the open-data
   exports one request at a time (3 requests each, bounded);
4. the full-text search on PostgreSQL against a raw indexed ``tsquery`` on the same data, the
   exports' time and peak memory against a raw ``values_list`` dump (``scripts/bench_esiti.py``),
   the scheda-di-sintesi PDF rate (``scripts/bench_scheda_sintesi.py``);
5. prints the table and writes ``docs/benchmarks.md`` (``SCT_BENCH_OUTPUT`` to write elsewhere).

Other knobs: ``SCT_BENCH_CONTRATTI``, ``SCT_BENCH_ENTI``, ``SCT_BENCH_ADESIONI``,
``SCT_BENCH_ORDINATIVI``, ``SCT_BENCH_DATABASE_URL``, ``SCT_BENCH_PORT`` (default 8231),
``SCT_BENCH_NO_REDIS=1``, ``SCT_BENCH_PYTHON_LOAD=1`` (skip wrk). Load only on loopback, bounded in
time and count; every process it starts is stopped at the end.
"""

import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
VENV = RADICE / ".venv" / "bin"
PYTHON = str(VENV / "python") if (VENV / "python").exists() else sys.executable
HOST = "127.0.0.1"
MAX_RICHIESTE_PYTHON = 200_000


def log(messaggio):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {messaggio}", flush=True)


def intero(nome, default):
    valore = os.environ.get(nome)
    return int(valore) if valore else default


def porta_aperta(porta, host=HOST):
    try:
        with socket.create_connection((host, porta), timeout=1):
            return True
    except OSError:
        return False


# --- configuration --------------------------------------------------------------------------------


class Config:
    def __init__(self):
        self.esiti = intero("SCT_BENCH_ESITI", 10_000)
        self.contratti = intero("SCT_BENCH_CONTRATTI", max(20, self.esiti // 50))
        self.enti = intero("SCT_BENCH_ENTI", max(30, self.esiti // 333))
        self.adesioni = intero("SCT_BENCH_ADESIONI", self.esiti // 5)
        self.ordinativi = intero("SCT_BENCH_ORDINATIVI", self.esiti)
        self.durata = float(os.environ.get("SCT_BENCH_DURATA") or 9)
        self.giri = intero("SCT_BENCH_GIRI", 3)
        self.connessioni = intero("SCT_BENCH_CONNESSIONI", 8)
        self.workers = intero("SCT_BENCH_WORKERS", 2 * (os.cpu_count() or 1))
        self.porta = intero("SCT_BENCH_PORT", 8231)
        self.output = Path(os.environ.get("SCT_BENCH_OUTPUT") or RADICE / "docs" / "benchmarks.md")
        self.var = RADICE / "var" / "bench"
        self.var.mkdir(parents=True, exist_ok=True)
        self.postgres = not os.environ.get("SCT_BENCH_DATABASE_URL", "").startswith("sqlite") and porta_aperta(5432)
        self.database_url = os.environ.get("SCT_BENCH_DATABASE_URL") or (
            f"postgres://postgres@{HOST}:5432/sct_bench_{self.esiti}"
            if self.postgres
            else f"sqlite:///{self.var / f'bench-{self.esiti}.sqlite3'}"
        )
        self.postgres = self.database_url.startswith("postgres")
        self.redis = not os.environ.get("SCT_BENCH_NO_REDIS") and porta_aperta(6379)

    def ambiente(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCT_BENCH_"))}
        env.update(
            PYTHONPATH=f"{RADICE}{os.pathsep}{RADICE / 'scripts'}",
            DJANGO_SETTINGS_MODULE="bench_settings",
            SECRET_KEY="bench-only-" + "k" * 40,
            ALLOWED_HOSTS=f"{HOST},localhost",
            SCT_VAR_DIR=str(self.var),
            DATABASE_URL=self.database_url,
            SCT_SIMULATED_SPID="0",
            DEBUG="0",
            DB_CONN_MAX_AGE="60",
            LOG_LEVEL="WARNING",
        )
        for chiave in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
            env.pop(chiave, None)
        if self.redis:
            env.update(
                REDIS_URL=f"redis://{HOST}:6379/12",
                CELERY_BROKER_URL=f"redis://{HOST}:6379/13",
                CELERY_RESULT_BACKEND=f"redis://{HOST}:6379/13",
            )
        env.update(extra)
        return env

    def ambiente_dati(self):
        """For the data preparation: load_demo and generate_bulk refuse the production settings."""
        return self.ambiente(DJANGO_SETTINGS_MODULE="sct_site.settings.dev", SCT_CACHE_PAGINE="0")


def manage(config, *argomenti, env=None, cattura=False):
    risultato = subprocess.run(
        [PYTHON, "manage.py", *argomenti],
        cwd=RADICE,
        env=env or config.ambiente_dati(),
        check=True,
        text=True,
        capture_output=cattura,
    )
    return risultato.stdout if cattura else None


def prepara_database(config):
    if config.postgres:
        import psycopg

        parti = urllib.parse.urlparse(config.database_url)
        nome = parti.path.lstrip("/")
        base = config.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(base, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (nome,)).fetchone():
                conn.execute(f'CREATE DATABASE "{nome}"')
                log(f"creato il database {nome}")
    log("migrate, collectstatic")
    manage(config, "migrate", "--noinput", "-v0")
    manage(config, "collectstatic", "--noinput", "-v0", env=config.ambiente())
    voluti = {
        "contratti": config.contratti,
        "enti": config.enti,
        "adesioni": config.adesioni,
        "ordinativi": config.ordinativi,
        "esiti": config.esiti,
    }
    presenti = json.loads(
        manage(
            config,
            "shell",
            "-c",
            "import json; from home.bulk import presenti; from contratti.models import ContrattoPage; "
            "print(json.dumps({**presenti(), 'demo': ContrattoPage.objects.filter(slug='sistema-cloud-toscana').exists()}))",
            cattura=True,
        )
        .strip()
        .splitlines()[-1]
    )
    if not presenti.pop("demo"):
        log("load_demo")
        manage(config, "load_demo")
    secondi = None
    if all(presenti.get(k) == v for k, v in voluti.items()):
        log(f"dati di prova già presenti: {presenti}")
    else:
        argomenti = [f"--{k}={v}" for k, v in voluti.items()]
        if any(presenti.values()):
            argomenti.append("--reset")
        log(f"generate_bulk {' '.join(argomenti)}")
        inizio = time.perf_counter()
        manage(config, "generate_bulk", *argomenti)
        secondi = time.perf_counter() - inizio
    if config.postgres:
        manage(config, "dbshell", "--", "-c", "VACUUM ANALYZE")
    if config.redis:
        # The benchmark's own Redis database (12): empty it, so that nothing cached for another
        # benchmark database (the esiti's filter choices, the page cache) is served in this run.
        import redis

        redis.Redis(host=HOST, port=6379, db=12).flushdb()
    return secondi


# --- the server ----------------------------------------------------------------------------------


class Server:
    def __init__(self, config, cache):
        self.config = config
        self.cache = cache
        self.processo = None

    def __enter__(self):
        if porta_aperta(self.config.porta):
            raise SystemExit(f"La porta {self.config.porta} è occupata: SCT_BENCH_PORT=… per usarne un'altra.")
        env = self.config.ambiente(SCT_CACHE_PAGINE="1" if self.cache else "0")
        self.log = open(self.config.var / "gunicorn.log", "a")  # noqa: SIM115 - closed in __exit__
        self.processo = subprocess.Popen(
            [
                str(VENV / "gunicorn"),
                "sct_site.wsgi",
                "-w",
                str(self.config.workers),
                "-b",
                f"{HOST}:{self.config.porta}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
                "--pythonpath",
                f"{RADICE},{RADICE / 'scripts'}",
            ],
            cwd=RADICE,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        limite = time.monotonic() + 90
        while time.monotonic() < limite:
            if self.processo.poll() is not None:
                raise SystemExit(f"gunicorn è terminato (vedi {self.config.var / 'gunicorn.log'})")
            try:
                stato, _, _ = richiesta(
                    self.config.porta, "/health/?solo=database,cache,cache_pagine,storage"
                )  # no Celery worker here
                if stato == 200:
                    log(
                        f"gunicorn pronto ({self.config.workers} worker, cache delle pagine {'accesa' if self.cache else 'spenta'})"
                    )
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.__exit__()
        raise SystemExit("gunicorn non risponde su /health/")

    def worker_pids(self):
        try:
            figli = Path(f"/proc/{self.processo.pid}/task/{self.processo.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(p) for p in figli]

    def picco_rss_mib(self):
        """The largest peak resident memory (VmHWM) among the workers."""
        picchi = []
        for pid in self.worker_pids():
            try:
                for riga in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if riga.startswith("VmHWM:"):
                        picchi.append(int(riga.split()[1]) / 1024)
            except OSError:
                continue
        return max(picchi) if picchi else None

    def __exit__(self, *exc):
        if self.processo and self.processo.poll() is None:
            self.processo.send_signal(signal.SIGTERM)
            try:
                self.processo.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.processo.kill()
                self.processo.wait()
        self.log.close()


# --- HTTP ----------------------------------------------------------------------------------------


def richiesta(porta, url, *, metodo="GET", corpo=None, intestazioni=None, timeout=300):
    conn = http.client.HTTPConnection(HOST, porta, timeout=timeout)
    try:
        conn.request(metodo, url, body=corpo, headers={"Host": HOST, **(intestazioni or {})})
        risposta = conn.getresponse()
        dati = risposta.read()
        return risposta.status, risposta.getheaders(), dati
    finally:
        conn.close()


def accedi(porta, username, password):
    """Log in through the real login form; returns the Cookie header of the session."""
    cookie = {}

    def raccogli(intestazioni):
        for nome, valore in intestazioni:
            if nome.lower() == "set-cookie":
                chiave, _, resto = valore.partition("=")
                cookie[chiave.strip()] = resto.split(";", 1)[0]

    stato, intestazioni, corpo = richiesta(porta, "/account/accedi/")
    raccogli(intestazioni)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', corpo).group(1).decode()
    dati = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    stato, intestazioni, _ = richiesta(
        porta,
        "/account/accedi/",
        metodo="POST",
        corpo=dati,
        intestazioni={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookie.items()),
            "Referer": f"http://{HOST}:{porta}/account/accedi/",
        },
    )
    raccogli(intestazioni)
    if stato != 302 or "sessionid" not in cookie:
        raise SystemExit(f"accesso di {username} non riuscito (HTTP {stato})")
    return "; ".join(f"{k}={v}" for k, v in cookie.items())


LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"richieste":%d,"durata_us":%d,"p50_us":%d,"p95_us":%d,"errori":%d,"non2xx":%d,"byte":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, e.status, summary.bytes))
end
"""


class Carico:
    def __init__(self, config):
        self.config = config
        self.wrk = None if os.environ.get("SCT_BENCH_PYTHON_LOAD") else self._trova_wrk()
        self.script = Path(tempfile.mkstemp(prefix="sct-bench-", suffix=".lua")[1])
        self.script.write_text(LUA)

    @staticmethod
    def _trova_wrk():
        if shutil.which("wrk"):
            return shutil.which("wrk")
        if os.geteuid() == 0 and shutil.which("apt-get"):
            log("wrk manca: apt-get install wrk")
            for comando in (
                ["apt-get", "install", "-y", "-q", "wrk"],
                ["apt-get", "update", "-q"],
                ["apt-get", "install", "-y", "-q", "wrk"],
            ):
                try:
                    subprocess.run(
                        comando,
                        check=False,
                        timeout=300,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                    )
                except (OSError, subprocess.TimeoutExpired):
                    break
                if shutil.which("wrk"):
                    return shutil.which("wrk")
        log("wrk non disponibile: generatore di carico in Python (thread e http.client)")
        return None

    @property
    def nome(self):
        if self.wrk:
            versione = subprocess.run([self.wrk, "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip()
            return versione or "wrk"
        return f"Python {platform.python_version()} (ThreadPoolExecutor + http.client)"

    def confronta(self, url, pavimento, cookie=None):
        """The page and the floor in alternate rounds (``giri``), so that both see the same
        conditions of the machine: totals, median latencies and the median of the per-round ratios."""
        durata = max(1, round(self.config.durata / self.config.giri))
        pagina, fondo = [], []
        for _ in range(self.config.giri):
            pagina.append(self.misura(url, cookie, durata=durata))
            fondo.append(self.misura(pavimento, durata=durata))
        rapporti = [p["rps"] / f["rps"] for p, f in zip(pagina, fondo, strict=True) if f["rps"]]
        return _somma(pagina), _somma(fondo), (statistics.median(rapporti) if rapporti else 0)

    def misura(self, url, cookie=None, durata=None):
        durata = durata or self.config.durata
        risultato = self._wrk(url, cookie, durata) if self.wrk else self._python(url, cookie, durata)
        # Requests still queued in the server when the generator stops would be served during the
        # next measurement: wait for them (one request at the end of the queue).
        richiesta(self.config.porta, "/__bench__/pavimento/100/")
        return risultato

    def _wrk(self, url, cookie, durata):
        comando = [
            self.wrk,
            "-t2",
            f"-c{self.config.connessioni}",
            f"-d{max(1, round(durata))}s",
            "--timeout",
            "60s",
            "-s",
            str(self.script),
        ]
        if cookie:
            comando += ["-H", f"Cookie: {cookie}"]
        processo = subprocess.run(
            comando + [f"http://{HOST}:{self.config.porta}{url}"], capture_output=True, text=True, timeout=durata + 120
        )
        riga = next((r for r in processo.stdout.splitlines() if r.startswith("WRKJSON ")), None)
        if riga is None:
            raise SystemExit(
                f"wrk non ha prodotto risultati per {url}: {processo.stdout[-500:]} {processo.stderr[-500:]}"
            )
        d = json.loads(riga[len("WRKJSON ") :])
        return {
            "rps": d["richieste"] / (d["durata_us"] / 1e6),
            "p50": d["p50_us"] / 1000,
            "p95": d["p95_us"] / 1000,
            "n": d["richieste"],
            "errori": d["errori"] + d["non2xx"],
        }

    def _python(self, url, cookie, durata):
        fine = time.monotonic() + durata
        latenze, errori, lock = [], [0], threading.Lock()
        intestazioni = {"Cookie": cookie} if cookie else {}

        def ciclo():
            mie = []
            while time.monotonic() < fine and len(latenze) + len(mie) < MAX_RICHIESTE_PYTHON:
                inizio = time.perf_counter()
                try:
                    stato, _, _ = richiesta(self.config.porta, url, intestazioni=intestazioni, timeout=60)
                    ok = stato == 200
                except OSError:
                    ok = False
                mie.append(time.perf_counter() - inizio)
                if not ok:
                    with lock:
                        errori[0] += 1
            with lock:
                latenze.extend(mie)

        inizio = time.perf_counter()
        with ThreadPoolExecutor(self.config.connessioni) as pool:
            for _ in range(self.config.connessioni):
                pool.submit(ciclo)
        durata = time.perf_counter() - inizio
        latenze.sort()
        return {
            "rps": len(latenze) / durata,
            "p50": latenze[len(latenze) // 2] * 1000,
            "p95": latenze[int(len(latenze) * 0.95)] * 1000,
            "n": len(latenze),
            "errori": errori[0],
        }

    def sequenziale(self, url, volte=3):
        """Large responses (the exports): one request at a time, ``volte`` times."""
        tempi, dimensione = [], 0
        for _ in range(volte):
            inizio = time.perf_counter()
            stato, _, corpo = richiesta(self.config.porta, url)
            tempi.append(time.perf_counter() - inizio)
            if stato != 200:
                raise SystemExit(f"{url}: HTTP {stato}")
            dimensione = len(corpo)
        tempi.sort()
        return {
            "rps": len(tempi) / sum(tempi),
            "p50": statistics.median(tempi) * 1000,
            "p95": tempi[-1] * 1000,
            "n": len(tempi),
            "errori": 0,
            "byte": dimensione,
        }

    def chiudi(self):
        self.script.unlink(missing_ok=True)


def _somma(misure):
    return {
        "rps": statistics.mean(m["rps"] for m in misure),
        "p50": statistics.median(m["p50"] for m in misure),
        "p95": statistics.median(m["p95"] for m in misure),
        "n": sum(m["n"] for m in misure),
        "errori": sum(m["errori"] for m in misure),
    }


# --- Django in this process (ids for the URLs, search timing) ------------------------------------


def django_locale(config):
    for chiave, valore in config.ambiente_dati().items():
        os.environ[chiave] = valore
    sys.path.insert(0, str(RADICE))
    import django

    django.setup()


def indirizzi(config):
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from contratti.models import ContrattoPage
    from esiti.models import Esito

    base = "/aggiudicazioni-e-affidamenti/"
    visibili = Esito.objects.visibili().count()
    esito = Esito.objects.visibili().order_by("-pubblicato_il", "-id").values_list("pk", flat=True)[visibili // 2]
    l190 = (
        Esito.objects.in_vigore()
        .values("ente__codice_fiscale", anno=ExtractYear("data_aggiudicazione"))
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    contratto = (
        ContrattoPage.objects.filter(slug__startswith="bulk-").order_by("path").first() or ContrattoPage.objects.first()
    )
    pagine = [
        ("home", "/"),
        ("elenco contratti (filtrato)", "/contratti/?tipo=aq&stato=attivo&ordina=scadenza"),
        ("pagina di un contratto (demo SCT)", "/contratti/sistema-cloud-toscana/"),
        ("pagina di un contratto (bulk)", f"/contratti/{contratto.slug}/"),
        ("esiti, prima pagina", base),
        ("esiti, filtrati (anno, importo)", f"{base}?anno=2022&ordina=importo"),
        ("esiti, ricerca a testo libero", f"{base}?q=backup+dati"),
        ("esiti, pagina profonda", f"{base}?page={max(1, visibili // 20 - 1)}"),
        ("pagina di un esito", f"{base}{esito}/"),
        ("dati aperti (documentazione)", f"{base}dati-aperti/"),
        ("feed Atom", f"{base}dati-aperti/feed/"),
        ("documentazione", "/documentazione/"),
    ]
    riservate = [
        ("area riservata (aderente)", "/area-riservata/"),
        ("pagina del contratto SCT (aderente)", "/contratti/sistema-cloud-toscana/"),
    ]
    esportazioni = [
        ("export CSV (tutti)", f"{base}dati-aperti/csv/"),
        ("export OCDS (tutti)", f"{base}dati-aperti/ocds/"),
        (
            f"export L.190 XML ({l190['anno']}, {l190['n']} esiti)",
            f"{base}dati-aperti/l190/{l190['anno']}/{l190['ente__codice_fiscale']}/",
        ),
        ("export CSV filtrato (anno 2022)", f"{base}dati-aperti/csv/?anno=2022"),
    ]
    return visibili, pagine, riservate, esportazioni


class _CronometroQuery:
    def __init__(self):
        self.numero, self.secondi = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        inizio = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.numero += 1
            self.secondi += time.perf_counter() - inizio


def costo_nel_processo(pagine, riservate, ripetizioni=15):
    """Milliseconds and queries of each page in this process (Django test client, no HTTP, no
    load): where the time goes, without the noise of the machine."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    sys.path.insert(0, str(RADICE / "scripts"))
    risultati = {}
    anonimo, aderente = Client(HTTP_HOST=HOST), Client(HTTP_HOST=HOST)
    aderente.force_login(get_user_model().objects.get(username="aderente"))
    with override_settings(ROOT_URLCONF="bench_urls", SCT_CACHE_PAGINE=False):
        for gruppo, client in ((pagine, anonimo), (riservate, aderente)):
            for nome, url in gruppo:
                risposta = client.get(url)
                tempi, query_ms, numero = [], [], 0
                for _ in range(ripetizioni):
                    cronometro = _CronometroQuery()
                    with connection.execute_wrapper(cronometro):
                        inizio = time.perf_counter()
                        client.get(url)
                        tempi.append((time.perf_counter() - inizio) * 1000)
                    numero = cronometro.numero
                    query_ms.append(cronometro.secondi * 1000)
                tempi_pavimento = []
                for _ in range(ripetizioni):
                    inizio = time.perf_counter()
                    anonimo.get(f"/__bench__/pavimento/{len(risposta.content)}/")
                    tempi_pavimento.append((time.perf_counter() - inizio) * 1000)
                risultati[nome] = {
                    "ms": statistics.median(tempi),
                    "query": numero,
                    "ms_query": statistics.median(query_ms),
                    "pavimento_ms": statistics.median(tempi_pavimento),
                }
    return risultati


def ricerca_vs_tsquery(config, ripetizioni=60):
    """p95 of the list's search queries through the ORM (form + queryset, as the view runs them)
    against the same work as raw SQL on the indexed tsvector."""
    from django.core.paginator import Paginator
    from django.db import connection

    from esiti import conf
    from esiti.forms import RicercaEsitiForm
    from esiti.models import Esito
    from esiti.views import CAMPI_ELENCO

    if connection.vendor != "postgresql":
        return None
    termini = ["backup", "backup dati", "disaster recovery", "Prato", "cloud hosting migrazione", "posta certificata"]
    cfg = conf.configurazione_fts()
    colonne = ", ".join(CAMPI_ELENCO)
    sql_conta = (
        "SELECT count(*) FROM esiti_esito WHERE stato IN ('pubblicato', 'ritirato') "
        "AND vettore_ricerca @@ websearch_to_tsquery(%s::regconfig, %s)"
    )
    sql_pagina = (
        f"SELECT {colonne} FROM esiti_esito WHERE stato IN ('pubblicato', 'ritirato') "  # noqa: S608 - constant columns
        "AND vettore_ricerca @@ websearch_to_tsquery(%s::regconfig, %s) ORDER BY pubblicato_il DESC, id DESC LIMIT 20"
    )

    moduli = {t: RicercaEsitiForm({"q": t}) for t in termini}
    for modulo in moduli.values():  # the filters' choices are built with the form: not the search
        modulo.is_valid()

    def orm(termine):
        pagina = Paginator(
            moduli[termine].filtra(Esito.objects.visibili()).only(*CAMPI_ELENCO), conf.per_pagina()
        ).page(1)
        return len(list(pagina.object_list)), pagina.paginator.count

    def grezzo(termine):
        with connection.cursor() as cur:
            cur.execute(sql_conta, [cfg, termine])
            n = cur.fetchone()[0]
            cur.execute(sql_pagina, [cfg, termine])
            return len(cur.fetchall()), n

    tempi = {"orm": [], "grezzo": []}
    conteggi = {}
    for termine in termini:
        conteggi[termine] = orm(termine)[1]
        if conteggi[termine] != grezzo(termine)[1]:
            log(f"attenzione: la ricerca '{termine}' conta {conteggi[termine]} con l'ORM e {grezzo(termine)[1]} in SQL")
    for _ in range(ripetizioni):
        for termine in termini:
            for nome, funzione in (("orm", orm), ("grezzo", grezzo)):
                inizio = time.perf_counter()
                funzione(termine)
                tempi[nome].append((time.perf_counter() - inizio) * 1000)
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql_conta, [cfg, "backup"])
        piano = [r[0] for r in cur.fetchall()]
    indice_usato = any("Index" in riga and "Scan" in riga for riga in piano)

    def p(valori, q):
        valori = sorted(valori)
        return valori[min(len(valori) - 1, int(len(valori) * q))]

    return {
        "termini": conteggi,
        "piano": piano,
        "indice": indice_usato,
        "orm_p50": p(tempi["orm"], 0.5),
        "orm_p95": p(tempi["orm"], 0.95),
        "grezzo_p50": p(tempi["grezzo"], 0.5),
        "grezzo_p95": p(tempi["grezzo"], 0.95),
        "n": len(tempi["orm"]),
    }


def bench_esiti(config):
    """``scripts/bench_esiti.py`` on the same database: exports vs raw dump (time, tracemalloc peak)."""
    env = config.ambiente_dati()
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("SCT_VAR_DIR", None)
    uscita = subprocess.run(
        [
            PYTHON,
            "scripts/bench_esiti.py",
            "-n",
            str(config.esiti),
            "--database-url",
            config.database_url,
            "--ripetizioni",
            "2",
        ],
        cwd=RADICE,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if uscita.returncode != 0:
        log(f"bench_esiti.py non riuscito: {uscita.stderr[-2000:]}")
        return None, uscita.stdout + uscita.stderr
    righe = {}
    for riga in uscita.stdout.splitlines():
        m = re.match(r"^(.+?)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$", riga)
        if m:
            righe[m.group(1).strip()] = {
                "righe": int(m.group(2)),
                "byte": int(m.group(3)),
                "min_s": float(m.group(4)),
                "mediana_s": float(m.group(5)),
                "picco_mib": float(m.group(6)),
                "x_grezzo": float(m.group(7)),
            }
    return righe, uscita.stdout


def scheda_sintesi(config):
    uscita = subprocess.run(
        [PYTHON, "scripts/bench_scheda_sintesi.py", "10"],
        cwd=RADICE,
        env=config.ambiente_dati(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    m = re.search(r"ritmo: ([\d.]+) schede/s", uscita.stdout)
    mediana = re.search(r"mediana (\d+) ms", uscita.stdout)
    if not m:
        log(f"bench_scheda_sintesi.py non riuscito: {uscita.stderr[-1000:]}")
        return None
    return {"ritmo": float(m.group(1)), "mediana_ms": int(mediana.group(1)) if mediana else None}


# --- machine -------------------------------------------------------------------------------------


def macchina(config, carico):
    cpu = next(
        (
            r.split(":", 1)[1].strip()
            for r in Path("/proc/cpuinfo").read_text().splitlines()
            if r.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    memoria = (
        next((int(r.split()[1]) for r in Path("/proc/meminfo").read_text().splitlines() if r.startswith("MemTotal")), 0)
        / 2**20
    )
    from importlib.metadata import version

    righe = {
        "CPU": f"{cpu}, {os.cpu_count()} core",
        "RAM": f"{memoria:.1f} GiB",
        "sistema": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": platform.python_version(),
        "Django / Wagtail / gunicorn": f"{version('django')} / {version('wagtail')} / {version('gunicorn')}",
        "generatore di carico": carico.nome,
        "carico medio della macchina (1, 5, 15 min)": "all'inizio "
        + ", ".join(f"{x:.1f}" for x in config.carico_iniziale)
        + "; alla fine "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (altri processi sulla macchina pesano su tutte le misure, pavimento compreso)",
    }
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            righe["database"] = f"PostgreSQL {cur.fetchone()[0]} su 127.0.0.1"
        else:
            cur.execute("select sqlite_version()")
            righe["database"] = f"SQLite {cur.fetchone()[0]} (file locale)"
    if config.redis:
        import redis

        info = redis.Redis(host=HOST, port=6379).info("server")
        righe["cache e broker"] = f"Redis {info['redis_version']} su 127.0.0.1"
    else:
        righe["cache e broker"] = "cache su file in var/, broker su filesystem"
    return righe


# --- the run -------------------------------------------------------------------------------------


def misura_pagine(config, carico, pagine, riservate, esportazioni):
    risultati = {}
    with Server(config, cache=False) as server:
        for nome, url in pagine:
            stato, intestazioni, corpo = richiesta(config.porta, url)
            if stato != 200:
                raise SystemExit(f"{nome} ({url}): HTTP {stato}")
            if "X-Cache-Pagine" in dict(intestazioni):
                raise SystemExit("la cache delle pagine risulta accesa nella fase senza cache")
            r = {"url": url, "byte": len(corpo)}
            r["senza_cache"], r["pavimento"], r["rapporto"] = carico.confronta(
                url, f"/__bench__/pavimento/{len(corpo)}/"
            )
            risultati[nome] = r
            log(f"{nome}: {r['senza_cache']['rps']:.1f} req/s (pavimento {r['pavimento']['rps']:.1f})")
        cookie = accedi(config.porta, "aderente", os.environ.get("SCT_DEMO_PASSWORD", "demo-sct-2025"))
        for nome, url in riservate:
            stato, _, corpo = richiesta(config.porta, url, intestazioni={"Cookie": cookie})
            if stato != 200:
                raise SystemExit(f"{nome} ({url}): HTTP {stato}")
            r = {"url": url, "byte": len(corpo), "riservata": True}
            r["senza_cache"], r["pavimento"], r["rapporto"] = carico.confronta(
                url, f"/__bench__/pavimento/{len(corpo)}/", cookie=cookie
            )
            risultati[nome] = r
            log(f"{nome}: {r['senza_cache']['rps']:.1f} req/s (pavimento {r['pavimento']['rps']:.1f})")
        for nome, url in esportazioni:
            misura = carico.sequenziale(url)
            risultati[nome] = {"url": url, "byte": misura["byte"], "senza_cache": misura, "esportazione": True}
            log(f"{nome}: {misura['p50']:.0f} ms, {misura['byte']} byte")
        picco = server.picco_rss_mib()
    with Server(config, cache=True):
        for nome, url in pagine:
            richiesta(config.porta, url)
            _, intestazioni, _ = richiesta(config.porta, url)
            if dict(intestazioni).get("X-Cache-Pagine") != "HIT":
                log(f"{nome}: non servita dalla cache ({dict(intestazioni).get('X-Cache-Pagine')})")
                continue
            r = risultati[nome]
            r["con_cache"], r["pavimento_cache"], r["rapporto_cache"] = carico.confronta(
                url, f"/__bench__/pavimento/{r['byte']}/"
            )
            log(f"{nome} (cache): {risultati[nome]['con_cache']['rps']:.1f} req/s")
    return risultati, picco


def main():
    config = Config()
    config.carico_iniziale = os.getloadavg()
    inizio = time.perf_counter()
    data = datetime.datetime.now(datetime.UTC)
    log(f"database {config.database_url.split('@')[-1]}, Redis {'sì' if config.redis else 'no'}, {config.esiti} esiti")
    secondi_dati = prepara_database(config)
    django_locale(config)
    visibili, pagine, riservate, esportazioni = indirizzi(config)
    carico = Carico(config)
    try:
        risultati, picco_rss = misura_pagine(config, carico, pagine, riservate, esportazioni)
        log("costo nel processo (client di test)")
        nel_processo = costo_nel_processo(pagine, riservate)
        log("ricerca: ORM vs tsquery grezza")
        ricerca = ricerca_vs_tsquery(config)
        log("export vs dump grezzo (scripts/bench_esiti.py)")
        esiti_righe, esiti_testo = bench_esiti(config)
        log("scheda di sintesi (scripts/bench_scheda_sintesi.py)")
        pdf = scheda_sintesi(config)
        testo = rapporto(
            config,
            carico,
            data,
            visibili,
            secondi_dati,
            risultati,
            picco_rss,
            ricerca,
            esiti_righe,
            esiti_testo,
            pdf,
            time.perf_counter() - inizio,
            nel_processo,
        )
    finally:
        carico.chiudi()
    print()
    print(testo)
    config.output.parent.mkdir(parents=True, exist_ok=True)
    config.output.write_text(testo)
    log(f"scritto {config.output}")


# --- report --------------------------------------------------------------------------------------


def _ms(valore):
    return f"{valore:.0f}" if valore >= 10 else f"{valore:.1f}"


def rapporto(
    config,
    carico,
    data,
    visibili,
    secondi_dati,
    risultati,
    picco_rss,
    ricerca,
    esiti_righe,
    esiti_testo,
    pdf,
    durata_totale,
    nel_processo,
):
    from home.bulk import presenti

    m = macchina(config, carico)
    dati = presenti()
    out = [
        "# Benchmark",
        "",
        f"Scritto da `make bench` (`scripts/bench.py`) il {data:%Y-%m-%d %H:%M} UTC: ogni cifra è stata misurata "
        "in quell'esecuzione, su questa macchina. Rilanciare `make bench` riscrive il file.",
        "",
        "## Macchina e configurazione",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in m.items()],
        f"| server | gunicorn, {config.workers} worker sync, impostazioni di produzione (`scripts/bench_settings.py`: DEBUG off, "
        "connessioni persistenti al database), HTTP su 127.0.0.1 |",
        f"| carico | {config.connessioni} connessioni, {config.durata:g} s per misura, sulla stessa macchina del server |",
        f"| dati | {visibili} esiti visibili, "
        + ", ".join(f"{v} {k}" for k, v in dati.items() if k != "esiti")
        + " di prova (`generate_bulk`), più i dati dimostrativi |",
        f"| generazione dei dati | {f'{secondi_dati:.0f} s' if secondi_dati is not None else 'già presenti (database riusato)'} |",
        f"| durata dell'esecuzione | {durata_totale / 60:.1f} min |",
        "",
        "## Pagine",
        "",
        "Pavimento (*floor*): una vista Django che restituisce byte precalcolati della stessa dimensione della "
        'pagina, con lo stesso middleware e lo stesso server (`scripts/bench_urls.py`). "senza cache": cache delle '
        'pagine spenta (`SCT_CACHE_PAGINE=0`), la vista fa tutto il suo lavoro; "in cache": anonimo servito da '
        "`sct_site/cache/pagine.py`. Pagina e pavimento sono misurati a giri alterni "
        f"({config.giri} giri di {max(1, round(config.durata / config.giri))} s ciascuno, nella stessa fase del server), "
        "perché vedano le stesse condizioni della macchina; rapporto = mediana dei rapporti per giro tra le "
        "richieste/s della pagina e quelle del pavimento; req/s = media dei giri, latenze = mediana dei giri.",
        "",
        "| pagina | byte | senza cache req/s | p50 ms | p95 ms | pavimento req/s | rapporto | in cache req/s | p50 ms | p95 ms | pavimento req/s | rapporto in cache |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    obiettivi = []
    for nome, r in risultati.items():
        if r.get("esportazione"):
            continue
        s, f, c = r["senza_cache"], r["pavimento"], r.get("con_cache")
        rapporto_s = r["rapporto"]
        celle_c = ["–", "–", "–", "–", "–"]
        errori = s["errori"] + f["errori"]
        if c:
            fc, rapporto_c = r["pavimento_cache"], r["rapporto_cache"]
            celle_c = [f"{c['rps']:.0f}", _ms(c["p50"]), _ms(c["p95"]), f"{fc['rps']:.0f}", f"{rapporto_c:.0%}"]
            obiettivi.append((f"{nome}, in cache ≥ 70% del pavimento", rapporto_c >= 0.70, f"{rapporto_c:.0%}"))
            errori += c["errori"] + fc["errori"]
        if not r.get("riservata"):
            obiettivi.append((f"{nome}, senza cache ≥ 15% del pavimento", rapporto_s >= 0.15, f"{rapporto_s:.1%}"))
        nota = f" ({errori} errori)" if errori else ""
        out.append(
            f"| {nome}{nota} | {r['byte']} | {s['rps']:.1f} | {_ms(s['p50'])} | {_ms(s['p95'])} | {f['rps']:.0f} | "
            f"{rapporto_s:.1%} | " + " | ".join(celle_c) + " |"
        )
    out += [
        "",
        "Le pagine dell'aderente sono misurate con la sessione di un accesso vero dal modulo di login "
        "(utente dimostrativo `aderente`); non passano mai dalla cache.",
        "",
        "### Dove va il tempo (nel processo, senza HTTP né carico)",
        "",
        "Client di test di Django nel processo del benchmark, mediana di 15 richieste, stesse pagine e stesso "
        "database, cache delle pagine spenta; pavimento = la stessa vista dei byte precalcolati della stessa "
        "dimensione. Il tempo delle query è quello visto dal client del database.",
        "",
        "| pagina | ms | query | ms nelle query | pavimento ms | pavimento ÷ pagina |",
        "|---|---:|---:|---:|---:|---:|",
        *[
            f"| {nome} | {v['ms']:.1f} | {v['query']} | {v['ms_query']:.1f} | {v['pavimento_ms']:.2f} | "
            f"{v['pavimento_ms'] / v['ms']:.1%} |"
            for nome, v in nel_processo.items()
        ],
        "",
        "L'ultima colonna è il rapporto che la pagina avrebbe col pavimento se contasse solo il lavoro di Django "
        "nel processo: via HTTP si aggiungono a entrambi lo stesso server e la stessa rete, che lo avvicinano un "
        "po' a 1, ma una pagina che nel processo costa decine di volte il pavimento (instradamento di Wagtail, "
        "query, template) non arriva al 15% senza cache.",
        "",
        "## Dati aperti via HTTP",
        "",
        "Una richiesta alla volta, 3 richieste per export, corpo letto per intero dal client.",
        "",
        "| export | byte | mediana s | massimo s |",
        "|---|---:|---:|---:|",
    ]
    for nome, r in risultati.items():
        if r.get("esportazione"):
            s = r["senza_cache"]
            out.append(f"| {nome} | {r['byte']} | {s['p50'] / 1000:.2f} | {s['p95'] / 1000:.2f} |")
    if picco_rss:
        out += [
            "",
            f"Picco di memoria residente (VmHWM) del worker gunicorn più grande dopo pagine ed export: "
            f"**{picco_rss:.0f} MiB**.",
        ]
        obiettivi.append(
            (
                "picco di memoria residente di un worker durante gli export < 250 MB",
                picco_rss * 1.048576 < 250,
                f"{picco_rss * 1.048576:.0f} MB",
            )
        )
    out += ["", "## Export contro un dump grezzo (`scripts/bench_esiti.py`)", ""]
    if esiti_righe:
        grezzo = esiti_righe.get("dump grezzo values_list → csv.writer")
        out += [
            "| misura | righe | byte | min s | mediana s | picco MiB (tracemalloc) | × grezzo |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for nome, r in esiti_righe.items():
            out.append(
                f"| {nome} | {r['righe']} | {r['byte']} | {r['min_s']:.3f} | {r['mediana_s']:.3f} | "
                f"{r['picco_mib']:.1f} | {r['x_grezzo']:.2f} |"
            )
            if grezzo and (nome.startswith(("CSV", "OCDS", "L.190"))):
                obiettivi.append(
                    (f"{nome}: picco < 250 MB", r["picco_mib"] * 1.048576 < 250, f"{r['picco_mib']:.1f} MiB")
                )
                if "(tutti)" in nome:
                    obiettivi.append(
                        (f"{nome}: tempo ≤ 3× il dump grezzo", r["x_grezzo"] <= 3, f"{r['x_grezzo']:.2f}×")
                    )
        out += [
            "",
            "<details><summary>uscita completa</summary>",
            "",
            "```",
            esiti_testo.strip(),
            "```",
            "",
            "</details>",
        ]
    else:
        out += ["Non riuscito:", "", "```", (esiti_testo or "").strip()[-3000:], "```"]
    out += ["", "## Ricerca a testo libero (PostgreSQL)", ""]
    if ricerca:
        rapporto_r = ricerca["orm_p95"] / ricerca["grezzo_p95"]
        obiettivi.append(("ricerca: p95 ≤ 3× una tsquery grezza indicizzata", rapporto_r <= 3, f"{rapporto_r:.2f}×"))
        http_ricerca = risultati.get("esiti, ricerca a testo libero", {}).get("senza_cache")
        out += [
            "Le query della ricerca dell'elenco (conteggio + prima pagina), come le esegue la vista "
            "(`RicercaEsitiForm.filtra` e il queryset dell'ORM, senza le scelte dei filtri del modulo), contro lo "
            "stesso lavoro in SQL grezzo sul `tsvector` indicizzato "
            f"(`websearch_to_tsquery`), {ricerca['n']} esecuzioni ciascuna su {len(ricerca['termini'])} testi.",
            "",
            "| | p50 ms | p95 ms |",
            "|---|---:|---:|",
            f"| ORM (vista) | {ricerca['orm_p50']:.2f} | {ricerca['orm_p95']:.2f} |",
            f"| tsquery grezza | {ricerca['grezzo_p50']:.2f} | {ricerca['grezzo_p95']:.2f} |",
            f"| rapporto | | **{rapporto_r:.2f}×** |",
            "",
            "Risultati per testo: " + ", ".join(f"'{t}' {n}" for t, n in ricerca["termini"].items()) + ".",
            f"Indice GIN usato: {'sì' if ricerca['indice'] else '**no**'}. Piano del conteggio:",
            "",
            "```",
            *ricerca["piano"],
            "```",
        ]
        if http_ricerca:
            out += [
                "",
                f"La pagina intera via HTTP (senza cache): p95 {_ms(http_ricerca['p95'])} ms con "
                f"{config.connessioni} connessioni concorrenti.",
            ]
    else:
        out.append("Non misurata: il database non è PostgreSQL (su SQLite la ricerca è per parole con `icontains`).")
    out += ["", "## Scheda di sintesi (PDF, WeasyPrint)", ""]
    if pdf:
        out.append(
            f"{pdf['ritmo']:.1f} schede/s per processo (mediana {pdf['mediana_ms']} ms, "
            "`scripts/bench_scheda_sintesi.py 10`), cioè circa "
            f"{pdf['ritmo'] * (os.cpu_count() or 1):.0f} schede/s con un processo per core."
        )
    else:
        out.append("Non misurata (errore).")
    out += ["", "## Obiettivi della issue 10", "", "| obiettivo | misura | raggiunto |", "|---|---:|:---:|"]
    out += [f"| {nome} | {valore} | {'sì' if ok else '**no**'} |" for nome, ok, valore in obiettivi]
    out += [
        "",
        "Le query per pagina costanti al crescere dei dati sono verificate dai test "
        "(`tests/prestazioni/test_query_costanti.py`, N e 10×N record), non qui.",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    main()
