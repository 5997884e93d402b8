"""DocumentoField and salva_campo: per-field errors without a 500, nothing stored."""

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from documenti.forms import DocumentoField, salva_campo

from . import campioni as c


class AllegatoForm(forms.Form):
    allegato = DocumentoField(label="Manifestazione di interesse", firma_richiesta=True, max_bytes=100_000)


def _form(nome, data):
    return AllegatoForm(data={}, files=MultiValueDict({"allegato": [SimpleUploadedFile(nome, data)]}))


def test_campo_controlla_solo_presenza_e_dimensione(demo):
    form = AllegatoForm(data={}, files=MultiValueDict())
    assert not form.is_valid() and form.errors["allegato"] == ["Seleziona il file da caricare."]
    form = _form("grande.pdf", b"%PDF-" + b"x" * 100_001)
    assert not form.is_valid()
    assert form.errors["allegato"] == ["Il file «grande.pdf» supera la dimensione massima consentita di 97 KB."]
    # The content is not looked at here: HTML passes the field, and is refused by salva_campo.
    assert _form("a.pdf", c.HTML).is_valid()


def test_widget_accetta_pdf_e_p7m():
    html = str(AllegatoForm()["allegato"])
    assert 'accept=".pdf,.p7m,application/pdf,application/pkcs7-mime"' in html
    assert AllegatoForm().fields["allegato"].help_text == "PDF firmato digitalmente (PAdES) o file .p7m (CAdES)."


def test_salva_campo_errore_sul_campo_e_nulla_salvato(demo, conta_archivio):
    prima = conta_archivio()
    form = _form("a.pdf", c.pdf())
    assert form.is_valid()
    assert salva_campo(form, "allegato", utente=demo.user("aderente")) is None
    assert form.errors["allegato"][0].startswith("Il file «a.pdf» non risulta firmato digitalmente.")
    assert conta_archivio() == prima


def test_salva_campo_ok(demo, conta_archivio):
    prima = conta_archivio()
    form = _form("a.pdf.p7m", c.cades("pem"))
    assert form.is_valid()
    documento = salva_campo(form, "allegato", utente=demo.user("aderente"))
    assert documento is not None and documento.firma_tipo == "cades" and not form.errors
    assert conta_archivio() == (prima[0] + 1, prima[1] + 1)
