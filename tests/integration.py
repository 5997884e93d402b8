"""Fixtures of the integration tests: the ANAC PCP simulator and a real Celery worker.

A test package uses them by importing them in its own ``conftest.py``::

    from tests.integration import *  # noqa: F401,F403

- ``simulatore_anac``: the simulator (its own process, SQLite in the run's temp dir), with faults
  and configuration reset before and after the test; ``settings.SCT_ANAC_BASE_URL`` points to it.
  Methods: ``guasto(servizio=…, tipo=…, …)``, ``config(**kwargs)``, ``reset()``, ``richieste(servizio)``,
  ``stato()``; attributes ``url``, ``porta``, ``db``.
- ``worker_celery``: a real ``celery -A sct_site worker`` process using THE TEST DATABASE (the
  SQLite test file, or the PostgreSQL test database) and the same broker as the test process
  (the filesystem broker in the run's temp dir, or ``CELERY_BROKER_URL``), on a queue of this run.
  One worker serves the whole session; around each test the queue is purged, and at the end the
  fixture waits for the running task and revokes the ones scheduled for later, so nothing leaks into
  the next test. ``worker_celery.attendi(condizione, timeout=…)`` polls until ``condizione()`` is
  true and fails with the tail of the worker's log otherwise.

Tests that use the worker must let it see their data: mark them
``@pytest.mark.django_db(transaction=True, serialized_rollback=True)`` and ask for the ``demo``
fixture (see ``tests/conftest.py``). The worker reads its ANAC settings from the environment given
at start (``SCT_ANAC_TIMEOUT=2``, ``SCT_ANAC_BACKOFF=0.2``, ``SCT_ANAC_BACKOFF_MAX=1``,
``SCT_ANAC_MAX_TENTATIVI=4``: fast retries); per-test ``settings`` changes do not reach it.
"""

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

__all__ = [
    "simulatore_anac",
    "worker_celery",
    "simulatore_pdnd",
    "worker_pdnd",
    "integrazione_simulatore_pdnd",
    "integrazione_worker_pdnd",
    "ChiaviPDND",
    "integrazione_simulatore",
    "integrazione_worker",
    "ProcessoSimulatore",
    "ProcessoWorker",
    "attendi",
]

BASE_DIR = Path(__file__).resolve().parent.parent
AMBIENTE_WORKER = {
    "SCT_ANAC_TIMEOUT": "2",
    "SCT_ANAC_TIMEOUT_CONNESSIONE": "2",
    "SCT_ANAC_BACKOFF": "0.2",
    "SCT_ANAC_BACKOFF_MAX": "1",
    "SCT_ANAC_MAX_TENTATIVI": "4",
}


