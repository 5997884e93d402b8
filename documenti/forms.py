"""Form helpers for uploads that end in ``valida_e_salva``.

``DocumentoField`` is a ``FileField`` whose ``clean`` checks only presence and size (cheap, before
anything is read); the real check, by content and signature, is ``validazione.valida`` /
``valida_e_salva`` in the service. To show its message next to the field::

    form = MioForm(request.POST, request.FILES)
    if form.is_valid():
        documento = salva_campo(form, "allegato", utente=request.user, firma_richiesta=True)
        if documento is not None:
            ...  # stored
    # otherwise re-render the form (status 400): the message is in form.errors["allegato"]
"""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from . import conf
from .errori import FileNonValido
from .validazione import _mb, valida, valida_e_salva

ACCEPT = ".pdf,.p7m,application/pdf,application/pkcs7-mime"


class DocumentoField(forms.FileField):
    """A file input for a PDF or a ``.p7m``; checks presence and size only (see the module doc)."""

    default_error_messages = {
        **forms.FileField.default_error_messages,
        "required": "Seleziona il file da caricare.",
        "empty": "Il file «%(nome)s» è vuoto.",
        "troppo_grande": "Il file «%(nome)s» supera la dimensione massima consentita di %(limite)s.",
    }

    def __init__(self, *, max_bytes: int | None = None, firma_richiesta: bool = False, **kwargs):
        self.max_bytes = max_bytes
        self.firma_richiesta = firma_richiesta
        kwargs.setdefault("max_length", None)
        kwargs.setdefault("allow_empty_file", True)  # the emptiness message below names the file
        if "help_text" not in kwargs:
            kwargs["help_text"] = (
                "PDF firmato digitalmente (PAdES) o file .p7m (CAdES)."
                if firma_richiesta
                else "Documento PDF o file .p7m."
            )
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    @property
    def limite(self) -> int:
        return self.max_bytes if self.max_bytes is not None else conf.max_upload_bytes()

    def clean(self, data, initial=None):
        valore = super().clean(data, initial)
        if valore and hasattr(valore, "size"):
            nome = str(getattr(valore, "name", "") or "senza nome")[:255]
            if valore.size == 0:
                raise forms.ValidationError(self.error_messages["empty"], code="vuoto", params={"nome": nome})
            if valore.size > self.limite:
                raise forms.ValidationError(
                    self.error_messages["troppo_grande"],
                    code="troppo_grande",
                    params={"nome": nome, "limite": _mb(self.limite)},
                )
        return valore


def salva_campo(form, campo: str, *, utente, firma_richiesta: bool | None = None, request=None, generato=None):
    """Run ``valida_e_salva`` on ``form.cleaned_data[campo]``; on ``FileNonValido`` add the message to the
    field and return ``None``. Returns ``None`` also when the field is empty."""

    upload = form.cleaned_data.get(campo)
    if not upload:
        return None
    if firma_richiesta is None:
        firma_richiesta = getattr(form.fields[campo], "firma_richiesta", False)
    max_bytes = getattr(form.fields[campo], "max_bytes", None)
    try:
        return valida_e_salva(
            upload,
            utente=utente,
            firma_richiesta=firma_richiesta,
            max_bytes=max_bytes,
            request=request,
            generato=generato,
        )
    except FileNonValido as errore:
        form.add_error(campo, errore)
        return None


class DocumentoPubblicoForm(BaseDocumentForm):
    """The admin form of Wagtail's (public) documents: what the editors upload (models, manuals) passes
    the same content checks as the private uploads (``validazione.valida``, without requiring a
    signature): a PDF, or a .p7m envelope holding a PDF, within the size limit. Set as
    ``WAGTAILDOCS_DOCUMENT_FORM_BASE``: it serves the single and the multiple upload and the chooser."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            campo = self.fields["file"]
            campo.help_text = (
                "Tipi ammessi: documento PDF, oppure file firmato digitalmente .p7m (CAdES) che contiene un PDF; "
                f"al massimo {conf.max_upload_bytes() // conf.MEGABYTE} MB. Il contenuto viene controllato: "
                "pagine HTML, programmi, archivi e PDF danneggiati o cifrati sono rifiutati."
            )
            campo.widget.attrs["accept"] = ACCEPT

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # a new upload (editing the title keeps the stored file)
            try:
                valida(file, firma_richiesta=False)
            except FileNonValido as exc:
                raise forms.ValidationError(exc.messaggio, code=exc.code) from exc
            file.seek(0)
        return file
