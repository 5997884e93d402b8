"""What a file IS, by its content: PDF, CAdES envelope (DER / PEM / base64), or something refused.

Nothing here looks at the file name, except ``nome_visualizzato`` which turns the user's name into a
safe display name (never used as a path).
"""

import base64
import binascii
import io
import logging
import re
import unicodedata

import filetype
import pypdf
from asn1crypto import cms, core, pem

from .errori import FileNonValido

logger = logging.getLogger(__name__)

MAX_NOME = 255
_ESTENSIONI = {"pdf": ".pdf", "p7m": ".p7m"}
# Bidirectional controls make "fattura\u202Efdp.exe" look like "fatturaexe.pdf".
_BIDI = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ARCHIVI = {
    "application/zip": "ZIP",
    "application/epub+zip": "ZIP",
    "application/x-tar": "TAR",
    "application/x-rar-compressed": "RAR",
    "application/gzip": "GZIP",
    "application/x-bzip2": "BZIP2",
    "application/x-7z-compressed": "7-Zip",
    "application/vnd.ms-cab-compressed": "CAB",
    "application/x-xz": "XZ",
    "application/x-unix-archive": "AR",
    "application/x-compress": "Z",
    "application/x-lzop": "LZOP",
    "application/x-lzip": "LZIP",
    "application/x-lz4": "LZ4",
    "application/zstd": "Zstandard",
    "application/x-brotli": "Brotli",
    "application/x-rpm": "RPM",
    "application/x-deb": "DEB",
}
_DESCRIZIONI = {
    "application/x-msdownload": "programma eseguibile Windows",
    "application/x-executable": "programma eseguibile",
    "application/wasm": "programma WebAssembly",
    "application/msword": "documento Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "documento Word",
    "application/vnd.oasis.opendocument.text": "documento di testo OpenDocument",
    "application/vnd.ms-excel": "foglio di calcolo Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "foglio di calcolo Excel",
    "application/vnd.oasis.opendocument.spreadsheet": "foglio di calcolo OpenDocument",
    "application/vnd.ms-powerpoint": "presentazione PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "presentazione PowerPoint",
    "application/vnd.oasis.opendocument.presentation": "presentazione OpenDocument",
    "application/rtf": "documento RTF",
    "application/postscript": "file PostScript",
    "application/x-sqlite3": "database SQLite",
    "application/x-shockwave-flash": "file Flash",
}
_HTML = re.compile(rb"<\s*(!doctype\s+html|html|head|body|script|meta|iframe|title|div|form|a\s|img|svg|style)\b", re.I)
_BASE64 = re.compile(rb"^[A-Za-z0-9+/=\s]+$")


def _nome_per_messaggio(nome: str) -> str:
    return nome if nome else "senza nome"


# ---------------------------------------------------------------------------------------- names


def nome_visualizzato(nome_grezzo: str | None, tipo: str | None = None) -> str:
    """The display name of an upload: refused if it carries control characters, folders or is too
    long; otherwise NFC-normalised, whitespace collapsed, and with the extension of ``tipo``.

    The result is only ever shown or put in a Content-Disposition, never used as a path.
    """
    nome = nome_grezzo or ""
    if any(unicodedata.category(c) == "Cc" or c in _BIDI for c in nome):
        raise FileNonValido(
            "Il nome del file contiene caratteri non ammessi (caratteri di controllo o di direzione del testo): "
            "rinomina il file e caricalo di nuovo.",
            code="nome_non_valido",
        )
    if "/" in nome or "\\" in nome or nome.strip() in {".", ".."}:
        raise FileNonValido(
            "Il nome del file non può contenere percorsi di cartelle (“/”, “\\” o “..”): rinomina il file e "
            "caricalo di nuovo.",
            code="nome_non_valido",
        )
    if len(nome) > MAX_NOME:
        raise FileNonValido(
            f"Il nome del file è troppo lungo ({len(nome)} caratteri, massimo {MAX_NOME}): rinomina il file e "
            "caricalo di nuovo.",
            code="nome_non_valido",
        )
    nome = unicodedata.normalize("NFC", nome)
    # Invisible formatting characters (zero-width spaces and the like) are dropped silently.
    nome = "".join(c for c in nome if unicodedata.category(c) != "Cf")
    nome = " ".join(nome.split()).strip(" .")
    if tipo:
        nome = _con_estensione(nome, tipo)
    return nome or "documento"


def _con_estensione(nome: str, tipo: str) -> str:
    est = _ESTENSIONI[tipo]
    base = nome
    if tipo == "pdf":
        # "documento.p7m" whose content is a PDF becomes "documento.pdf".
        while base.lower().endswith(".p7m"):
            base = base[:-4]
    if not base.lower().endswith(est):
        if tipo == "p7m" and not base.lower().endswith((".pdf", ".p7m")):
            base += ".pdf"
        base += est
    base = base.strip(" ") or f"documento{est}"
    if base.startswith("."):
        base = "documento" + base
    if len(base) > MAX_NOME:
        # Keep the (double) extension, cut the stem.
        coda = ".pdf.p7m" if base.lower().endswith(".pdf.p7m") else est
        base = base[: MAX_NOME - len(coda)].rstrip(" .") + coda
    return base


# --------------------------------------------------------------------------------------- content


def e_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-")