def _muori_con_il_padre():
    """Child processes get SIGTERM if pytest dies without cleaning up (Linux only)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _cartella_run():
    return Path(os.environ.get("SCT_TEST_VAR_DIR") or tempfile.gettempdir())


def attendi(condizione, timeout=15.0, intervallo=0.1, messaggio="", diagnostica=None):
    """Poll ``condizione()`` until it returns a truthy value (returned), or fail after ``timeout``."""
    fine = time.monotonic() + timeout
    while True:
        valore = condizione()
        if valore:
            return valore
        if time.monotonic() > fine:
            dettagli = f"\n{diagnostica()}" if diagnostica else ""
            pytest.fail(f"Condizione non raggiunta entro {timeout:g} s: {messaggio}{dettagli}")
        time.sleep(intervallo)


def _termina(processo, attesa=10):
    if processo is None or processo.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(processo.pid, signal.SIGTERM)
    try:
        processo.wait(attesa)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(processo.pid, signal.SIGKILL)
        processo.wait(5)


class ProcessoSimulatore:
    """The simulator in its own process: ``ProcessoSimulatore(db).avvia()`` … ``.ferma()``."""

    def __init__(self, db, porta=0, argomenti=()):
        self.db = Path(db)
        self.porta = porta
        self.argomenti = list(argomenti)
        self.processo = None
        self.log = self.db.with_suffix(".log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.porta}/pcp/"

    @property
    def admin(self):
        return f"http://127.0.0.1:{self.porta}/__sim__/"

    def avvia(self, timeout=15):
        self.db.parent.mkdir(parents=True, exist_ok=True)
        uscita = open(self.log, "w")  # the child keeps its own copy
        self.processo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "anac.simulatore",
                "--port",
                str(self.porta),
                "--db",
                str(self.db),
                "--log-level",
                "WARNING",
                *self.argomenti,
            ],
            cwd=BASE_DIR,
            stdout=uscita,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_muori_con_il_padre,
        )
        uscita.close()
        fine = time.monotonic() + timeout
        while time.monotonic() < fine:
            testo = self.log.read_text() if self.log.exists() else ""
            if "in ascolto su" in testo:
                self.porta = int(testo.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])
                return self
            if self.processo.poll() is not None:
                break
            time.sleep(0.05)
        self.ferma()
        raise RuntimeError(f"Il simulatore ANAC non è partito:\n{self.log.read_text()}")

    def ferma(self):
        _termina(self.processo)

    @property
    def vivo(self):
        return self.processo is not None and self.processo.poll() is None

    def _post(self, azione, dati):
        risposta = requests.post(self.admin + azione, json=dati, timeout=10)
        risposta.raise_for_status()
        return risposta.json()

    def guasto(self, servizio="*", tipo="ko", **opzioni):
        """Inject a fault: ``tipo`` in ko, esito_ko, timeout, errore_http, duplicato, cig_ripetuto; options
        ``codice``, ``messaggio``, ``status``, ``ritardo``, ``volte`` (default 1, None = always)."""
        return self._post("guasti", {"servizio": servizio, "tipo": tipo, **opzioni})

    def config(self, **valori):
        return self._post("config", valori)

    def reset(self, dati=False):
        return self._post("reset", {"dati": dati})

    def stato(self):
        return requests.get(self.admin + "stato", timeout=10).json()

    def richieste(self, servizio=None):
        elenco = requests.get(self.admin + "richieste", timeout=10).json()["richieste"]
        return [r for r in elenco if servizio is None or r["servizio"] == servizio]


def _url_database():
    """The URL of the database the tests are using (pytest-django already switched to the test one)."""
    from django.db import connection

    impostazioni = connection.settings_dict
    if impostazioni["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(impostazioni['NAME']).resolve()}"
    utente = impostazioni.get("USER") or ""
    if impostazioni.get("PASSWORD"):
        utente = f"{utente}:{impostazioni['PASSWORD']}"
    host = impostazioni.get("HOST") or "127.0.0.1"
    porta = impostazioni.get("PORT") or 5432
    return f"postgres://{utente}@{host}:{porta}/{impostazioni['NAME']}"


class ProcessoWorker:
    """A real Celery worker on the test database and broker."""

    def __init__(self, ambiente=None):
        self.ambiente = dict(ambiente or {})
        self.processo = None
        self.log = _cartella_run() / f"celery-worker-{uuid.uuid4().hex[:8]}.log"
        self.coda = django_settings.CELERY_TASK_DEFAULT_QUEUE
        self.nome = f"test-{uuid.uuid4().hex[:8]}@%h"

    def avvia(self, timeout=60):
        from sct_site.celery import app

        ambiente = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sct_site.settings.test",
            "SCT_TEST_VAR_DIR": str(_cartella_run()),
            "DATABASE_URL": _url_database(),
            "PYTHONUNBUFFERED": "1",
            **AMBIENTE_WORKER,
            **self.ambiente,
        }
        uscita = open(self.log, "w")
        self.processo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sct_site",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                self.coda,
                "-n",
                self.nome,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=ambiente,
            stdout=uscita,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_muori_con_il_padre,
        )
        uscita.close()
        prova = app.send_task("sct_site.ping", queue=self.coda)
        fine = time.monotonic() + timeout
        while time.monotonic() < fine:
            if self.processo.poll() is not None:
                break
            if prova.ready():
                if prova.get(timeout=5) == "pong":
                    return self
                break
            time.sleep(0.1)
        self.ferma()
        raise RuntimeError(f"Il worker Celery non risponde:\n{self.coda_log()}")

    def ferma(self):
        _termina(self.processo, attesa=15)

    @property
    def vivo(self):
        return self.processo is not None and self.processo.poll() is None

    def coda_log(self, righe=60):
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-righe:])

    def _ispeziona(self):
        from sct_site.celery import app

        return app.control.inspect(destination=[self.nome.replace("%h", _hostname())], timeout=2)

    def quiete(self, timeout=20):
        """Wait for the running task to end and revoke those scheduled for later (retries)."""
        from sct_site.celery import app

        ispettore = self._ispeziona()
        fine = time.monotonic() + timeout
        while time.monotonic() < fine:
            attivi = (ispettore.active() or {}).values()
            if not any(attivi):
                break
            time.sleep(0.1)
        for elenco in (ispettore.scheduled() or {}).values():
            for voce in elenco:
                app.control.revoke(voce["request"]["id"])
        for elenco in (ispettore.reserved() or {}).values():
            for voce in elenco:
                app.control.revoke(voce["id"])
        app.control.purge()

    def attendi(self, condizione, timeout=20.0, messaggio=""):
        return attendi(
            condizione,
            timeout=timeout,
            messaggio=messaggio,
            diagnostica=lambda: f"--- log del worker ---\n{self.coda_log()}",
        )


def _hostname():
    import socket

    return socket.gethostname()


_CONDIVISI = {}


def _simulatore_condiviso():
    simulatore = _CONDIVISI.get("simulatore")
    if simulatore is None or not simulatore.vivo:
        simulatore = ProcessoSimulatore(_cartella_run() / f"anac-simulatore-{uuid.uuid4().hex[:6]}.sqlite3").avvia()
        _CONDIVISI["simulatore"] = simulatore
    return simulatore


def _worker_condiviso(simulatore, ambiente=None):
    """One worker at a time (they share the queue): restarted when it must talk to another simulator
    or with another authentication (``ambiente``: e.g. the PDND settings)."""
    ambiente = {"SCT_ANAC_BASE_URL": simulatore.url, **(ambiente or {})}
    worker = _CONDIVISI.get("worker")
    if worker is not None and worker.ambiente != ambiente:
        worker.ferma()  # the simulator was restarted on another port, or the mode changed
    if worker is None or not worker.vivo or worker.ambiente != ambiente:
        worker = ProcessoWorker(ambiente).avvia()
        _CONDIVISI["worker"] = worker
    return worker


@atexit.register
def _ferma_tutto():
    for chiave in ("worker", "simulatore", "simulatore_pdnd"):
        processo = _CONDIVISI.pop(chiave, None)
        if processo is not None:
            processo.ferma()


@pytest.fixture(scope="session")
def integrazione_simulatore():
    """The session's simulator process (shared by every package that imports these fixtures)."""
    yield _simulatore_condiviso()
    processo = _CONDIVISI.pop("simulatore", None)
    if processo is not None:
        processo.ferma()


