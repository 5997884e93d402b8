"""Serving private documents (after the caller's permission check) and the demo-only "Firma di prova"."""

import hashlib
import logging
import unicodedata
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from audit.services import registra

from . import conf, firma_prova
from .contenuto import controlla_pdf, decodifica_cms, e_pdf, nome_visualizzato, rifiuta_contenuto
from .errori import FileNonValido
from .forms import DocumentoField

logger = logging.getLogger(__name__)


def content_disposition(nome: str, *, inline: bool = False) -> str:
    """RFC 6266: an ASCII ``filename`` fallback and the exact UTF-8 name in ``filename*``."""
    disposizione = "inline" if inline else "attachment"
    ascii_ = unicodedata.normalize("NFKD", nome).encode("ascii", "ignore").decode("ascii")
    ascii_ = "".join(c if c.isalnum() or c in "._-()+ " else "_" for c in ascii_).strip(" .") or "documento"
    return f"{disposizione}; filename=\"{ascii_}\"; filename*=UTF-8''{quote(nome, safe='')}"


def _intestazioni_private(risposta):
    risposta["X-Content-Type-Options"] = "nosniff"
    risposta["Cache-Control"] = "private, no-store"
    risposta["Pragma"] = "no-cache"
    # Not "no-referrer": with it Chromium sends "Origin: null" on the page's own POST (the form of the
    # firma di prova) and the CSRF check refuses it. "same-origin" still sends nothing to other sites.
    risposta["Referrer-Policy"] = "same-origin"
    return risposta


def _pagina_errore(request, messaggio, status):
    risposta = render(request, "documenti/errore.html", {"messaggio": messaggio}, status=status)
    return _intestazioni_private(risposta)


def risposta_download(request, documento, *, inline=False, verifica_integrita=True):
    """The file of ``documento`` as a response. Call it only AFTER your own permission check.

    Safe Content-Disposition (the sanitised original name), ``nosniff``, ``private, no-store``,
    the right content type; ``.p7m`` files are always attachments. The bytes are checked against
    the stored SHA-256 first (``verifica_integrita``). The download is recorded in the audit trail
    (``documento.scaricato``).
    """

    storage = documento.file.storage
    try:
        if verifica_integrita:
            impronta = hashlib.sha256()
            with storage.open(documento.file.name, "rb") as fh:
                for blocco in iter(lambda: fh.read(256 * 1024), b""):
                    impronta.update(blocco)
            if impronta.hexdigest() != documento.sha256:
                logger.error("Documento %s: l'impronta del file archiviato non corrisponde", documento.pk)
                registra("documento.integrita_violata", documento, request=request)
                return _pagina_errore(
                    request,
                    "Il documento non supera il controllo di integrità e non può essere scaricato. "
                    "Il problema è stato registrato: contatta l'assistenza.",
                    status=409,
                )
        fh = storage.open(documento.file.name, "rb")
    except FileNotFoundError:
        logger.error("Documento %s: file %s assente nell'archivio", documento.pk, documento.file.name)
        return _pagina_errore(request, "Il documento non è disponibile nell'archivio.", status=404)

    inline = inline and documento.tipo == documento.Tipo.PDF
    risposta = FileResponse(fh, content_type=documento.content_type)
    risposta["Content-Disposition"] = content_disposition(documento.nome_originale, inline=inline)
    risposta["Content-Length"] = str(documento.dimensione)
    _intestazioni_private(risposta)
    registra("documento.scaricato", documento, request=request)
    return risposta


# ----------------------------------------------------------------------------- firma di prova


class FirmaDiProvaForm(forms.Form):
    FORMATI = [
        ("pades", "PAdES: PDF firmato (la firma è aggiunta in coda al PDF)"),
        ("cades", "CAdES: file .p7m (busta binaria DER)"),
        ("cades-pem", "CAdES: file .p7m in formato PEM"),
        ("cades-base64", "CAdES: file .p7m in base64"),
    ]
    file = DocumentoField(
        label="Documento PDF da firmare", help_text="Un documento PDF (o un file .p7m da firmare di nuovo in CAdES)."
    )
    formato = forms.ChoiceField(label="Tipo di firma", choices=FORMATI, initial="pades", widget=forms.RadioSelect)


