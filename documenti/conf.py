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
