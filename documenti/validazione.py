"""Upload validation by content, signature policy, and the only way to store a ``DocumentoPrivato``.

Public API (kept stable for the other apps):

- ``FileNonValido`` (a ``ValidationError``; Italian message in ``.messages[0]``, reason in ``.code``);
- ``valida_e_salva(upload, *, utente, firma_richiesta, max_bytes=None) -> DocumentoPrivato``;
- ``valida(upload, *, firma_richiesta, max_bytes=None, generato=None, per_conto_di=None) -> FileValidato`` and
  ``salva(validato, *, utente) -> DocumentoPrivato``: the same in two steps, so that a form with
  several files validates them all before storing any;
- ``verifica_firma(data) -> EsitoFirma``;
- ``verifica_documento_generato(generato, caricato) -> EsitoFirma``.
"""

import hashlib
import io
import logging
import re
from dataclasses import dataclass

import pypdf
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import registra

from . import antivirus, conf
from .contenuto import (
    controlla_pdf,
    decodifica_cms,
    descrivi_contenuto,
    e_pdf,
    nome_visualizzato,
    rifiuta_contenuto,
)
from .errori import FileNonValido
from .firme import (
    MODIFICATA,
    NON_FIRMATO,
    NON_INTEGRA,
    NON_VERIFICABILE,
    TIPO_CADES,
    EsitoFirma,
    Firmatario,
    _verifica_cades,
    _verifica_pades,
    controlla_certificato,
    verifica_firma,
)
from .models import DocumentoPrivato
from .titolari import Titolare, controlla_firmatari

__all__ = [
    "EsitoFirma",
    "FileNonValido",
    "FileValidato",
    "Firmatario",
    "Titolare",
    "salva",
    "valida",
    "valida_e_salva",
    "verifica_documento_generato",
    "verifica_firma",
]

logger = logging.getLogger(__name__)

_BLOCCO = 64 * 1024


@dataclass
class FileValidato:
    """A file that passed ``valida``: its bytes (not yet stored), type, display name and signature."""

    data: bytes
    tipo: str  # "pdf" | "p7m"
    nome: str
    esito: EsitoFirma
    sha256: str
    contenuto_sha256: str


def _mb(n: int) -> str:
    if n >= 1024 * 1024:
        valore = n / (1024 * 1024)
        return f"{valore:.0f} MB" if valore == int(valore) else f"{valore:.1f} MB".replace(".", ",")
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} byte"


def _leggi(upload, nome: str, limite: int) -> bytes:
    dichiarata = getattr(upload, "size", None)
    if isinstance(dichiarata, int) and dichiarata > limite:
        raise _troppo_grande(nome, limite)
    if hasattr(upload, "seek"):
        try:
            upload.seek(0)
        except (OSError, ValueError):
            pass
    letti = bytearray()
    blocchi = upload.chunks(_BLOCCO) if hasattr(upload, "chunks") else iter(lambda: upload.read(_BLOCCO), b"")
    for blocco in blocchi:
        letti += blocco
        if len(letti) > limite:
            raise _troppo_grande(nome, limite)
    return bytes(letti)


def _troppo_grande(nome, limite):
    return FileNonValido(
        f"Il file «{nome}» supera la dimensione massima consentita di {_mb(limite)}.", code="troppo_grande"
    )


def _messaggio_firma(problema: str, nome: str) -> FileNonValido:
    if problema == NON_FIRMATO:
        return FileNonValido(
            f"Il file «{nome}» non risulta firmato digitalmente. Carica il documento firmato digitalmente: un PDF "
            "con firma PAdES oppure un file .p7m (CAdES).",
            code=NON_FIRMATO,
        )
    if problema == NON_INTEGRA:
        return FileNonValido(
            f"La firma del file «{nome}» non è integra: il documento è stato modificato dopo la firma.",
            code=NON_INTEGRA,
        )
    if problema == MODIFICATA:
        return FileNonValido(
            f"Il file «{nome}» è stato modificato dopo l'apposizione della firma: le modifiche successive non sono "
            "coperte dalla firma. Firma di nuovo il documento nella sua versione definitiva.",
            code=MODIFICATA,
        )
    return FileNonValido(
        f"Non è stato possibile verificare la firma del file «{nome}»: la firma è danneggiata o in un formato "
        "non supportato.",
        code=NON_VERIFICABILE,
    )


