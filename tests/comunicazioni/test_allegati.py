"""Private attachments: checked by content by ``documenti``, served only to who reads the message."""

import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comunicazioni.models import Allegato, Messaggio
from documenti.models import DocumentoPrivato

pytestmark = pytest.mark.django_db


def _pdf():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _file(nome, data, tipo="application/pdf"):
    return SimpleUploadedFile(nome, data, content_type=tipo)


def _scrivi(client, demo, allegati, **extra):
    return client.post(
        reverse("comunicazioni:scrivi", args=[demo.sct.pk]),
        {
            "destinatario": f"ente:{demo.firenze.pk}>banditore",
            "tipo": "comunicazione",
            "oggetto": "Con allegato",
            "testo": "In allegato il documento.",
            "allegati": allegati,
            **extra,
        },
    )


def test_allegato_pdf_salvato_e_scaricabile_solo_da_chi_legge(client, client_as, demo):
    dati = _pdf()
    risposta = _scrivi(client_as("aderente"), demo, [_file("Piano fabbisogni.pdf", dati)])
    assert risposta.status_code == 302
    [allegato] = Allegato.objects.filter(messaggio__oggetto="Con allegato")
    assert allegato.nome == "Piano fabbisogni.pdf"
    assert allegato.documento.caricato_da == demo.user("aderente")
    url = reverse("comunicazioni:allegato", args=[allegato.pk])

    html = client_as("banditore").get(reverse("comunicazioni:messaggio", args=[allegato.messaggio_id])).content.decode()
    assert url in html and "Piano fabbisogni.pdf" in html
    scaricato = client_as("banditore").get(url)
    assert scaricato.status_code == 200
    assert scaricato["Content-Type"] == "application/pdf"
    assert b"".join(scaricato.streaming_content) == dati
    for ruolo in ("aderente2", "oe", "oe2", "banditore2", "editor"):
        assert client_as(ruolo).get(url).status_code == 404, ruolo
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("allegati", "errore"),
    [
        (
            [("relazione.pdf", b"<html><body>non sono un pdf</body></html>", "application/pdf")],
            "Il file «relazione.pdf» non è un PDF: il contenuto è una pagina HTML.",
        ),
        ([("foto.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")], "non è un documento ammesso"),
        ([(f"doc{i}.pdf", None, "application/pdf") for i in range(6)], "Puoi allegare al massimo 5 file."),
        # a good file with a bad one: neither is stored
        (
            [("buono.pdf", None, "application/pdf"), ("cattivo.pdf", b"MZ\x90\x00eseguibile", "application/pdf")],
            "programma eseguibile Windows",
        ),
    ],
)
def test_allegato_non_ammesso_nulla_salvato(client_as, demo, commit, outbox, allegati, errore):
    messaggi, documenti = Messaggio.objects.count(), DocumentoPrivato.objects.count()
    files = [_file(nome, dati if dati is not None else _pdf(), tipo) for nome, dati, tipo in allegati]
    with commit():
        risposta = _scrivi(client_as("aderente"), demo, files)
    assert risposta.status_code == 400
    assert errore in risposta.content.decode()
    assert Messaggio.objects.count() == messaggi
    assert DocumentoPrivato.objects.count() == documenti
    assert outbox == []


def test_allegato_troppo_grande(client_as, demo, settings):
    settings.SCT_COMUNICAZIONI_MAX_BYTES_ALLEGATO = 200
    documenti = DocumentoPrivato.objects.count()
    risposta = _scrivi(client_as("aderente"), demo, [_file("grande.pdf", _pdf())])
    assert risposta.status_code == 400
    assert "supera la dimensione massima consentita" in risposta.content.decode()
    assert DocumentoPrivato.objects.count() == documenti


def test_allegato_nella_risposta(client_as, demo):
    _scrivi(client_as("aderente"), demo, [])
    domanda = Messaggio.objects.get(oggetto="Con allegato")
    risposta = client_as("banditore").post(
        reverse("comunicazioni:rispondi", args=[domanda.pk]),
        {"oggetto": "Re: Con allegato", "testo": "Ecco la risposta", "allegati": [_file("risposta.pdf", _pdf())]},
    )
    assert risposta.status_code == 302
    allegato = Allegato.objects.get(messaggio__risposta_a=domanda)
    assert client_as("aderente").get(reverse("comunicazioni:allegato", args=[allegato.pk])).status_code == 200
    assert client_as("aderente2").get(reverse("comunicazioni:allegato", args=[allegato.pk])).status_code == 404
