"""PDND voucher and ModI headers for the PCP e-services (``SCT_ANAC_AUTH=pdnd``).

- **Voucher**: a client assertion (JWT RS256, header ``kid``; ``iss`` = ``sub`` = client id, ``aud`` =
  the PDND authorization server, ``purposeId``, ``jti``, ``iat``, ``exp`` short) is exchanged at
  ``SCT_PDND_TOKEN_URL`` (``grant_type=client_credentials``, ``client_assertion_type=…jwt-bearer``)
  for a voucher, kept in the Django cache until ``SCT_PDND_MARGINE_VOUCHER`` seconds before it
  expires. One process at a time asks for a new one: the lock is a Django cache key taken with
  ``cache.add`` (atomic in Redis and in the local memory cache) with a timeout, so a process that dies
  holding it frees it by itself; the others wait for the cached voucher (if the cache is down, each
  call asks for its own voucher). A 401 of the PCP makes the
  client ask once for a fresh voucher (``Contesto.rinnova``).
- **Agid-JWT-TrackingEvidence** (RS256): ``userID`` = codice fiscale of the RUP, ``userLocation``,
  ``LoA`` of the authentication with which the user asked for the operation (``anac.segnali``).
- **Integrity** (ModI INTEGRITY_REST_02): ``Digest: SHA-256=<base64>`` of the exact body bytes and
  ``Agid-JWT-Signature`` (RS256, ``signed_headers`` with ``digest`` and ``content-type``, own ``jti``).

Every voucher request is reported on ``anac.segnali.voucher_richiesto`` (the audit log). Nothing
here logs an assertion, a voucher or the key.
"""

import base64
import hashlib
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import requests
from django.core.cache import cache

from sct_site.cache.backend import in_guasto

from . import conf
from .auth import Contesto
from .segnali import loa_di, voucher_richiesto

log = logging.getLogger(__name__)

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ATTESA_LOCK = 15  # seconds a process waits for the voucher another one is asking for


class ErrorePDND(Exception):
    """The voucher could not be obtained (configuration, network, refusal). The message is Italian
    and carries no secret; ``transitorio``: retrying may help (network, 429, 5xx of PDND)."""

    def __init__(self, messaggio: str, transitorio: bool = False) -> None:
        super().__init__(messaggio)
        self.transitorio = transitorio


def _obbligatorio(nome: str) -> str:
    valore = conf.pdnd(nome)
    if not valore:
        raise ErrorePDND(f"Configurazione PDND incompleta: manca {nome}.")
    return valore


def chiave_privata() -> str:
    """The PEM of the client's private key: ``SCT_PDND_CHIAVE_PRIVATA`` (a path) or
    ``SCT_PDND_CHIAVE_PRIVATA_PEM`` (the PEM itself, from the environment)."""
    pem = conf.pdnd("SCT_PDND_CHIAVE_PRIVATA_PEM")
    if pem:
        return pem.replace("\\n", "\n")
    percorso = conf.pdnd("SCT_PDND_CHIAVE_PRIVATA")
    if not percorso:
        raise ErrorePDND(
            "Configurazione PDND incompleta: manca SCT_PDND_CHIAVE_PRIVATA (o SCT_PDND_CHIAVE_PRIVATA_PEM)."
        )
    try:
        return Path(percorso).read_text()
    except OSError as exc:
        raise ErrorePDND(f"Chiave privata PDND non leggibile ({percorso}): {exc.strerror}.") from None


def _firma(claims: dict[str, Any], tipo: str = "JWT") -> tuple[str, str]:
    durata = int(conf.pdnd("SCT_PDND_DURATA_JWT", "60"))
    adesso = int(time.time())
    claims = {"jti": str(uuid.uuid4()), "iat": adesso, "nbf": adesso, "exp": adesso + durata, **claims}
    intestazione = {"kid": _obbligatorio("SCT_PDND_KID"), "typ": tipo}
    return jwt.encode(claims, chiave_privata(), algorithm="RS256", headers=intestazione), claims["jti"]


def client_assertion() -> tuple[str, str]:
    """``(jwt, jti)``: the client assertion for the voucher request."""
    client_id = _obbligatorio("SCT_PDND_CLIENT_ID")
    return _firma(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": _obbligatorio("SCT_PDND_AUDIENCE"),
            "purposeId": _obbligatorio("SCT_PDND_PURPOSE_ID"),
        }
    )


def _chiave_cache() -> str:
    return f"anac:pdnd:voucher:{conf.pdnd('SCT_PDND_CLIENT_ID')}:{conf.pdnd('SCT_PDND_PURPOSE_ID')}"


