"""Fixtures of the documenti tests: the demo/test CA lives in the session's temp dir."""

import pytest
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def _firma_prova_temporanea(tmp_path_factory):
    cartella = tmp_path_factory.mktemp("firma-prova")
    with override_settings(SCT_FIRMA_PROVA_DIR=str(cartella)):
        yield cartella