def _non_attendibile(esito: EsitoFirma, nome: str) -> FileNonValido:
    estranei = [f for f in esito.firmatari if not f.attendibile]
    chi = (
        ", ".join(
            f"{f.nome or 'firmatario sconosciuto'} (certificato rilasciato da {f.emittente or '?'})" for f in estranei
        )
        or "firmatario sconosciuto"
    )
    return FileNonValido(
        f"La firma del file «{nome}» è integra, ma il certificato del firmatario non è rilasciato da un'autorità "
        f"di certificazione riconosciuta: {chi}.",
        code="firma_non_attendibile",
    )


def _applica_politica_firma(esito: EsitoFirma, nome: str, *, firma_richiesta: bool) -> None:
    # A broken signature is refused even where no signature is required: the file was altered.
    if esito.problema in (NON_INTEGRA, MODIFICATA, NON_VERIFICABILE):
        raise _messaggio_firma(esito.problema, nome)
    controlla_certificato(esito, nome)  # revoked or expired certificate
    if not firma_richiesta:
        return
    if not esito.firmato or not esito.intatta:
        raise _messaggio_firma(esito.problema or NON_FIRMATO, nome)
    if conf.richiedi_firma_attendibile() and not esito.attendibile:
        raise _non_attendibile(esito, nome)


def valida(
    upload,
    *,
    firma_richiesta: bool,
    max_bytes: int | None = None,
    generato: bytes | None = None,
    per_conto_di: Titolare | None = None,
) -> FileValidato:
    """Check ``upload`` (any Django ``File``/``UploadedFile``) by content; store nothing.

    Accepted: a PDF, or a CAdES SignedData envelope (DER, PEM or base64; nested at most
    ``SCT_P7M_MAX_ANNIDAMENTO`` = 3 levels) whose innermost payload is a PDF. With
    ``firma_richiesta`` an intact signature is required (and a trusted one when
    ``SCT_FIRMA_RICHIEDI_ATTENDIBILE``). With ``SCT_ANTIVIRUS_CLAMD`` the bytes (and the enveloped
    PDF of a ``.p7m``) are scanned by clamd. With ``generato`` the file must hold exactly those bytes
    (see ``verifica_documento_generato``). With ``per_conto_di`` (a ``titolari.Titolare``) a signed
    document must be signed by a person entitled to sign for that ente or operatore economico.
    Raises ``FileNonValido``.
    """
    grezzo = getattr(upload, "name", None)
    nome = nome_visualizzato(grezzo)
    limite = max_bytes if max_bytes is not None else conf.max_upload_bytes()
    data = _leggi(upload, nome, limite)
    if not data:
        raise FileNonValido(f"Il file «{nome}» è vuoto.", code="vuoto")
    antivirus.controlla(data, nome)

    if e_pdf(data):
        tipo = "pdf"
        controlla_pdf(data, nome)
        esito = _verifica_pades(data)
    else:
        ci = decodifica_cms(data)
        if ci is None:
            raise rifiuta_contenuto(data, nome)
        tipo = "p7m"
        esito = _verifica_cades(ci, nome)
        if not e_pdf(esito.contenuto):
            if not esito.contenuto:
                raise FileNonValido(f"Il file firmato «{nome}» non contiene alcun documento.", code="p7m_contenuto")
            _codice, descrizione = descrivi_contenuto(esito.contenuto)
            raise FileNonValido(
                f"Il documento contenuto nel file firmato «{nome}» non è un PDF: il contenuto è {descrizione}. "
                "Sono ammessi solo documenti PDF firmati.",
                code="p7m_contenuto",
            )
        controlla_pdf(esito.contenuto, nome, dentro_p7m=True)
        antivirus.controlla(esito.contenuto, nome)

    if generato is not None:
        esito = verifica_documento_generato(generato, data, nome=nome, _esito=esito)
    else:
        _applica_politica_firma(esito, nome, firma_richiesta=firma_richiesta)
    if per_conto_di is not None and (firma_richiesta or generato is not None):
        controlla_firmatari(esito, nome, per_conto_di)
    return FileValidato(
        data=data,
        tipo=tipo,
        nome=nome_visualizzato(grezzo, tipo),
        esito=esito,
        sha256=hashlib.sha256(data).hexdigest(),
        contenuto_sha256=hashlib.sha256(esito.contenuto if tipo == "p7m" else data).hexdigest(),
    )


