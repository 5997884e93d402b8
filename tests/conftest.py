"""Shared fixtures.

The demo data of the manual is loaded once per session (``django_db_setup``); ordinary tests run
inside a transaction and see it. Tests marked ``django_db(transaction=True,
serialized_rollback=True)`` (integration tests with a real worker) get the migrated database back
afterwards and should ask for the ``demo`` fixture, which reloads the demo data when missing.
"""

import pytest
from django.contrib.auth import get_user_model

from home.demo import SCT_SLUG, SECONDO_SLUG, DemoLoader


@pytest.fixture(autouse=True)
def cache_vuote():
    """Every test starts with empty caches: values computed from rows a rolled-back test created (the
    version of the public data is in the cache, the database rolls back) must not reach the next."""
    from django.core.cache import caches

    from sct_site.cache import svuota_memoria_locale

    for cache in caches.all():
        cache.clear()
    svuota_memoria_locale()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        DemoLoader().run()


@pytest.fixture
def demo(db):
    from wagtail.models import Page

    from contratti.models import ContrattiIndexPage, ContrattoPage

    if not ContrattoPage.objects.filter(slug=SCT_SLUG).exists():
        DemoLoader().run()
    # A serialized rollback restores the migrated pages (numchild=0) on top of the session's demo
    # pages: treebeard would then see the index as a leaf and Wagtail would not route to contracts.
    indice = ContrattiIndexPage.objects.get()
    if indice.numchild != Page.objects.filter(path__startswith=indice.path, depth=indice.depth + 1).count():
        Page.fix_tree()
    return Demo()


class Demo:
    """Handy access to the demo objects."""

    @property
    def sct(self):
        from contratti.models import ContrattoPage

        return ContrattoPage.objects.get(slug=SCT_SLUG)

    @property
    def secondo(self):
        from contratti.models import ContrattoPage

        return ContrattoPage.objects.get(slug=SECONDO_SLUG)

    def user(self, username):
        return get_user_model().objects.get(username=username)

    def ente(self, codice_fiscale):
        from organizzazioni.models import Ente

        return Ente.objects.get(codice_fiscale=codice_fiscale)

    @property
    def firenze(self):
        return self.ente("01307110484")

    @property
    def prato(self):
        return self.ente("84006890481")

    @property
    def regione(self):
        return self.ente("01386030488")


@pytest.fixture
def client_as(client, demo):
    """``client_as("aderente")`` logs the demo user in and returns the client."""

    def _login(username):
        client.force_login(demo.user(username))
        return client

    return _login


@pytest.fixture
def celery_eager():
    """Run Celery tasks in this process (same code, retries included), e.g. so the locmem outbox sees
    e-mails. Integration tests use the real worker instead (tests/integration.py)."""
    from pathlib import Path

    from sct_site.celery import app

    if str(app.conf.result_backend or "").startswith("file://"):
        Path(app.conf.result_backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
    prima = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = prima


@pytest.fixture
def commit(django_capture_on_commit_callbacks, celery_eager):
    """``with commit(): …`` runs the on-commit callbacks (e-mails, tasks) at the end of the block."""

    def _commit():
        return django_capture_on_commit_callbacks(execute=True)

    return _commit


@pytest.fixture
def outbox():
    from django.core import mail

    mail.outbox = []
    return mail.outbox


@pytest.fixture
def conta_archivio(db):
    """``conta_archivio()`` → (DocumentoPrivato rows, files under the private storage root)."""
    from django.conf import settings

    from documenti.models import DocumentoPrivato

    def _conta():
        radice = settings.PRIVATE_STORAGE_ROOT
        files = sum(1 for p in radice.rglob("*") if p.is_file()) if radice.exists() else 0
        return DocumentoPrivato.objects.count(), files

    return _conta
