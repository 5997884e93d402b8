"""Harness of the browser end-to-end suite: headless Chromium (Playwright for Python) against a live
server on the test database.

- The whole package is skipped, with the reason, when Chromium (``/usr/bin/chromium``, or
  ``SCT_CHROMIUM``) or the ``playwright`` package is missing; with ``SCT_BROWSER_OBBLIGATORIO=1``
  (CI) the same condition is an error instead.
- One browser for the package (``browser``), a new context per test (``nuovo_contesto()`` for a
  second user in the same test: each context has its own cookies).
- Live server: pytest-django's ``live_server`` (a free port), transactional database; tests are
  ``@pytest.mark.django_db(transaction=True, serialized_rollback=True)`` (see ``pytestmark`` in
  each module) and use ``demo`` to reload the demo data.
- ``sito``: the base URL and the helpers a scenario needs (``accedi``, ``accedi_spid``,
  ``controlla_accessibilita``, ``fotografa``), see ``Sito``.

The accessibility report is written to ``docs/accessibilita.md`` at the end of a session that ran the
whole package; on a partial run it goes to the run's temporary folder. Screenshots go to the run's
temporary folder, and to ``docs/screenshots/`` with ``SCT_AGGIORNA_SCREENSHOT=1``.
"""

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from tests.integration import *  # noqa: F401,F403  (worker_celery, simulatore_anac for the scenarios)

from .accessibilita import Rapporto
from .accessibilita import controlla as _controlla

CARTELLA = Path(__file__).resolve().parent
RADICE = CARTELLA.parent.parent
CHROMIUM = os.environ.get("SCT_CHROMIUM", "/usr/bin/chromium")
ARGOMENTI_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD_DEMO = "demo-sct-2025"
RAPPORTO_DOCS = RADICE / "docs" / "accessibilita.md"
SCREENSHOT_DOCS = RADICE / "docs" / "screenshots"
TIMEOUT_MS = 15_000

RAPPORTO = Rapporto()
_STATO = {"moduli": set(), "deselezionati": False, "browser": ""}


def motivo_salto():
    """Why the browser suite cannot run here, or '' when it can."""
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        return f"Chromium non trovato in {CHROMIUM} (apt-get install -y chromium, oppure SCT_CHROMIUM=percorso)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "il pacchetto Python playwright non è installato (pip install -r requirements-dev.txt)"
    return ""


def _in_questo_pacchetto(item):
    return CARTELLA in Path(str(item.path)).parents


def pytest_collection_modifyitems(config, items):
    motivo = motivo_salto()
    for item in items:
        if not _in_questo_pacchetto(item):
            continue
        item.add_marker(pytest.mark.browser)
        if motivo:
            if os.environ.get("SCT_BROWSER_OBBLIGATORIO") == "1":
                raise pytest.UsageError(f"Suite del browser obbligatoria (SCT_BROWSER_OBBLIGATORIO=1) ma: {motivo}")
            item.add_marker(pytest.mark.skip(reason=f"suite del browser saltata: {motivo}"))
            _STATO["saltata"] = motivo


def pytest_deselected(items):
    if any(_in_questo_pacchetto(i) for i in items):
        _STATO["deselezionati"] = True


def pytest_collection_finish(session):
    _STATO["moduli"] = {Path(str(i.path)).name for i in session.items if _in_questo_pacchetto(i)}


def _esecuzione_completa():
    tutti = {p.name for p in CARTELLA.glob("test_*.py")}
    return bool(tutti) and _STATO["moduli"] == tutti and not _STATO["deselezionati"]


def _cartella_run():
    import tempfile

    cartella = Path(os.environ.get("SCT_TEST_VAR_DIR") or tempfile.gettempdir()) / "browser"
    cartella.mkdir(parents=True, exist_ok=True)
    return cartella


def pytest_sessionfinish(session):
    if not RAPPORTO.controlli:
        return
    testo = RAPPORTO.markdown(versione_axe=getattr(RAPPORTO, "versione_axe", "?"), browser=_STATO["browser"])
    destinazione = RAPPORTO_DOCS if _esecuzione_completa() else _cartella_run() / "accessibilita.md"
    destinazione.write_text(testo, encoding="utf-8")
    _STATO["rapporto"] = destinazione


