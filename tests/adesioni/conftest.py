import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.pdf import pdf_firmato, pdf_semplice


def upload(nome="manifestazione.pdf", dati=None, content_type="application/pdf"):
    return SimpleUploadedFile(nome, pdf_firmato() if dati is None else dati, content_type=content_type)


@pytest.fixture
def url_sct(demo):
    return demo.sct.url


@pytest.fixture
def dati_passo1():
    def _dati(**extra):
        valori = {"ipotesi": "A", "importo": "12.345,67", "scadenza": "2026-10-02", "doc_manifestazione-interesse": upload()}
        valori.update(extra)
        return {k: v for k, v in valori.items() if v is not None}

    return _dati


__all__ = ["upload", "pdf_firmato", "pdf_semplice"]