MESSAGGIO_SENZA_CODICE_FISCALE = (
    "Il tuo profilo non ha un codice fiscale, quindi la firma di prova non è disponibile: il certificato di prova "
    "è intestato al codice fiscale del firmatario. Chiedi all'amministratore del Negozio Elettronico di inserirlo "
    "nel tuo profilo."
)


def _solo_demo(vista):
    def _vista(request, *args, **kwargs):
        if not conf.simulazione_attiva():
            raise Http404("La firma di prova è disponibile solo nell'ambiente dimostrativo.")
        return vista(request, *args, **kwargs)

    _vista.__name__ = vista.__name__
    _vista.__doc__ = vista.__doc__
    return _vista


def _codice_fiscale(user) -> str:
    profilo = getattr(user, "profilo", None)
    return (getattr(profilo, "codice_fiscale", "") or "").strip().upper()


@_solo_demo
@login_required
def firma_di_prova(request):
    """Demo only: sign a PDF with the demo certificate of the user's codice fiscale."""
    cf = _codice_fiscale(request.user)
    nome_firmatario = request.user.get_full_name() or request.user.get_username()
    contesto = {
        "codice_fiscale": cf,
        "nome_firmatario": nome_firmatario,
        "senza_codice_fiscale": MESSAGGIO_SENZA_CODICE_FISCALE,
    }
    if request.method != "POST":
        return _intestazioni_private(
            render(request, "documenti/firma_di_prova.html", {**contesto, "form": FirmaDiProvaForm()})
        )

    form = FirmaDiProvaForm(request.POST, request.FILES)
    if not cf:
        form.add_error(None, MESSAGGIO_SENZA_CODICE_FISCALE)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        formato = form.cleaned_data["formato"]
        try:
            nome = nome_visualizzato(upload.name)
            data = upload.read()
            if e_pdf(data):
                controlla_pdf(data, nome)
                tipo = "pdf"
            elif formato != "pades" and decodifica_cms(data) is not None:
                tipo = "p7m"
            elif decodifica_cms(data) is not None:
                raise FileNonValido(
                    f"Il file «{nome}» è già un file firmato .p7m: per aggiungere una firma scegli il formato CAdES.",
                    code="tipo_non_ammesso",
                )
            else:
                raise rifiuta_contenuto(data, nome)
        except FileNonValido as errore:
            form.add_error("file", errore)
        else:
            try:
                risposta = _firma(data, nome, tipo, formato, nome_firmatario, cf)
            except Exception as exc:  # noqa: BLE001 - pyHanko refuses some odd PDFs: tell the user
                logger.warning("Firma di prova non riuscita (%s): %s", type(exc).__name__, exc)
                form.add_error(
                    "file",
                    f"Non è stato possibile firmare il file «{nome}» in formato PAdES: la struttura del PDF non "
                    "lo consente. Prova con la firma CAdES (.p7m).",
                )
            else:
                return risposta
    return _intestazioni_private(
        render(request, "documenti/firma_di_prova.html", {**contesto, "form": form}, status=400)
    )


def _firma(data, nome, tipo, formato, nome_firmatario, cf):
    if formato == "pades":
        firmato = firma_prova.firma_pades(data, nome=nome_firmatario, codice_fiscale=cf)
        nome_uscita = nome_visualizzato(nome, "pdf")[:-4] + "-firmato.pdf"
        content_type = "application/pdf"
    else:
        codifica = {"cades": "der", "cades-pem": "pem", "cades-base64": "base64"}[formato]
        firmato = firma_prova.firma_cades(data, nome=nome_firmatario, codice_fiscale=cf, formato=codifica)
        nome_uscita = nome_visualizzato(nome, tipo) + ".p7m"
        content_type = "application/pkcs7-mime"
    risposta = HttpResponse(firmato, content_type=content_type)
    risposta["Content-Disposition"] = content_disposition(nome_uscita)
    return _intestazioni_private(risposta)


@_solo_demo
@login_required
def firma_di_prova_ca(request):
    """Demo only: the demo CA certificate (to import in a PDF reader)."""
    risposta = HttpResponse(firma_prova.ca_pem(), content_type="application/x-pem-file")
    risposta["Content-Disposition"] = content_disposition("ca-di-prova-negozio-sct.pem")
    risposta["X-Content-Type-Options"] = "nosniff"
    return risposta
