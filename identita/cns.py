"""CNS (Carta Nazionale dei Servizi): a TLS client certificate checked by the reverse proxy.

The proxy (nginx ``ssl_verify_client optional`` on ``/identita/cns/`` with the CNS CAs as
``ssl_client_certificate``) passes the certificate in ``SCT_CNS_HEADER`` (PEM, URL-encoded as
``$ssl_client_escaped_cert`` or with the newlines folded) and the outcome of its verification in
``SCT_CNS_VERIFY_HEADER`` (``SUCCESS``). They are believed only when the request comes from an
address in ``SCT_TRUSTED_PROXIES``; the proxy must also drop those headers from the client's request.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import unquote

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from organizzazioni.validators import valida_codice_fiscale

from .rete import da_proxy_fidato
from .services import normalizza_codice_fiscale

_PEM = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)
_CF_IN_CN = re.compile(r"^([A-Z0-9]{16})/")


class CertificatoNonValido(Exception):
    """The request does not carry a usable CNS certificate. ``str(exc)`` is the Italian message."""


@dataclass(frozen=True)
class CertificatoCNS:
    codice_fiscale: str
    titolare: str
    emittente: str
    scadenza: datetime.datetime


def cns_attiva() -> bool:
    return bool(getattr(settings, "SCT_CNS_ENABLED", False))


def _meta(nome_header: str) -> str:
    return "HTTP_" + nome_header.upper().replace("-", "_")


def carica_certificato(valore: str) -> x509.Certificate:
    """Parse the header's PEM, whether URL-encoded or with its newlines folded into spaces/tabs."""
    testo = unquote(valore) if "%" in valore else valore
    trovato = _PEM.search(testo)
    if not trovato:
        raise CertificatoNonValido("Il certificato presentato non è leggibile.")
    corpo = re.sub(r"\s+", "", trovato.group(1))
    righe = "\n".join(corpo[i : i + 64] for i in range(0, len(corpo), 64))
    pem = f"-----BEGIN CERTIFICATE-----\n{righe}\n-----END CERTIFICATE-----\n".encode()
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError as exc:
        raise CertificatoNonValido("Il certificato presentato non è leggibile.") from exc


def codice_fiscale_da_certificato(cert: x509.Certificate) -> str:
    """The holder's codice fiscale: subject serialNumber (``TINIT-…``, ``IT:…`` or bare), else the
    ``CF/…`` common name of older CNS cards."""
    candidati = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)]
    for cn in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        trovato = _CF_IN_CN.match(str(cn.value).upper())
        if trovato:
            candidati.append(trovato.group(1))
    for candidato in candidati:
        cf = normalizza_codice_fiscale(str(candidato))
        try:
            valida_codice_fiscale(cf)
        except ValidationError:
            continue
        if len(cf) == 16:
            return cf
    raise CertificatoNonValido("Il certificato non contiene un codice fiscale valido del titolare.")


def certificato_da_request(request) -> CertificatoCNS:
    """The verified CNS certificate of this request, or ``CertificatoNonValido`` with the reason."""
    if not cns_attiva():
        raise CertificatoNonValido("L'accesso con CNS non è attivo su questo sito.")
    if not da_proxy_fidato(request):
        raise CertificatoNonValido(
            "La richiesta non proviene dal proxy autorizzato a verificare la CNS: l'accesso con CNS non è possibile."
        )
    valore = request.META.get(_meta(settings.SCT_CNS_HEADER), "").strip()
    if not valore or valore == "(null)":
        raise CertificatoNonValido(
            "Nessun certificato CNS presentato: inserisci la carta nel lettore e consenti al browser di usarla."
        )
    esito = request.META.get(_meta(settings.SCT_CNS_VERIFY_HEADER), "").strip().upper()
    if esito != "SUCCESS":
        raise CertificatoNonValido(
            "Il certificato CNS presentato non è stato verificato dal proxy: accesso non possibile."
        )
    cert = carica_certificato(valore)
    adesso = timezone.now()
    if not (cert.not_valid_before_utc <= adesso <= cert.not_valid_after_utc):
        raise CertificatoNonValido("Il certificato CNS presentato è scaduto o non ancora valido.")
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        eku = None
    if eku is not None and ExtendedKeyUsageOID.CLIENT_AUTH not in eku:
        raise CertificatoNonValido("Il certificato presentato non è un certificato di autenticazione (CNS).")
    cf = codice_fiscale_da_certificato(cert)
    nomi = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    emittenti = cert.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME) or cert.issuer.get_attributes_for_oid(
        NameOID.COMMON_NAME
    )
    return CertificatoCNS(
        codice_fiscale=cf,
        titolare=str(nomi[0].value) if nomi else cf,
        emittente=str(emittenti[0].value) if emittenti else "",
        scadenza=cert.not_valid_after_utc,
    )
