"""Wagtail's public documents uploaded by the editors in the admin pass the same content checks as
the private uploads: the admin's upload views refuse HTML named .pdf, programs, archives, broken or
encrypted PDFs and files over the limit, and store nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

from . import campioni

pytestmark = pytest.mark.django_db
Documento = get_document_model()

URL_AGGIUNGI = "/admin/documents/add/"
URL_AGGIUNGI_MULTIPLI = "/admin/documents/multiple/add/"

NON_AMMESSI = {
    "html_come_pdf": ("offerta.pdf", campioni.HTML, "il contenuto è una pagina HTML"),
    "exe_come_pdf": ("modello.pdf", campioni.EXE, "programma eseguibile"),
    "exe": ("setup.exe", campioni.EXE, "estensione"),
    "zip_come_pdf": ("modelli.pdf", campioni.zip_con_pdf(), "gli archivi non sono ammessi"),
    "pdf_cifrato": ("cifrato.pdf", campioni.pdf_cifrato(), "protetto da password"),
    "pdf_troncato": ("troncato.pdf", campioni.pdf()[:400], "non è un PDF valido"),
    "svg_come_pdf": ("logo.pdf", campioni.SVG, "Sono ammessi solo"),
}


def _file(nome, dati):
    return SimpleUploadedFile(nome, dati, content_type="application/pdf")


def _dati(nome, dati):
    return {"title": "Modello", "collection": Collection.get_first_root_node().pk, "file": _file(nome, dati)}


@pytest.mark.parametrize("caso", list(NON_AMMESSI))
def test_upload_singolo_rifiuta_i_file_non_ammessi(client_as, caso):
    nome, dati, messaggio = NON_AMMESSI[caso]
    client = client_as("editor")
    prima = Documento.objects.count()
    risposta = client.post(URL_AGGIUNGI, _dati(nome, dati))
    assert risposta.status_code == 200  # the form again, with the message
    assert messaggio in risposta.content.decode()
    assert Documento.objects.count() == prima


@pytest.mark.parametrize("caso", ["html_come_pdf", "exe_come_pdf", "zip_come_pdf"])
def test_upload_multiplo_rifiuta_i_file_non_ammessi(client_as, caso):
    nome, dati, messaggio = NON_AMMESSI[caso]
    client = client_as("editor")
    prima = Documento.objects.count()
    risposta = client.post(URL_AGGIUNGI_MULTIPLI, {"files[]": _file(nome, dati)})
    risposta_json = json.loads(risposta.content)
    assert risposta_json["success"] is False and messaggio in risposta_json["error_message"]
    assert Documento.objects.count() == prima


def test_file_oltre_il_limite_rifiutato(client_as, settings):
    settings.SCT_MAX_UPLOAD_BYTES = 50_000
    grande = campioni.pdf() + b"%" + b"x" * 60_000 + b"\n%%EOF\n"
    prima = Documento.objects.count()
    risposta = client_as("editor").post(URL_AGGIUNGI, _dati("grande.pdf", grande))
    assert "supera la dimensione massima consentita" in risposta.content.decode()
    assert Documento.objects.count() == prima


def test_pdf_e_p7m_accettati(client_as):
    client = client_as("editor")
    risposta = client.post(URL_AGGIUNGI, _dati("modello.pdf", campioni.pdf()))
    assert risposta.status_code == 302
    assert Documento.objects.filter(title="Modello").count() == 1
    risposta = client.post(URL_AGGIUNGI_MULTIPLI, {"files[]": _file("modello firmato.pdf.p7m", campioni.cades())})
    assert json.loads(risposta.content)["success"] is True


def test_i_tipi_ammessi_sono_scritti_nel_modulo(client_as):
    client = client_as("editor")
    for url in (URL_AGGIUNGI, URL_AGGIUNGI_MULTIPLI):
        pagina = client.get(url).content.decode()
        assert "Tipi ammessi: documento PDF, oppure file firmato digitalmente .p7m" in pagina, url
