from pathlib import Path

import pytest
from django.core import mail


@pytest.fixture
def celery_eager():
    """Run the Celery tasks in this process (same code, retries included) so the locmem outbox sees them."""
    from sct_site.celery import app

    # Celery opens its result backend even for eager tasks: the embedded default's folder must exist.
    if str(app.conf.result_backend or "").startswith("file://"):
        Path(app.conf.result_backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
    prima = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = prima


@pytest.fixture
def commit(django_capture_on_commit_callbacks, celery_eager):
    """``with commit(): …`` runs the on-commit callbacks (the e-mails) at the end of the block."""

    def _commit():
        return django_capture_on_commit_callbacks(execute=True)

    return _commit


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox
