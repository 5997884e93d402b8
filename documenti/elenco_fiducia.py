"""Trust roots from a trusted list (ETSI TS 119 612, e.g. AgID's ``TSL-IT.xml``) or a PEM bundle.

``certificati()`` gives the certificates of the qualified CAs (``CA/QC``) and time-stamping
authorities (``TSA/QTST``) whose current status is "granted", from ``conf.trusted_list()``: a local
file, or a URL downloaded at most once per ``SCT_FIRMA_TRUSTED_LIST_MAX_ETA`` into
``SCT_FIRMA_TRUSTED_LIST_DIR`` (a failed download keeps the previous copy). The XML signature of
the list is not checked here (pyHanko's EUTL tooling needs the ``signxml``/``xsdata`` extras):
the list must come over HTTPS from AgID, or from a file the operator put there.
"""

import base64
import functools
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

import requests
from asn1crypto import x509
from lxml import etree
from pyhanko.keys import load_certs_from_pemder_data

from . import conf

logger = logging.getLogger(__name__)

NS = "http://uri.etsi.org/02231/v2#"
TIPI_SERVIZIO = {
    "http://uri.etsi.org/TrstSvc/Svctype/CA/QC",
    "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST",
}
STATO_CONCESSO = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
_MASSIMO_BYTE = 50 * 1024 * 1024


class ElencoIllegibile(ValueError):
    """The trusted list could not be parsed."""


def certificati_da_xml(xml: bytes) -> list[x509.Certificate]:
    """The granted CA/QC and TSA/QTST certificates of a trusted list (no DTD, entities or network)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        radice = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ElencoIllegibile(f"trusted list non leggibile: {exc}") from exc
    trovati: dict[bytes, x509.Certificate] = {}
    for info in radice.iter(f"{{{NS}}}ServiceInformation"):
        tipo = (info.findtext(f"{{{NS}}}ServiceTypeIdentifier") or "").strip()
        stato = (info.findtext(f"{{{NS}}}ServiceStatus") or "").strip()
        if tipo not in TIPI_SERVIZIO or stato != STATO_CONCESSO:
            continue
        for elemento in info.iterfind(f"{{{NS}}}ServiceDigitalIdentity/{{{NS}}}DigitalId/{{{NS}}}X509Certificate"):
            try:
                cert = x509.Certificate.load(base64.b64decode("".join((elemento.text or "").split())))
                cert.native  # noqa: B018 - parse now: a broken entry is skipped, not met during validation
            except (ValueError, TypeError) as exc:
                logger.warning("Certificato illeggibile nella trusted list: %s", exc)
                continue
            trovati.setdefault(cert.sha256, cert)
    return list(trovati.values())


def certificati_da_dati(dati: bytes) -> list[x509.Certificate]:
    """A trusted list (XML) or a PEM/DER bundle of certificates."""
    if dati.lstrip()[:1] == b"<":
        return certificati_da_xml(dati)
    try:
        return list(load_certs_from_pemder_data(dati))
    except ValueError as exc:
        raise ElencoIllegibile(f"né trusted list né certificati PEM: {exc}") from exc


@functools.lru_cache(maxsize=4)
def _da_file(percorso: str, _mtime: int) -> tuple[x509.Certificate, ...]:
    try:
        return tuple(certificati_da_dati(Path(percorso).read_bytes()))
    except (OSError, ElencoIllegibile) as exc:
        logger.error("Trusted list %s illeggibile: %s", percorso, exc)
        return ()


def _copia_locale(url: str) -> Path:
    return conf.trusted_list_dir() / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}.xml"


def scarica(url: str) -> Path:
    """Download ``url`` into the cache (atomically, only if it parses); raises on failure."""
    risposta = requests.get(url, timeout=conf.trusted_list_timeout(), stream=True)
    risposta.raise_for_status()
    dati = risposta.raw.read(_MASSIMO_BYTE + 1, decode_content=True)
    if len(dati) > _MASSIMO_BYTE:
        raise ElencoIllegibile("trusted list troppo grande")
    if not certificati_da_dati(dati):
        raise ElencoIllegibile("la trusted list non contiene certificati di servizi qualificati attivi")
    destinazione = _copia_locale(url)
    destinazione.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=destinazione.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(dati)
        os.replace(tmp, destinazione)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return destinazione


def _file_per_url(url: str, *, aggiorna: bool) -> Path | None:
    copia = _copia_locale(url)
    try:
        eta = time.time() - copia.stat().st_mtime
    except OSError:
        eta = None
    if not aggiorna and eta is not None and eta < conf.trusted_list_max_eta():
        return copia
    try:
        return scarica(url)
    except (requests.RequestException, ElencoIllegibile, OSError) as exc:
        if eta is None:
            logger.error("Trusted list %s non scaricata e senza copia locale: %s", url, exc)
            return None
        logger.warning("Trusted list %s non aggiornata (uso la copia di %.0f ore fa): %s", url, eta / 3600, exc)
        return copia


def certificati(*, aggiorna: bool = False) -> tuple[x509.Certificate, ...]:
    """The trust roots of the configured trusted list (empty when none is configured or readable)."""
    sorgente = conf.trusted_list()
    if not sorgente:
        return ()
    if sorgente.startswith(("https://", "http://")):
        percorso = _file_per_url(sorgente, aggiorna=aggiorna)
    else:
        percorso = Path(sorgente)
    if percorso is None:
        return ()
    try:
        mtime = percorso.stat().st_mtime_ns
    except OSError:
        logger.error("Trusted list non trovata: %s", percorso)
        return ()
    return _da_file(str(percorso), mtime)