def pytest_terminal_summary(terminalreporter):
    if _STATO.get("saltata"):
        terminalreporter.write_line(
            f"ATTENZIONE: suite del browser (tests/browser) saltata: {_STATO['saltata']}", yellow=True, bold=True
        )
    if "rapporto" in _STATO:
        totali = RAPPORTO.totali()
        terminalreporter.write_line(
            f"Accessibilità: {len(RAPPORTO.controlli)} pagine controllate con axe-core; violazioni critiche "
            f"{totali['critical']}, gravi {totali['serious']}, moderate {totali['moderate']}, lievi {totali['minor']} "
            f"→ {_STATO['rapporto']}"
        )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rapporto = yield
    setattr(item, f"rapporto_{rapporto.when}", rapporto)
    return rapporto


# --- browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the whole package."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread. While it runs, Django
    # (1) takes the ORM calls of the tests for calls from async code, and (2) keeps the database
    # connections in context-local instead of thread-local storage, so this thread gets new
    # connection objects: they must carry what the test database setup left on the old ones
    # (the serialized contents that ``serialized_rollback`` restores). Only while the browser is up.
    prima = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    vecchie = {alias: connections[alias] for alias in connections}
    pw = sync_playwright().start()
    for alias, vecchia in vecchie.items():
        nuova = connections[alias]
        if nuova is not vecchia and hasattr(vecchia, "_test_serialized_contents"):
            nuova._test_serialized_contents = vecchia._test_serialized_contents
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGOMENTI_CHROMIUM, headless=True)
        _STATO["browser"] = f"Chromium {chromium.version} (headless)"
        yield chromium
        chromium.close()
    finally:
        pw.stop()
        if prima is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = prima


class ErroriPagina:
    """JavaScript errors, Content-Security-Policy violations and pages whose own forms would fail the
    CSRF check (``Referrer-Policy: no-referrer`` makes Chromium send ``Origin: null`` on a same-origin
    POST) seen by a context's pages."""

    def __init__(self):
        self.voci = []

    def segui(self, page):
        page.on("pageerror", lambda exc: self.voci.append(f"{page.url}: errore JavaScript: {exc}"))

        def risposta(risp):
            politica = (risp.headers.get("referrer-policy") or "").split(",")[-1].strip().lower()
            if risp.request.resource_type == "document" and politica == "no-referrer":
                self.voci.append(
                    f"{risp.url}: Referrer-Policy no-referrer (i POST della pagina arriverebbero con Origin: null)"
                )

        page.on("response", risposta)

        def console(messaggio):
            if messaggio.type == "error" and "Content Security Policy" in messaggio.text:
                self.voci.append(f"{page.url}: violazione CSP: {messaggio.text}")

        page.on("console", console)


@pytest.fixture
def nuovo_contesto(browser, request):
    """``nuovo_contesto()`` → a fresh page in a new browser context (own cookies), closed after the
    test; on failure a screenshot and the HTML of each page go to the run's temporary folder."""
    contesti = []
    errori = ErroriPagina()

    def _nuovo():
        contesto = browser.new_context(
            viewport=VIEWPORT,
            locale="it-IT",
            timezone_id="Europe/Rome",
            accept_downloads=True,
        )
        contesto.set_default_timeout(TIMEOUT_MS)
        contesto.on("page", errori.segui)
        contesti.append(contesto)
        return contesto.new_page()

    yield _nuovo
    fallito = getattr(request.node, "rapporto_call", None)
    if fallito is not None and fallito.failed:
        cartella = _cartella_run()
        for n, contesto in enumerate(contesti):
            for m, pagina in enumerate(contesto.pages):
                base = cartella / f"{request.node.name}-{n}-{m}"
                with contextlib.suppress(Exception):
                    pagina.screenshot(path=f"{base}.png")
                    Path(f"{base}.html").write_text(pagina.content(), encoding="utf-8")
        print(f"Pagine del test fallito salvate in {cartella}")  # noqa: T201
    for contesto in contesti:
        contesto.close()
    if errori.voci and not (fallito is not None and fallito.failed):
        pytest.fail("Errori nel browser:\n" + "\n".join(errori.voci), pytrace=False)


@pytest.fixture
def pagina(nuovo_contesto):
    """A page in a new context, for a test with a single user."""
    return nuovo_contesto()


# --- live server and helpers ---------------------------------------------------------------------


