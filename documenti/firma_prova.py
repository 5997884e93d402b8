"""Demo and test signatures: a local CA and signer certificates, generated on demand and cached.

NOT for production: the keys sit unencrypted on disk. The demo CA ("prova") is trusted by default
only when the simulated authentication is on (see ``conf.trust_roots_paths``); a second CA
("estranea") exists so that tests can produce intact signatures that chain to nothing we trust.

The signer certificates look like Italian qualified ones where it matters here: key usage
non-repudiation + digitalSignature, subject serialNumber ``TINIT-<codice fiscale>``.
"""

import asyncio
import base64
import datetime
import fcntl
import functools
import hashlib
import io
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import conf

AUTORITA = {
    "prova": "CA di prova Negozio Elettronico SCT - NESSUN VALORE LEGALE",
    "estranea": "CA estranea di prova - NON ATTENDIBILE",
}
FORMATI_CADES = ("der", "pem", "base64")
_DURATA_CA = datetime.timedelta(days=3650)
_DURATA_FIRMATARIO = datetime.timedelta(days=3 * 365)


@dataclass(frozen=True)
class Credenziali:
    """A signer's certificate and key (PEM) and the PEM of the CA that issued it."""

    cert_pem: bytes
    key_pem: bytes
    ca_pem: bytes

    @property
    def certificato(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)


def _directory() -> Path:
    cartella = conf.firma_prova_dir()
    cartella.mkdir(parents=True, exist_ok=True)
    return cartella


