"""Optional antivirus scan of uploads through clamd (``SCT_ANTIVIRUS_CLAMD``), stdlib only.

``SCT_ANTIVIRUS_CLAMD`` (setting or environment variable): ``unix:///run/clamav/clamd.ctl`` or
``tcp://127.0.0.1:3310``. Unset: no scan. Set: every upload is streamed to clamd (INSTREAM) before
it is stored; a file clamd reports as infected is refused, and when clamd cannot be reached the
upload is refused too (fail closed: a configured scanner that is down must not let files through).
"""

import logging
import os
import socket
import struct
from urllib.parse import urlparse

from django.conf import settings

from .errori import FileNonValido

logger = logging.getLogger(__name__)

_BLOCCO = 64 * 1024
_TIMEOUT = 30


def indirizzo_clamd() -> str:
    return getattr(settings, "SCT_ANTIVIRUS_CLAMD", None) or os.environ.get("SCT_ANTIVIRUS_CLAMD", "")


def _connetti(indirizzo: str) -> socket.socket:
    url = urlparse(indirizzo)
    if url.scheme == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(_TIMEOUT)
        s.connect(url.path)
        return s
    if url.scheme == "tcp" and url.hostname:
        return socket.create_connection((url.hostname, url.port or 3310), timeout=_TIMEOUT)
    raise ValueError(f"SCT_ANTIVIRUS_CLAMD non valido: {indirizzo!r} (usa unix:///percorso o tcp://host:porta)")


def scansiona(data: bytes) -> str | None:
    """The virus name clamd reports for ``data``, or ``None`` when clean. Raises ``OSError``/``ValueError``."""
    with _connetti(indirizzo_clamd()) as s:
        s.sendall(b"zINSTREAM\0")
        for inizio in range(0, len(data), _BLOCCO):
            blocco = data[inizio : inizio + _BLOCCO]
            s.sendall(struct.pack("!L", len(blocco)) + blocco)
        s.sendall(struct.pack("!L", 0))
        risposta = bytearray()
        while not risposta.endswith(b"\0"):
            parte = s.recv(4096)
            if not parte:
                break
            risposta += parte
    testo = bytes(risposta).rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK" | "stream: Eicar-Test-Signature FOUND" | "INSTREAM size limit exceeded. ERROR"
    if testo.endswith(" FOUND"):
        return testo.removeprefix("stream:").removesuffix(" FOUND").strip() or "sconosciuto"
    if testo.endswith("OK"):
        return None
    raise OSError(f"risposta di clamd inattesa: {testo!r}")


def controlla(data: bytes, nome: str) -> None:
    """Refuse ``data`` if clamd finds a virus or cannot be asked; no-op when no clamd is configured."""
    if not indirizzo_clamd():
        return
    try:
        virus = scansiona(data)
    except (OSError, ValueError) as exc:
        logger.error("Antivirus non raggiungibile (%s): %s", type(exc).__name__, exc)
        raise FileNonValido(
            f"Non è stato possibile eseguire il controllo antivirus sul file «{nome}»: il servizio non è al "
            "momento disponibile. Riprova più tardi.",
            code="antivirus_non_disponibile",
        ) from exc
    if virus:
        logger.warning("Caricamento rifiutato dall'antivirus: %s", virus)
        raise FileNonValido(
            f"Il file «{nome}» contiene un virus o un contenuto malevolo ({virus}) e non è stato accettato.",
            code="virus",
        )
