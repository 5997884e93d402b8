"""Fixtures of the documenti tests: the demo/test CA lives in the session's temp dir."""

import pytest
from django.conf import settings
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def _firma_prova_temporanea(tmp_path_factory):
    cartella = tmp_path_factory.mktemp("firma-prova")
    with override_settings(SCT_FIRMA_PROVA_DIR=str(cartella)):
        yield cartella


@pytest.fixture
def conta_archivio(db):
    """``conta_archivio()`` → (DocumentoPrivato rows, files under the private storage root)."""
    from documenti.models import DocumentoPrivato

    def _conta():
        radice = settings.PRIVATE_STORAGE_ROOT
        files = sum(1 for p in radice.rglob("*") if p.is_file()) if radice.exists() else 0
        return DocumentoPrivato.objects.count(), files

    return _conta
