"""Settings of the ``documenti`` app, each with its default (read at call time, so tests can override)."""

import os
from pathlib import Path

from django.conf import settings

MEGABYTE = 1024 * 1024


def max_upload_bytes() -> int:
    """Largest accepted upload (``SCT_MAX_UPLOAD_BYTES``, 20 MB by default)."""
    return int(getattr(settings, "SCT_MAX_UPLOAD_BYTES", 20 * MEGABYTE))


def simulazione_attiva() -> bool:
    """Demo mode (``SCT_SIMULATED_SPID``): the demo CA is trusted and the "firma di prova" is on."""
    return bool(getattr(settings, "SCT_SIMULATED_SPID", False))


def _da_ambiente(nome):
    """Settings of this app may also come from the environment (the settings files are not ours)."""
    return os.environ.get(nome)


def richiedi_firma_attendibile() -> bool:
    """``SCT_FIRMA_RICHIEDI_ATTENDIBILE``: refuse intact signatures that do not chain to a trust root."""
    valore = getattr(settings, "SCT_FIRMA_RICHIEDI_ATTENDIBILE", None)
    if valore is None:
        valore = (_da_ambiente("SCT_FIRMA_RICHIEDI_ATTENDIBILE") or "").strip().lower() in {"1", "true", "yes", "on"}
    return bool(valore)


def firma_prova_dir() -> Path:
    """Where the demo CA and the demo signer certificates are cached (``SCT_FIRMA_PROVA_DIR``)."""
    valore = getattr(settings, "SCT_FIRMA_PROVA_DIR", None) or _da_ambiente("SCT_FIRMA_PROVA_DIR")
    if valore:
        return Path(valore)
    return Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "firma-prova"


def percorso_ca_di_prova(autorita: str = "prova") -> Path:
    """Where the certificate (PEM) of a demo CA is kept; ``firma_prova`` generates it there."""
    return firma_prova_dir() / f"ca-{autorita}.pem"


def trust_roots_paths() -> list[Path]:
    """PEM files of the trusted roots (``SCT_FIRMA_TRUST_ROOTS``).

    Default: the demo CA when the simulated authentication is on, nothing otherwise (then every
    signature is stored as "non attendibile" until a trust list is configured).
    """
    valore = getattr(settings, "SCT_FIRMA_TRUST_ROOTS", None)
    if valore is None and _da_ambiente("SCT_FIRMA_TRUST_ROOTS") is not None:
        # Comma-separated PEM paths; an empty variable means "no trust roots".
        valore = [p.strip() for p in _da_ambiente("SCT_FIRMA_TRUST_ROOTS").split(",") if p.strip()]
    if valore is not None:
        if isinstance(valore, str | Path):
            valore = [valore]
        return [Path(p) for p in valore]
    if simulazione_attiva():
        # Not generated yet: then no demo signature exists that it could validate.
        ca = percorso_ca_di_prova()
        return [ca] if ca.exists() else []
    return []


def max_annidamento_p7m() -> int:
    """How many nested CAdES envelopes (``.p7m.p7m…``) are unwrapped at most."""
    return int(getattr(settings, "SCT_P7M_MAX_ANNIDAMENTO", 3))


# Trusted list and revocation --------------------------------------------------------------------

# AgID's trusted list of the Italian qualified trust service providers (ETSI TS 119 612).
TRUSTED_LIST_AGID = "https://eidas.agid.gov.it/TL/TSL-IT.xml"


def trusted_list() -> str:
    """``SCT_FIRMA_TRUSTED_LIST``: path or http(s) URL of a trusted list (XML) or of a PEM bundle.

    Default: AgID's list in production (``SCT_ENVIRONMENT=production``), none elsewhere; an empty
    value turns it off. Its qualified CAs (and TSAs) are trust roots next to ``SCT_FIRMA_TRUST_ROOTS``.
    """
    valore = getattr(settings, "SCT_FIRMA_TRUSTED_LIST", None)
    if valore is None:
        valore = _da_ambiente("SCT_FIRMA_TRUSTED_LIST")
    if valore is None:
        valore = TRUSTED_LIST_AGID if getattr(settings, "SCT_ENVIRONMENT", "") == "production" else ""
    return str(valore).strip()


def trusted_list_dir() -> Path:
    """Where a downloaded trusted list is cached (``SCT_FIRMA_TRUSTED_LIST_DIR``)."""
    valore = getattr(settings, "SCT_FIRMA_TRUSTED_LIST_DIR", None) or _da_ambiente("SCT_FIRMA_TRUSTED_LIST_DIR")
    if valore:
        return Path(valore)
    return Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "trusted-list"


def _numero(nome: str, predefinito: float) -> float:
    valore = getattr(settings, nome, None)
    if valore is None:
        valore = _da_ambiente(nome)
    return float(valore) if valore not in (None, "") else predefinito


def trusted_list_max_eta() -> float:
    """Seconds a downloaded trusted list is used before it is downloaded again (``SCT_FIRMA_TRUSTED_LIST_MAX_ETA``, 1 day)."""
    return _numero("SCT_FIRMA_TRUSTED_LIST_MAX_ETA", 24 * 3600)


def trusted_list_timeout() -> float:
    """Seconds for the download of the trusted list (``SCT_FIRMA_TRUSTED_LIST_TIMEOUT``, 30)."""
    return _numero("SCT_FIRMA_TRUSTED_LIST_TIMEOUT", 30)


def revoca_online() -> bool:
    """``SCT_FIRMA_REVOCA_ONLINE``: ask the OCSP responders and download the CRLs named in the certificates (on)."""
    valore = getattr(settings, "SCT_FIRMA_REVOCA_ONLINE", None)
    if valore is None:
        valore = (_da_ambiente("SCT_FIRMA_REVOCA_ONLINE") or "1").strip().lower() in {"1", "true", "yes", "on"}
    return bool(valore)


def revoca_timeout() -> float:
    """Seconds for each OCSP request or CRL download (``SCT_FIRMA_REVOCA_TIMEOUT``, 5)."""
    return _numero("SCT_FIRMA_REVOCA_TIMEOUT", 5)