def _scrivi_atomico(percorso: Path, dati: bytes, *, privato: bool = False) -> None:
    fd, tmp = tempfile.mkstemp(dir=percorso.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(dati)
        if privato:
            os.chmod(tmp, 0o600)
        os.replace(tmp, percorso)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Lock:
    """An exclusive lock on the cache directory (gunicorn workers may generate at the same time)."""

    def __enter__(self):
        self._fh = open(_directory() / ".lock", "a")  # noqa: SIM115
        fcntl.flock(self._fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


def _nuova_chiave():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem_chiave(chiave) -> bytes:
    return chiave.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _ancora_valido(cert: x509.Certificate, margine=datetime.timedelta(days=30)) -> bool:
    adesso = datetime.datetime.now(datetime.UTC)
    return cert.not_valid_before_utc <= adesso and cert.not_valid_after_utc - margine > adesso


def _controlla_autorita(autorita: str) -> None:
    if autorita not in AUTORITA:
        raise ValueError(f"Autorità di certificazione di prova sconosciuta: {autorita!r}")


def percorso_ca(autorita: str = "prova") -> Path:
    """Path of the CA certificate (PEM), generating the CA the first time."""
    _controlla_autorita(autorita)
    cartella = _directory()
    cert_path = conf.percorso_ca_di_prova(autorita)
    key_path = cert_path.with_suffix(".key")
    if cert_path.exists() and key_path.exists() and _ancora_valido(_leggi_cert(cert_path)):
        return cert_path
    with _Lock():
        if cert_path.exists() and key_path.exists() and _ancora_valido(_leggi_cert(cert_path)):
            return cert_path
        chiave = _nuova_chiave()
        nome = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Negozio Elettronico SCT (dimostrativo)"),
                x509.NameAttribute(NameOID.COMMON_NAME, AUTORITA[autorita]),
            ]
        )
        adesso = datetime.datetime.now(datetime.UTC)
        ski = x509.SubjectKeyIdentifier.from_public_key(chiave.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(nome)
            .issuer_name(nome)
            .public_key(chiave.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(adesso - datetime.timedelta(days=1))
            .not_valid_after(adesso + _DURATA_CA)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(chiave, hashes.SHA256())
        )
        _scrivi_atomico(key_path, _pem_chiave(chiave), privato=True)
        _scrivi_atomico(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        # Signer certificates of an older CA are useless now.
        for vecchio in cartella.glob(f"firmatario-{autorita}-*"):
            vecchio.unlink(missing_ok=True)
        _carica_firmatario.cache_clear()
    return cert_path


def _leggi_cert(percorso: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(percorso.read_bytes())


def ca_pem(autorita: str = "prova") -> bytes:
    """The CA certificate in PEM (what a user imports into a PDF reader to see the demo as trusted)."""
    return percorso_ca(autorita).read_bytes()


def credenziali(nome: str, codice_fiscale: str, *, autorita: str = "prova") -> Credenziali:
    """The certificate and key of ``nome`` / ``codice_fiscale`` issued by the demo CA ``autorita``."""
    ca_path = percorso_ca(autorita)
    nome = " ".join(nome.split()) or "Firmatario di prova"
    codice_fiscale = codice_fiscale.strip().upper()
    impronta = hashlib.sha256(f"{nome}\n{codice_fiscale}".encode()).hexdigest()[:24]
    cartella = _directory()
    cert_path = cartella / f"firmatario-{autorita}-{impronta}.pem"
    key_path = cartella / f"firmatario-{autorita}-{impronta}.key"
    if not (cert_path.exists() and key_path.exists() and _ancora_valido(_leggi_cert(cert_path))):
        with _Lock():
            if not (cert_path.exists() and key_path.exists() and _ancora_valido(_leggi_cert(cert_path))):
                _genera_firmatario(ca_path, cert_path, key_path, nome, codice_fiscale)
    return Credenziali(cert_path.read_bytes(), key_path.read_bytes(), ca_path.read_bytes())


def _genera_firmatario(ca_path, cert_path, key_path, nome, codice_fiscale):
    ca_cert = _leggi_cert(ca_path)
    ca_key = serialization.load_pem_private_key(ca_path.with_suffix(".key").read_bytes(), password=None)
    chiave = _nuova_chiave()
    attributi = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        x509.NameAttribute(NameOID.COMMON_NAME, nome[:64]),
    ]
    parti = nome.split(" ", 1)
    if len(parti) == 2:
        attributi += [
            x509.NameAttribute(NameOID.GIVEN_NAME, parti[0][:64]),
            x509.NameAttribute(NameOID.SURNAME, parti[1][:64]),
        ]
    if codice_fiscale:
        attributi.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINIT-{codice_fiscale}"))
    adesso = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributi))
        .issuer_name(ca_cert.subject)
        .public_key(chiave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(adesso - datetime.timedelta(days=1))
        .not_valid_after(min(adesso + _DURATA_FIRMATARIO, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(chiave.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _scrivi_atomico(key_path, _pem_chiave(chiave), privato=True)
    _scrivi_atomico(cert_path, cert.public_bytes(serialization.Encoding.PEM))


@functools.lru_cache(maxsize=64)
def _carica_firmatario(cert_pem: bytes, key_pem: bytes, ca_pem_: bytes):
    (cert,) = load_certs_from_pemder_data(cert_pem)
    (ca,) = load_certs_from_pemder_data(ca_pem_)
    chiave = load_private_key_from_pemder_data(key_pem, passphrase=None)
    return signers.SimpleSigner(
        signing_cert=cert, signing_key=chiave, cert_registry=SimpleCertificateStore.from_certs([ca])
    )


def firmatario(nome: str, codice_fiscale: str, *, autorita: str = "prova"):
    """A pyHanko ``SimpleSigner`` for ``nome`` / ``codice_fiscale``."""
    c = credenziali(nome, codice_fiscale, autorita=autorita)
    return _carica_firmatario(c.cert_pem, c.key_pem, c.ca_pem)


def _nome_campo_libero(reader) -> str:
    esistenti = {nome for nome, _valore, _ref in enumerate_sig_fields(reader)}
    n = 1
    while f"Firma{n}" in esistenti:
        n += 1
    return f"Firma{n}"


def firma_pades(pdf: bytes, *, nome: str, codice_fiscale: str, autorita: str = "prova") -> bytes:
    """Sign ``pdf`` with a PAdES signature in a new incremental update (the original bytes stay a prefix)."""

    signer = firmatario(nome, codice_fiscale, autorita=autorita)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=_nome_campo_libero(writer.prev),
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=nome,
        reason="Firma di prova (nessun valore legale)",
    )
    uscita = _esegui(signers.async_sign_pdf(writer, meta, signer=signer))
    return uscita.getvalue()


def firma_cades(data: bytes, *, nome: str, codice_fiscale: str, formato: str = "der", autorita: str = "prova") -> bytes:
    """A CAdES-BES envelope (CMS SignedData, content attached) of ``data``: DER, PEM or bare base64."""
    if formato not in FORMATI_CADES:
        raise ValueError(f"Formato CAdES sconosciuto: {formato!r}")
    signer = firmatario(nome, codice_fiscale, autorita=autorita)
    ci = _esegui(signer.async_sign_general_data(data, "sha256", detached=False, use_cades=True))
    der = ci.dump()
    if formato == "pem":
        return pem.armor("PKCS7", der)
    if formato == "base64":
        return base64.encodebytes(der)
    return der


def _loop_attivo() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _esegui(coro):
    """Run a pyHanko coroutine from sync code (in a worker thread when a loop already runs here)."""

    if not _loop_attivo():
        return asyncio.run(coro)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def pdf_di_prova(testo: str = "Documento di prova", pagine: int = 1) -> bytes:
    """A small valid PDF (classic xref table, Helvetica) with ``testo`` on each page: for demos and tests."""
    oggetti = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pagine))
    oggetti.append(f"<< /Type /Pages /Kids [{kids}] /Count {pagine} >>".encode())
    font = 3 + 2 * pagine
    for i in range(pagine):
        riga = f"{testo} - pagina {i + 1}".replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 14 Tf 72 720 Td ({riga}) Tj ET".encode("latin-1", "replace")
        oggetti.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        oggetti.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    oggetti.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, corpo in enumerate(oggetti, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + corpo + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(oggetti) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(oggetti) + 1, xref)
    return bytes(out)
