import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.pdf import pdf_firmato, pdf_firmato_da, pdf_semplice


def upload(nome="manifestazione.pdf", dati=None, content_type="application/pdf", da=None):
    """Signed by ``da`` (a user or username entitled to sign for the ente), by default by the RUP of Firenze."""
    if dati is None:
        dati = pdf_firmato_da(da) if da is not None else pdf_firmato()
    return SimpleUploadedFile(nome, dati, content_type=content_type)


@pytest.fixture
def url_sct(demo):
    return demo.sct.url


@pytest.fixture
def dati_passo1():
    def _dati(da=None, **extra):
        """``da``: who signs the documents (default: the RUP of Firenze)."""
        valori = {
            "ipotesi": "A",
            "importo": "12.345,67",
            "scadenza": "2026-10-02",
            "doc_manifestazione-interesse": upload(da=da),
        }
        valori.update(extra)
        return {k: v for k, v in valori.items() if v is not None}

    return _dati


@pytest.fixture
def dati_ipotesi_b(dati_passo1):
    """Passo 1 in ipotesi B: the piano and the progetto dei fabbisogni too. Its round 1 (the Data
    Protection Agreement, only for B) comes after the round 0 approval."""

    def _dati(da=None, **extra):
        documenti = {
            "doc_piano-fabbisogni": upload("piano.pdf", da=da),
            "doc_progetto-fabbisogni": upload("progetto.pdf", da=da),
        }
        return dati_passo1(da=da, **{"ipotesi": "B", **documenti, **extra})

    return _dati


def dpa(testo="DPA firmato"):
    """The round 1 upload of ipotesi B: the Data Protection Agreement."""
    return {"doc_data-protection-agreement": upload("dpa.pdf", pdf_firmato(testo))}


__all__ = ["upload", "pdf_firmato", "pdf_semplice"]
