"""Sample files for the upload tests, built once per session (in memory; the certificates on disk)."""

import base64
import functools
import gzip
import io
import tarfile
import zipfile

from asn1crypto import cms, pem
from django.core.files import File

from documenti import firma_prova

LAURA = {"nome": "Laura Bianchi", "codice_fiscale": "BNCLRA75E45G999M"}
MARCO = {"nome": "Marco Rossi", "codice_fiscale": "RSSMRA80A01D612Y"}


pdf_semplice = firma_prova.pdf_di_prova


@functools.cache
def pdf():
    return pdf_semplice("Manifestazione di interesse del Comune di Firenze")


@functools.cache
def scheda():
    """Stands for the generated "scheda di sintesi"."""
    return pdf_semplice("Scheda di sintesi ordinativo di fornitura CIG B123456789 totale 99,99 euro", pagine=2)


@functools.cache
def pades(autorita="prova", chi="laura"):
    return firma_prova.firma_pades(pdf(), autorita=autorita, **(LAURA if chi == "laura" else MARCO))


@functools.cache
def cades(formato="der", autorita="prova"):
    return firma_prova.firma_cades(pdf(), formato=formato, autorita=autorita, **LAURA)


def annidato(livelli, contenuto=None):
    data = contenuto if contenuto is not None else pdf()
    for _ in range(livelli):
        data = firma_prova.firma_cades(data, **LAURA)
    return data


def flip(data: bytes, posizione: int) -> bytes:
    b = bytearray(data)
    b[posizione] ^= 0x01
    return bytes(b)


def pades_manomesso():
    """One byte of the signed page text flipped."""
    firmato = pades()
    return flip(firmato, firmato.index(b"Manifestazione") + 3)


def pades_modificato_dopo_la_firma():
    """Signed, then an incremental update replaces the page content (not covered by the signature)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(pades()), strict=False)
    pagina_ref = w.root["/Pages"]["/Kids"][0]
    pagina = pagina_ref.get_object()
    nuovo = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 720 Td (Importo: 1.000.000 euro) Tj ET")
    pagina["/Contents"] = w.add_object(nuovo)
    w.update_container(pagina)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def p7m_payload_cambiato():
    """The enveloped PDF changed (same length) inside a DER envelope."""
    der = cades()
    return flip(der, der.index(b"Manifestazione") + 3)


def p7m_firma_alterata():
    """The signature value itself altered (the digest still matches the content)."""
    der = cades()
    firma = cms.ContentInfo.load(der)["content"]["signer_infos"][0]["signature"].native
    return flip(der, der.index(firma) + 10)


def p7m_staccato():
    signer = firma_prova.firmatario(**LAURA)
    return firma_prova._esegui(signer.async_sign_general_data(pdf(), "sha256", detached=True)).dump()


def p7m_di(contenuto: bytes):
    return firma_prova.firma_cades(contenuto, **LAURA)


def p7m_cofirmato():
    """Two signers (Laura, then Marco from the other CA) on the same enveloped PDF."""
    a = cms.ContentInfo.load(firma_prova.firma_cades(pdf(), **LAURA))
    b = cms.ContentInfo.load(firma_prova.firma_cades(pdf(), autorita="estranea", **MARCO))
    sd = a["content"]
    sd["certificates"] = list(sd["certificates"]) + list(b["content"]["certificates"])
    sd["signer_infos"] = list(sd["signer_infos"]) + list(b["content"]["signer_infos"])
    return a.dump(force=True)


def zip_con_pdf():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("documento.pdf", pdf())
    return buf.getvalue()


def docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def tar_con_pdf():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("documento.pdf")
        info.size = len(pdf())
        t.addfile(info, io.BytesIO(pdf()))
    return buf.getvalue()


def pdf_cifrato():
    import pypdf

    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf())))
    w.encrypt("segreta", algorithm="AES-128")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def pdf_riscritto(data):
    """The same document re-saved by another tool (same text, different bytes)."""
    import pypdf

    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    w.add_metadata({"/Producer": "Programma di firma che riscrive il file"})
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    + b"\x00" * 64
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html>\n<html><head><title>Offerta</title></head><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><text>x</text></svg>'
POLIGLOTTA = b"<html><body>ciao</body></html>\n" + b"%PDF-1.7\n%%EOF\n"


def gzip_pdf():
    return gzip.compress(pdf())


SETTE_Z = b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64
RAR = b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64


def pem_rotto():
    return b"-----BEGIN PKCS7-----\nQUJDREVGRw@@@notbase64\n-----END PKCS7-----\n"


def cms_non_signed_data():
    """A valid CMS ContentInfo of type ``data`` (not a signature)."""
    return cms.ContentInfo({"content_type": "data", "content": pdf()}).dump()


def base64_di(der):
    return base64.b64encode(der)


def pem_di(der):
    return pem.armor("PKCS7", der)


class NomeGrezzo(File):
    """A file whose name reaches us exactly as given (Django's UploadedFile strips folders and truncates)."""

    def __init__(self, data: bytes, nome: str):
        super().__init__(io.BytesIO(data), name=nome)