def salva(validato: FileValidato, *, utente=None, request=None):
    """Store a validated file in the private storage under a random name and create its record."""

    esito = validato.esito
    firmato = esito.firmato and esito.intatta
    documento = DocumentoPrivato(
        nome_originale=validato.nome,
        tipo=validato.tipo,
        dimensione=len(validato.data),
        sha256=validato.sha256,
        contenuto_sha256=validato.contenuto_sha256,
        caricato_da=utente if utente is not None and getattr(utente, "is_authenticated", False) else None,
        firmato=firmato,
        firma_tipo=esito.tipo if firmato else "",
        firma_attendibile=firmato and esito.attendibile,
        firmatario_nome=esito.firmatario_nome if firmato else "",
        firmatario_cf=esito.firmatario_cf if firmato else "",
        firmatari=[f.come_dict() for f in esito.firmatari] if firmato else [],
        firma_verificata_il=timezone.now() if esito.tipo else None,
    )
    documento.file.save(f"documento.{validato.tipo}", ContentFile(validato.data), save=False)
    try:
        with transaction.atomic():
            documento.save()
            registra(
                "documento.caricato",
                documento,
                utente=documento.caricato_da,
                request=request,
                dati={
                    "sha256": documento.sha256,
                    "tipo": documento.tipo,
                    "firma": documento.firma_tipo,
                    "firmatario_cf": documento.firmatario_cf,
                    "attendibile": documento.firma_attendibile,
                },
            )
    except BaseException:
        documento.file.storage.delete(documento.file.name)
        raise
    return documento


def valida_e_salva(
    upload,
    *,
    utente,
    firma_richiesta: bool,
    max_bytes: int | None = None,
    request=None,
    generato: bytes | None = None,
    per_conto_di: Titolare | None = None,
):
    """Validate ``upload`` by content (see ``valida``) and store it; nothing is stored on ``FileNonValido``."""
    validato = valida(
        upload, firma_richiesta=firma_richiesta, max_bytes=max_bytes, generato=generato, per_conto_di=per_conto_di
    )
    return salva(validato, utente=utente, request=request)


def riverifica_firma(documento) -> EsitoFirma:
    """Check the stored file's signature again (e.g. after the trust list changed) and update the record."""
    with documento.file.open("rb") as fh:
        data = fh.read()
    esito = verifica_firma(data, nome=documento.nome_originale)
    firmato = esito.firmato and esito.intatta
    documento.firmato = firmato
    documento.firma_tipo = esito.tipo if firmato else ""
    documento.firma_attendibile = firmato and esito.attendibile
    documento.firmatario_nome = esito.firmatario_nome if firmato else ""
    documento.firmatario_cf = esito.firmatario_cf if firmato else ""
    documento.firmatari = [f.come_dict() for f in esito.firmatari] if firmato else []
    documento.firma_verificata_il = timezone.now()
    documento.save(
        update_fields=[
            "firmato",
            "firma_tipo",
            "firma_attendibile",
            "firmatario_nome",
            "firmatario_cf",
            "firmatari",
            "firma_verificata_il",
        ]
    )
    return esito


# ------------------------------------------------------------------------- generated documents


def _testo(pdf: bytes) -> str:
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf), strict=False)
        testo = " ".join((pagina.extract_text() or "") for pagina in reader.pages)
    except Exception:  # noqa: BLE001 - only a hint for the message
        return ""
    return re.sub(r"\s+", " ", testo).strip()