@pytest.fixture(scope="session")
def integrazione_worker(django_db_setup, integrazione_simulatore):
    """The session's worker; stopped before the test database is destroyed."""
    yield _worker_condiviso(integrazione_simulatore)
    processo = _CONDIVISI.pop("worker", None)
    if processo is not None:
        processo.ferma()


@pytest.fixture
def simulatore_anac(integrazione_simulatore, settings):
    simulatore = _simulatore_condiviso()
    simulatore.reset()
    settings.SCT_ANAC_BASE_URL = simulatore.url
    yield simulatore
    if simulatore.vivo:
        simulatore.reset()


@pytest.fixture
def worker_celery(integrazione_worker, simulatore_anac, transactional_db):
    from sct_site.celery import app

    worker = _worker_condiviso(simulatore_anac)
    app.control.purge()
    yield worker
    if worker.vivo:
        worker.quiete()


# ---- PDND mode (SCT_ANAC_AUTH=pdnd): the simulator is also the authorization server -----------


class ChiaviPDND:
    """The keys of a PDND test run, generated in the run's temp dir (never in the repository): the
    platform's key pair (its public key registered in the simulator) and the simulator's own key
    (so that tests can forge vouchers)."""

    CLIENT_ID = "sct-negozio-test"
    KID = "chiave-test-1"
    PURPOSE_ID = "finalita-pcp-test"
    AUDIENCE_PCP = "https://pcp.simulatore.local/pcp"
    AUDIENCE_TOKEN = "https://auth.simulatore.local/client-assertion"

    def __init__(self, cartella):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.cartella = Path(cartella)
        self.cartella.mkdir(parents=True, exist_ok=True)
        pem = {
            "format": serialization.PrivateFormat.PKCS8,
            "encoding": serialization.Encoding.PEM,
            "encryption_algorithm": serialization.NoEncryption(),
        }
        for nome in ("client", "simulatore", "estranea"):
            chiave = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            (self.cartella / f"{nome}.pem").write_bytes(chiave.private_bytes(**pem))
            (self.cartella / f"{nome}.pub.pem").write_bytes(
                chiave.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            )

    def privata(self, nome="client"):
        return (self.cartella / f"{nome}.pem").read_text()

    def argomenti(self, durata_voucher=600):
        return [
            "--pdnd",
            "--pdnd-chiave-pubblica",
            str(self.cartella / "client.pub.pem"),
            "--pdnd-client-id",
            self.CLIENT_ID,
            "--pdnd-purpose-id",
            self.PURPOSE_ID,
            "--pdnd-audience",
            self.AUDIENCE_PCP,
            "--pdnd-audience-token",
            self.AUDIENCE_TOKEN,
            "--pdnd-chiave",
            str(self.cartella / "simulatore.pem"),
            "--pdnd-durata-voucher",
            str(durata_voucher),
        ]

    def ambiente(self, simulatore):
        """The settings of the platform (environment of the worker, Django settings of the test)."""
        return {
            "SCT_ANAC_AUTH": "pdnd",
            "SCT_PDND_TOKEN_URL": f"http://127.0.0.1:{simulatore.porta}/token",
            "SCT_PDND_AUDIENCE": self.AUDIENCE_TOKEN,
            "SCT_PDND_CLIENT_ID": self.CLIENT_ID,
            "SCT_PDND_KID": self.KID,
            "SCT_PDND_PURPOSE_ID": self.PURPOSE_ID,
            "SCT_PDND_CHIAVE_PRIVATA": str(self.cartella / "client.pem"),
            "SCT_ANAC_AUDIENCE": self.AUDIENCE_PCP,
        }


