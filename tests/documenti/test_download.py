"""risposta_download: headers, audit, integrity."""

from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from audit.models import VoceAudit
from documenti.validazione import valida_e_salva
from documenti.views import content_disposition, risposta_download

from . import campioni as c


def _richiesta(utente):
    richiesta = RequestFactory().get("/qualunque/", REMOTE_ADDR="10.1.2.3")
    richiesta.user = utente
    return richiesta


def _corpo(risposta):
    return b"".join(risposta.streaming_content)


def test_download_pdf_intestazioni_e_audit(demo):
    utente = demo.user("aderente")
    documento = valida_e_salva(
        c.NomeGrezzo(c.pades(), 'Délibera "n°12"; città.pdf'), utente=utente, firma_richiesta=True
    )
    risposta = risposta_download(_richiesta(utente), documento)
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/pdf"
    assert risposta["X-Content-Type-Options"] == "nosniff"
    assert risposta["Cache-Control"] == "private, no-store"
    assert risposta["Content-Length"] == str(len(c.pades()))
    disposizione = risposta["Content-Disposition"]
    assert disposizione.startswith('attachment; filename="Delibera _n12__ citta.pdf"; ')
    assert disposizione.endswith("filename*=UTF-8''" + quote('Délibera "n°12"; città.pdf', safe=""))
    assert _corpo(risposta) == c.pades()
    voce = VoceAudit.objects.filter(azione="documento.scaricato", object_id=str(documento.pk)).get()
    assert voce.utente == utente and voce.ip == "10.1.2.3"


def test_download_inline_solo_per_pdf(demo):
    pdf = valida_e_salva(SimpleUploadedFile("a.pdf", c.pades()), utente=None, firma_richiesta=True)
    p7m = valida_e_salva(SimpleUploadedFile("a.pdf.p7m", c.cades()), utente=None, firma_richiesta=True)
    richiesta = _richiesta(demo.user("banditore"))
    assert risposta_download(richiesta, pdf, inline=True)["Content-Disposition"].startswith("inline; ")
    risposta = risposta_download(richiesta, p7m, inline=True)
    assert risposta["Content-Type"] == "application/pkcs7-mime"
    assert risposta["Content-Disposition"].startswith('attachment; filename="a.pdf.p7m"')
    assert _corpo(risposta) == c.cades()


def test_download_file_alterato_nell_archivio_rifiutato(demo):
    documento = valida_e_salva(SimpleUploadedFile("a.pdf", c.pades()), utente=None, firma_richiesta=True)
    percorso = settings.PRIVATE_STORAGE_ROOT / documento.file.name
    percorso.write_bytes(c.pades_manomesso())
    risposta = risposta_download(_richiesta(demo.user("aderente")), documento)
    assert risposta.status_code == 409
    assert "controllo di integrità" in risposta.content.decode()
    assert c.pades_manomesso() not in risposta.content
    assert VoceAudit.objects.filter(azione="documento.integrita_violata", object_id=str(documento.pk)).exists()
    assert not VoceAudit.objects.filter(azione="documento.scaricato", object_id=str(documento.pk)).exists()


def test_download_file_mancante_404_senza_eccezione(demo):
    documento = valida_e_salva(SimpleUploadedFile("a.pdf", c.pades()), utente=None, firma_richiesta=True)
    (settings.PRIVATE_STORAGE_ROOT / documento.file.name).unlink()
    risposta = risposta_download(_richiesta(demo.user("aderente")), documento)
    assert risposta.status_code == 404
    assert "non è disponibile" in risposta.content.decode()


def test_content_disposition_non_permette_iniezioni():
    valore = content_disposition('x";\r\nSet-Cookie: a=b.pdf')
    assert "\r" not in valore and "\n" not in valore
    assert valore.startswith(
        "attachment; filename=\"x____Set-Cookie_ a_b.pdf\"; filename*=UTF-8''x%22%3B%0D%0ASet-Cookie"
    )
