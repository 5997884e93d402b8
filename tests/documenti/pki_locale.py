"""A test PKI over loopback: a CA, signer certificates whose AIA (OCSP) and CRL distribution point
name a local HTTP server started by the test, an OCSP responder and a CRL on it, and a TSA.

Built with ``cryptography`` (no certomancer): the OCSP responses are signed by the CA itself.
"""

import datetime
import io
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ADESSO = datetime.datetime.now(datetime.UTC)
_UTILIZZO_FIRMA = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def _chiave():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _pem_chiave(chiave) -> bytes:
    return chiave.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass
class Certificato:
    cert: x509.Certificate
    chiave: object

    @property
    def cert_pem(self) -> bytes:
        return _pem(self.cert)

    @property
    def key_pem(self) -> bytes:
        return _pem_chiave(self.chiave)


@dataclass
class PkiLocale:
    """The CA and its loopback services. ``revocati``: serial → revocation time."""

    ca: Certificato
    base_url: str = ""
    revocati: dict[int, datetime.datetime] = field(default_factory=dict)
    richieste: list[str] = field(default_factory=list)
    file_serviti: dict[str, bytes] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    @classmethod
    def crea(cls) -> "PkiLocale":
        chiave = _chiave()
        nome = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Certificatore di prova dei test"),
                x509.NameAttribute(NameOID.COMMON_NAME, "CA qualificata di prova (test revoca)"),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(nome)
            .issuer_name(nome)
            .public_key(chiave.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(ADESSO - datetime.timedelta(days=400))
            .not_valid_after(ADESSO + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
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
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(chiave.public_key()), critical=False)
            .sign(chiave, hashes.SHA256())
        )
        return cls(ca=Certificato(cert, chiave))

    # ------------------------------------------------------------------------------ certificates

    def firmatario(
        self, nome: str, codice_fiscale: str, *, dal=None, al=None, base_url: str | None = None, revoca: bool = True
    ) -> Certificato:
        """A signer certificate (non-repudiation, ``TINIT-<cf>``) whose OCSP/CRL point at ``base_url``."""
        chiave = _chiave()
        base = self.base_url if base_url is None else base_url
        costruttore = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
                        x509.NameAttribute(NameOID.COMMON_NAME, nome),
                        x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINIT-{codice_fiscale}"),
                    ]
                )
            )
            .issuer_name(self.ca.cert.subject)
            .public_key(chiave.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(dal or ADESSO - datetime.timedelta(days=300))
            .not_valid_after(al or ADESSO + datetime.timedelta(days=300))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_UTILIZZO_FIRMA, critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca.chiave.public_key()), critical=False
            )
        )
        if revoca:
            costruttore = costruttore.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(f"{base}/ocsp")
                        ),
                    ]
                ),
                critical=False,
            ).add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint([x509.UniformResourceIdentifier(f"{base}/crl")], None, None, None),
                    ]
                ),
                critical=False,
            )
        return Certificato(costruttore.sign(self.ca.chiave, hashes.SHA256()), chiave)

    def tsa(self) -> Certificato:
        chiave = _chiave()
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA di prova (test revoca)")]))
            .issuer_name(self.ca.cert.subject)
            .public_key(chiave.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(ADESSO - datetime.timedelta(days=300))
            .not_valid_after(ADESSO + datetime.timedelta(days=300))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(self.ca.chiave, hashes.SHA256())
        )
        return Certificato(cert, chiave)

    def revoca(self, cert: Certificato, quando: datetime.datetime) -> None:
        self.revocati[cert.cert.serial_number] = quando

    # ------------------------------------------------------------------------------ OCSP and CRL

    def crl(self) -> bytes:
        costruttore = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.ca.cert.subject)
            .last_update(datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5))
            .next_update(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1))
        )
        for seriale, quando in self.revocati.items():
            costruttore = costruttore.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(seriale).revocation_date(quando).build()
            )
        return costruttore.sign(self.ca.chiave, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def risposta_ocsp(self, richiesta_der: bytes) -> bytes:
        richiesta = ocsp.load_der_ocsp_request(richiesta_der)
        seriale = richiesta.serial_number
        adesso = datetime.datetime.now(datetime.UTC)
        revocato = self.revocati.get(seriale)
        costruttore = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=richiesta.issuer_name_hash,
                issuer_key_hash=richiesta.issuer_key_hash,
                serial_number=seriale,
                algorithm=richiesta.hash_algorithm,
                cert_status=ocsp.OCSPCertStatus.REVOKED if revocato else ocsp.OCSPCertStatus.GOOD,
                this_update=adesso - datetime.timedelta(minutes=1),
                next_update=adesso + datetime.timedelta(hours=1),
                revocation_time=revocato,
                revocation_reason=x509.ReasonFlags.key_compromise if revocato else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.ca.cert)
        )
        for estensione in richiesta.extensions:
            if isinstance(estensione.value, x509.OCSPNonce):
                costruttore = costruttore.add_extension(estensione.value, critical=False)
        return costruttore.sign(self.ca.chiave, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    # ------------------------------------------------------------------------------ HTTP server

    def avvia(self) -> "PkiLocale":
        pki = self

        class Gestore(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _rispondi(self, corpo: bytes, tipo: str, stato: int = 200):
                self.send_response(stato)
                self.send_header("Content-Type", tipo)
                self.send_header("Content-Length", str(len(corpo)))
                self.end_headers()
                self.wfile.write(corpo)

            def do_GET(self):  # noqa: N802 - http.server's name
                pki.richieste.append(f"GET {self.path}")
                if self.path == "/crl":
                    return self._rispondi(pki.crl(), "application/pkix-crl")
                if self.path in pki.file_serviti:
                    return self._rispondi(pki.file_serviti[self.path], "application/xml")
                return self._rispondi(b"", "text/plain", 404)

            def do_POST(self):  # noqa: N802 - http.server's name
                pki.richieste.append(f"POST {self.path}")
                corpo = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/ocsp":
                    return self._rispondi(pki.risposta_ocsp(corpo), "application/ocsp-response")
                return self._rispondi(b"", "text/plain", 404)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def ferma(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def scrivi_ca(self, cartella: Path) -> Path:
        percorso = cartella / "ca-test-revoca.pem"
        percorso.write_bytes(self.ca.cert_pem)
        return percorso


def porta_chiusa() -> str:
    """A loopback URL where nothing listens (connection refused at once)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        porta = s.getsockname()[1]
    return f"http://127.0.0.1:{porta}"


def firma_pades(
    pdf: bytes,
    firmatario: Certificato,
    ca: Certificato,
    *,
    tsa: Certificato | None = None,
    marca_il: datetime.datetime | None = None,
) -> bytes:
    """Sign ``pdf`` (PAdES, incremental update), with an RFC 3161 timestamp of ``tsa`` at ``marca_il``."""
    import asyncio

    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    (cert,) = load_certs_from_pemder_data(firmatario.cert_pem)
    (ca_cert,) = load_certs_from_pemder_data(ca.cert_pem)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=load_private_key_from_pemder_data(firmatario.key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([ca_cert]),
    )
    marcatore = _marcatore(tsa, ca_cert, marca_il)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="Firma1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=marcatore)
    return asyncio.run(pdf_signer.async_sign_pdf(writer)).getvalue()


def _marcatore(tsa: Certificato | None, ca_cert, marca_il):
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import timestamps
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if tsa is None:
        return None
    (tsa_cert,) = load_certs_from_pemder_data(tsa.cert_pem)
    return timestamps.DummyTimeStamper(
        tsa_cert=tsa_cert,
        tsa_key=load_private_key_from_pemder_data(tsa.key_pem, passphrase=None),
        certs_to_embed=SimpleCertificateStore.from_certs([ca_cert]),
        fixed_dt=marca_il,
    )


def firma_cades(
    data: bytes,
    firmatario: Certificato,
    ca: Certificato,
    *,
    tsa: Certificato | None = None,
    marca_il: datetime.datetime | None = None,
) -> bytes:
    import asyncio

    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    (cert,) = load_certs_from_pemder_data(firmatario.cert_pem)
    (ca_cert,) = load_certs_from_pemder_data(ca.cert_pem)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=load_private_key_from_pemder_data(firmatario.key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([ca_cert]),
    )
    return asyncio.run(
        signer.async_sign_general_data(
            data, "sha256", detached=False, use_cades=True, timestamper=_marcatore(tsa, ca_cert, marca_il)
        )
    ).dump()