def _stesso_testo(generato: bytes, firmato: bytes) -> bool:
    a = _testo(generato)
    return bool(a) and a == _testo(firmato)


def verifica_documento_generato(
    generato: bytes, caricato: bytes, *, nome: str = "documento", _esito=None
) -> EsitoFirma:
    """Accept ``caricato`` only if it is ``generato`` (a PDF the platform produced) signed as it is.

    PAdES: ``caricato`` starts with the generated bytes, an intact signature's byte range starts at
    0 and covers at least ``len(generato)`` bytes, nothing after it changes the content. CAdES: the
    enveloped payload equals ``generato``. Raises ``FileNonValido`` saying which case it is.
    """
    if not e_pdf(generato):
        raise ValueError("Il documento generato deve essere un PDF.")
    nome = nome_visualizzato(nome) if nome else "documento"
    if _esito is not None:
        esito = _esito
    elif e_pdf(caricato):
        esito = _verifica_pades(caricato)
    else:
        ci = decodifica_cms(caricato)
        if ci is None:
            raise rifiuta_contenuto(caricato, nome)
        esito = _verifica_cades(ci, nome)
    controlla_certificato(esito, nome)  # revoked or expired certificate

    if esito.tipo == TIPO_CADES:
        if esito.problema in (NON_INTEGRA, NON_VERIFICABILE):
            raise _messaggio_firma(esito.problema, nome)
        if esito.contenuto != generato:
            riscritto = e_pdf(esito.contenuto) and _stesso_testo(generato, esito.contenuto)
            raise FileNonValido(
                f"Il file firmato «{nome}» non contiene il documento generato dal sistema"
                + (
                    ": il testo è lo stesso ma il PDF è stato salvato di nuovo prima della firma. Firma il file "
                    "scaricato così com'è, senza aprirlo e salvarlo."
                    if riscritto
                    else ": è stato firmato un documento diverso. Scarica di nuovo il documento, firmalo senza "
                    "modificarlo e caricalo."
                ),
                code="documento_riscritto" if riscritto else "documento_diverso",
            )
        if esito.problema or not esito.firmato:
            raise _messaggio_firma(esito.problema or NON_FIRMATO, nome)
    else:
        if not esito.firmato and esito.problema in ("", NON_FIRMATO):
            if caricato == generato:
                raise FileNonValido(
                    f"Il file «{nome}» è il documento generato dal sistema ma non risulta firmato digitalmente: "
                    "firmalo (PAdES o CAdES .p7m) e caricalo di nuovo.",
                    code=NON_FIRMATO,
                )
            raise _messaggio_firma(NON_FIRMATO, nome)
        if esito.problema in (NON_INTEGRA, NON_VERIFICABILE):
            raise _messaggio_firma(esito.problema, nome)
        if caricato[: len(generato)] != generato:
            if _stesso_testo(generato, caricato):
                raise FileNonValido(
                    f"Il file «{nome}» contiene il testo del documento generato, ma il programma di firma lo ha "
                    "riscritto invece di aggiungere la firma in coda: la versione firmata non è più identica a "
                    "quella generata dal sistema. Firma il documento in formato PAdES con un programma che "
                    "aggiunge la firma senza modificarlo, oppure in formato CAdES (.p7m).",
                    code="documento_riscritto",
                )
            raise FileNonValido(
                f"Il file «{nome}» non è il documento generato dal sistema: è stato firmato un documento diverso. "
                "Scarica di nuovo il documento, firmalo senza modificarlo e caricalo.",
                code="documento_diverso",
            )
        if esito.problema == MODIFICATA:
            raise _messaggio_firma(MODIFICATA, nome)
        copre = any(
            f.ok and len(f.byte_range) == 4 and f.byte_range[0] == 0 and f.byte_range[1] >= len(generato)
            for f in esito.firme_pdf
        )
        if not copre:
            raise FileNonValido(
                f"La firma del file «{nome}» non copre l'intero documento generato dal sistema.",
                code="firma_non_copre",
            )
    if conf.richiedi_firma_attendibile() and not esito.attendibile:
        raise _non_attendibile(esito, nome)
    return esito