def richiedi_voucher() -> tuple[str, int]:
    """Ask the authorization server for a voucher: ``(voucher, validità in secondi)``."""
    url = _obbligatorio("SCT_PDND_TOKEN_URL")
    asserzione, jti = client_assertion()
    client_id = conf.pdnd("SCT_PDND_CLIENT_ID")
    dati: dict[str, Any] = {
        "client_id": client_id,
        "purpose_id": conf.pdnd("SCT_PDND_PURPOSE_ID"),
        "jti": jti,
        "url": url,
        "esito": "errore",
        "http_status": None,
        "scadenza_s": None,
        "errore": "",
    }
    try:
        risposta = requests.post(
            url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": asserzione,
                "client_id": client_id,
            },
            headers={"Accept": "application/json"},
            timeout=conf.timeout(),
        )
        dati["http_status"] = risposta.status_code
        try:
            corpo = risposta.json()
        except ValueError:
            corpo = {}
        if not isinstance(corpo, dict):
            corpo = {}
        if risposta.status_code != 200 or not corpo.get("access_token"):
            dati["errore"] = _motivo(corpo, risposta.status_code)
            raise ErrorePDND(
                f"PDND ha rifiutato la richiesta del voucher: {dati['errore']}",
                transitorio=risposta.status_code >= 500 or risposta.status_code == 429,
            )
        durata = int(corpo.get("expires_in") or 600)
        dati.update(esito="ok", scadenza_s=durata)
        return corpo["access_token"], durata
    except requests.RequestException as exc:
        dati["errore"] = type(exc).__name__
        raise ErrorePDND("Server di autorizzazione PDND non raggiungibile.", transitorio=True) from None
    finally:
        log.info("Voucher PDND richiesto: client %s, esito %s, HTTP %s", client_id, dati["esito"], dati["http_status"])
        voucher_richiesto.send(sender=None, dati=dati)


def _motivo(corpo: dict[str, Any], status: int) -> str:
    """A short reason from an error body (the PCP's ``errori`` / ``detail`` or OAuth's ``error``)."""
    for errore in corpo.get("errori") or []:
        if isinstance(errore, dict) and (errore.get("dettaglio") or errore.get("codice")):
            return f"{errore.get('codice', '')}: {errore.get('dettaglio', '')}".strip(": ")[:300]
    testo = corpo.get("error_description") or corpo.get("detail") or corpo.get("error") or ""
    return (str(testo) or f"errore HTTP {status}")[:300]


def voucher(rifiutato: str | None = None) -> str:
    """The cached voucher, or a new one. ``rifiutato``: the voucher the PCP just refused (401): it is
    replaced unless another process already did."""
    chiave = _chiave_cache()
    attuale = cache.get(chiave)
    if attuale and attuale != rifiutato:
        return attuale
    lock = chiave + ":lock"
    fine = time.monotonic() + ATTESA_LOCK
    while not cache.add(lock, os.getpid(), timeout=ATTESA_LOCK + 15):
        if in_guasto(cache):  # Redis down: no cache, no lock; each call asks for its own voucher
            return richiedi_voucher()[0]
        if time.monotonic() > fine:
            raise ErrorePDND(
                "Voucher PDND non disponibile: un'altra richiesta del voucher non si è conclusa.", transitorio=True
            )
        time.sleep(0.05)
        attuale = cache.get(chiave)
        if attuale and attuale != rifiutato:
            return attuale
    try:
        attuale = cache.get(chiave)  # asked for while we were waiting for the lock
        if attuale and attuale != rifiutato:
            return attuale
        nuovo, durata = richiedi_voucher()
        margine = int(conf.pdnd("SCT_PDND_MARGINE_VOUCHER", "60"))
        cache.set(chiave, nuovo, timeout=max(durata - margine, 1))
        return nuovo
    finally:
        cache.delete(lock)


def digest(corpo: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(corpo).digest()).decode()


def tracking_evidence(contesto: Contesto) -> str:
    """The signed ``Agid-JWT-TrackingEvidence`` of the operating user."""
    operazione = contesto.operazione
    quando = getattr(operazione, "creata_il", None)
    claims = {
        "iss": _obbligatorio("SCT_PDND_CLIENT_ID"),
        "aud": _obbligatorio("SCT_ANAC_AUDIENCE"),
        "purposeId": conf.pdnd("SCT_PDND_PURPOSE_ID"),
        "userID": contesto.codice_fiscale,
        "userLocation": conf.pdnd("SCT_PDND_USER_LOCATION", "negozio-elettronico-sct"),
        "LoA": loa_di(contesto.utente, quando),
    }
    return _firma(claims)[0]


def firma_integrita(contesto: Contesto, intestazioni_firmate: dict[str, str]) -> str:
    """``Agid-JWT-Signature`` over the given headers (``digest``, ``content-type``)."""
    client_id = _obbligatorio("SCT_PDND_CLIENT_ID")
    return _firma(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": _obbligatorio("SCT_ANAC_AUDIENCE"),
            "signed_headers": [{nome.lower(): valore} for nome, valore in intestazioni_firmate.items()],
        }
    )[0]


def intestazioni_pdnd(contesto: Contesto) -> dict[str, str]:
    """The authentication hook of ``SCT_ANAC_AUTH=pdnd`` (see ``anac.auth``)."""
    intestazioni = {"Authorization": f"Bearer {voucher(rifiutato=contesto.voucher_rifiutato)}"}
    if contesto.codice_fiscale:
        intestazioni["Agid-JWT-TrackingEvidence"] = tracking_evidence(contesto)
    if contesto.metodo == "POST":
        firmate = {"Digest": digest(contesto.corpo), "Content-Type": "application/json"}
        intestazioni.update(firmate)
        intestazioni["Agid-JWT-Signature"] = firma_integrita(contesto, firmate)
    return intestazioni


# The client retries once with a fresh voucher after a 401.
intestazioni_pdnd.rinnovabile = True  # type: ignore[attr-defined]  # a marker attribute on the hook function