def _simulatore_pdnd_condiviso():
    simulatore = _CONDIVISI.get("simulatore_pdnd")
    if simulatore is None or not simulatore.vivo:
        chiavi = ChiaviPDND(_cartella_run() / f"pdnd-{uuid.uuid4().hex[:6]}")
        simulatore = ProcessoSimulatore(
            _cartella_run() / f"anac-simulatore-pdnd-{uuid.uuid4().hex[:6]}.sqlite3", argomenti=chiavi.argomenti()
        ).avvia()
        simulatore.chiavi = chiavi
        _CONDIVISI["simulatore_pdnd"] = simulatore
    return simulatore


@pytest.fixture(scope="session")
def integrazione_simulatore_pdnd():
    yield _simulatore_pdnd_condiviso()
    processo = _CONDIVISI.pop("simulatore_pdnd", None)
    if processo is not None:
        processo.ferma()


@pytest.fixture
def simulatore_pdnd(integrazione_simulatore_pdnd, settings):
    """The simulator in PDND mode; this process's settings use ``SCT_ANAC_AUTH=pdnd`` with the test keys
    (``simulatore_pdnd.chiavi``: :class:`ChiaviPDND`)."""
    simulatore = _simulatore_pdnd_condiviso()
    simulatore.reset()
    settings.SCT_ANAC_BASE_URL = simulatore.url
    for nome, valore in simulatore.chiavi.ambiente(simulatore).items():
        setattr(settings, nome, valore)
    yield simulatore
    if simulatore.vivo:
        simulatore.reset()


@pytest.fixture(scope="session")
def integrazione_worker_pdnd(django_db_setup):
    """Stops the worker (whichever mode it is in) before the test database is destroyed."""
    yield
    processo = _CONDIVISI.pop("worker", None)
    if processo is not None:
        processo.ferma()


@pytest.fixture
def worker_pdnd(integrazione_worker_pdnd, simulatore_pdnd, transactional_db):
    """The real worker, started with the PDND settings (it replaces the session's other worker)."""
    from sct_site.celery import app

    worker = _worker_condiviso(simulatore_pdnd, simulatore_pdnd.chiavi.ambiente(simulatore_pdnd))
    app.control.purge()
    yield worker
    if worker.vivo:
        worker.quiete()