def controlla_pdf(data: bytes, nome: str, *, dentro_p7m: bool = False) -> int:
    """Parse the PDF (pypdf); return its page count or raise ``FileNonValido``."""

    dove = f"Il documento contenuto nel file firmato «{nome}»" if dentro_p7m else f"Il file «{nome}»"
    danneggiato = FileNonValido(
        f"{dove} non è un PDF valido o è danneggiato (ad esempio incompleto): non è possibile leggerlo. "
        "Generalo o scaricalo di nuovo e riprova.",
        code="pdf_danneggiato",
    )
    if not e_pdf(data) or b"%%EOF" not in data[-2048:]:
        raise danneggiato
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileNonValido(
                f"{dove} è un PDF protetto da password o cifrato: carica una copia senza protezione.",
                code="pdf_cifrato",
            )
        pagine = len(reader.pages)
        if pagine < 1:
            raise danneggiato
        reader.pages[0].mediabox  # noqa: B018 - forces the parse of the first page
    except FileNonValido:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means a broken file
        logger.info("PDF rifiutato (%s): %s", type(exc).__name__, exc)
        raise danneggiato from exc
    return pagine


def decodifica_cms(data: bytes) -> cms.ContentInfo | None:
    """A CMS SignedData from DER, PEM or bare base64 bytes; ``None`` when the bytes are none of them."""
    candidati = []
    testa = data[:64].lstrip()
    if data[:1] == b"\x30":
        candidati.append(data)
    elif testa.startswith(b"-----BEGIN"):
        try:
            _tipo, _intest, der = pem.unarmor(data.strip())
            candidati.append(der)
        except ValueError:
            return None
    elif len(data) < 100 * 1024 * 1024 and _BASE64.match(data[:4096]) and _BASE64.match(data):
        try:
            candidati.append(base64.b64decode(b"".join(data.split()), validate=True))
        except (binascii.Error, ValueError):
            return None
    for der in candidati:
        if der[:1] != b"\x30":
            continue
        try:
            ci = cms.ContentInfo.load(der, strict=True)
            if ci["content_type"].native != "signed_data":
                continue
            ci["content"]["signer_infos"]  # noqa: B018 - forces the parse
            return ci
        except (ValueError, TypeError, KeyError, OverflowError, IndexError):
            continue
    return None


def payload_cms(ci: cms.ContentInfo, nome: str) -> bytes:
    """The enveloped content of a SignedData (refused when the signature is detached)."""
    try:
        eci = ci["content"]["encap_content_info"]
        contenuto = eci["content"]
        if isinstance(contenuto, core.Void) or contenuto.contents is None:
            raise FileNonValido(
                f"Il file «{nome}» contiene solo la firma (firma “staccata”) e non il documento firmato: carica "
                "il file .p7m che contiene il documento.",
                code="p7m_staccato",
            )
        return bytes(contenuto)
    except FileNonValido:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise FileNonValido(
            f"Il file «{nome}» non è una busta di firma .p7m valida: la struttura è danneggiata.",
            code="p7m_non_valido",
        ) from exc


def descrivi_contenuto(data: bytes) -> tuple[str, str]:
    """(code, Italian description) of bytes that are neither a PDF nor a CAdES envelope."""
    tipo = filetype.guess(data[:8192])
    if tipo is not None:
        if tipo.mime in _ARCHIVI:
            return "archivio", f"un archivio compresso ({_ARCHIVI[tipo.mime]})"
        if tipo.mime.startswith("image/"):
            return "tipo_non_ammesso", f"un'immagine ({tipo.extension.upper()})"
        if tipo.mime.startswith(("audio/", "video/")):
            return "tipo_non_ammesso", "un file audio o video"
        return "tipo_non_ammesso", _DESCRIZIONI.get(tipo.mime, f"un file di tipo {tipo.mime}")
    testa = data[:4096]
    if data[:2] == b"MZ":
        return "tipo_non_ammesso", "un programma eseguibile Windows"
    if _HTML.search(testa):
        return "html", "una pagina HTML"
    if testa.lstrip().startswith(b"<?xml"):
        return "tipo_non_ammesso", "un documento XML"
    if data[:1] == b"\x30" or testa.lstrip().startswith(b"-----BEGIN"):
        return "p7m_non_valido", "una struttura che non è una busta di firma valida"
    try:
        testa.decode("utf-8")
        return "tipo_non_ammesso", "un file di testo"
    except UnicodeDecodeError:
        return "tipo_non_ammesso", "un file di tipo non riconosciuto"


def rifiuta_contenuto(data: bytes, nome: str) -> FileNonValido:
    codice, descrizione = descrivi_contenuto(data)
    nome = _nome_per_messaggio(nome)
    if codice == "archivio":
        return FileNonValido(
            f"Il file «{nome}» è {descrizione}: gli archivi non sono ammessi. Carica il documento in formato PDF "
            "o firmato digitalmente (.p7m).",
            code="archivio",
        )
    if codice == "html":
        return FileNonValido(
            f"Il file «{nome}» non è un PDF: il contenuto è {descrizione}. Sono ammessi solo documenti PDF o "
            "file firmati digitalmente (.p7m).",
            code="html",
        )
    if codice == "p7m_non_valido":
        return FileNonValido(
            f"Il file «{nome}» non è una busta di firma .p7m valida (CAdES): il contenuto è danneggiato o di "
            "un altro tipo.",
            code="p7m_non_valido",
        )
    return FileNonValido(
        f"Il file «{nome}» non è un documento ammesso: il contenuto è {descrizione}. Sono ammessi solo documenti "
        "PDF o file firmati digitalmente in formato .p7m (CAdES).",
        code="tipo_non_ammesso",
    )