class Sito:
    """The live site and the helpers of the scenarios. ``sito.url("/contratti/")`` is absolute."""

    def __init__(self, base):
        self.base = base.rstrip("/")

    def url(self, percorso="/"):
        return percorso if percorso.startswith("http") else self.base + percorso

    def vai(self, page, percorso="/"):
        risposta = page.goto(self.url(percorso))
        assert risposta is not None and risposta.ok, f"{percorso}: HTTP {risposta and risposta.status}"
        return risposta

    def accedi(self, page, username, password=PASSWORD_DEMO, prossima=""):
        """Log in through the real login form ("Accedi all'area riservata")."""
        from playwright.sync_api import expect

        self.vai(page, "/account/accedi/" + (f"?next={prossima}" if prossima else ""))
        page.get_by_label("Nome utente").fill(username)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Accedi", exact=True).click()
        expect(page.get_by_role("button", name=f"Esci ({_nome_completo(username)})")).to_be_visible()
        page.ruolo_sct = username
        return page

    def accedi_spid(self, page, username, livello=2, prossima=""):
        """Log in with the simulated SPID (demo and tests only): from the login page, "Entra con SPID
        simulato (demo)", pick the demo identity and the level."""
        from playwright.sync_api import expect

        self.vai(page, "/account/accedi/" + (f"?next={prossima}" if prossima else ""))
        page.get_by_role("link", name="Entra con SPID simulato (demo)").click()
        page.get_by_label("Identità dimostrativa").select_option(label=_etichetta_spid(username))
        page.get_by_label(f"Livello {livello}", exact=False).check()
        page.get_by_role("button", name="Entra con SPID simulato").click()
        expect(page.get_by_role("button", name=f"Esci ({_nome_completo(username)})")).to_be_visible()
        page.ruolo_sct = f"{username} (SPID)"
        return page

    def controlla_accessibilita(self, page, nome, noti=None):
        """axe-core on the current page (see ``accessibilita.controlla``)."""
        return _controlla(page, nome, rapporto=RAPPORTO, ruolo=getattr(page, "ruolo_sct", "anonimo"), noti=noti)

    def fotografa(self, page, nome, *, da=None):
        """A screenshot of the viewport (1280 wide) as ``<nome>.png``: in the run's folder, and in
        ``docs/screenshots/`` when ``SCT_AGGIORNA_SCREENSHOT=1``. ``da``: a locator scrolled to the top
        of the viewport first (a part of a long page)."""
        percorso = _cartella_run() / "screenshots" / f"{nome}.png"
        percorso.parent.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("networkidle")
        if da is not None:
            da.evaluate("e => e.scrollIntoView({block: 'start', behavior: 'instant'})")
        page.screenshot(path=str(percorso), full_page=False, animations="disabled", caret="hide")
        if os.environ.get("SCT_AGGIORNA_SCREENSHOT") == "1":
            SCREENSHOT_DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(percorso, SCREENSHOT_DOCS / f"{nome}.png")
        return percorso


def _nome_completo(username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    return user.get_full_name() or user.username


def _etichetta_spid(username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.select_related("profilo").get(username=username)
    return f"{user.get_full_name() or user.username} ({user.username}) – C.F. {user.profilo.codice_fiscale}"


_PACCHETTO = {"database_ripristinato": False}


def _ripristina_database():
    """Flush, restore the migrated data and reload the demo, as between two transactional tests.

    Needed once, before the first browser test: the session loads the demo before any test
    (``tests/conftest.py``) and the first ``serialized_rollback`` test restores the serialized
    migrated rows *over* it, so pages and collections keep the ``numchild`` of an empty tree
    (Wagtail then answers 404 for every contract page)."""
    from django.core.management import call_command
    from django.db import connections

    from home.demo import DemoLoader

    connessione = connections["default"]
    # As TransactionTestCase does: the restored rows keep their ids, so the sequences must not
    # restart from 1 (PostgreSQL would hand out those ids again).
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
    connessione.creation.deserialize_db_from_string(connessione._test_serialized_contents)
    DemoLoader().run()


@pytest.fixture
def sito(live_server, transactional_db, request):
    """The live server with the demo data loaded. The caches are emptied first: the live server runs
    in this process, and Wagtail keeps page paths and site roots in the cache, which a reloaded demo
    (new ids) makes stale."""
    from django.core.cache import caches

    if not _PACCHETTO["database_ripristinato"]:
        _ripristina_database()
        _PACCHETTO["database_ripristinato"] = True
    request.getfixturevalue("demo")
    for cache in caches.all():
        cache.clear()
    return Sito(live_server.url)
