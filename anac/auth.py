"""Authentication hooks: a callable ``hook(contesto) -> dict`` of HTTP headers, chosen with the
``SCT_ANAC_AUTH`` setting (``semplice``, ``pdnd`` or a dotted path; see ``anac.conf``).

In production the PCP e-services are reached through PDND with the ModI profile: a voucher
(``Authorization: Bearer <voucher>`` obtained from the PDND authorization server with a signed
client assertion), the ``Agid-JWT-TrackingEvidence`` that carries the operating user (``userID`` =
codice fiscale of the RUP, ``userLocation``, ``LoA``), and for the integrity profile
``Digest`` + ``Agid-JWT-Signature`` computed over the body. ``anac.pdnd.intestazioni_pdnd``
(``SCT_ANAC_AUTH=pdnd``) builds those from the keys of the platform; it receives everything it
needs in :class:`Contesto`. A hook with the attribute ``rinnovabile = True`` is called once more
after a 401 of the PCP, with ``contesto.voucher_rifiutato`` set, to get a fresh voucher.

The default hook, for the bundled simulator, sends a static token and an *unsigned* tracking
evidence with the same claims: the simulator reads the user's codice fiscale from it, so the rule
"only the RUP may call crea-appalto" is exercised exactly as in production.
"""

import base64
import json
import time
import uuid
from dataclasses import dataclass, field

from . import conf


@dataclass
class Contesto:
    servizio: str  # e.g. "crea-appalto"
    metodo: str  # "GET" / "POST"
    url: str
    corpo: bytes = b""  # exact bytes sent (for Digest / signatures)
    codice_fiscale: str = ""  # the operating user (the RUP), "" if unknown
    utente: object = None  # the Django user, if any
    operazione: object = None  # the OperazioneANAC the call belongs to, if any (when it was requested)
    voucher_rifiutato: str | None = None  # the voucher the PCP just refused with 401
    extra: dict = field(default_factory=dict)


def _b64(dati: bytes) -> str:
    return base64.urlsafe_b64encode(dati).rstrip(b"=").decode()


def tracking_evidence_non_firmata(contesto: Contesto) -> str:
    """An ``alg: none`` JWT with the ModI tracking-evidence claims (simulator only)."""
    adesso = int(time.time())
    intestazione = {"alg": "none", "typ": "JWT"}
    claims = {
        "iss": "sct-negozio-elettronico",
        "aud": contesto.url,
        "iat": adesso,
        "exp": adesso + 300,
        "jti": str(uuid.uuid4()),
        "userID": contesto.codice_fiscale,
        "userLocation": "negozio-elettronico-sct",
        "LoA": "https://www.spid.gov.it/SpidL2",
    }
    return f"{_b64(json.dumps(intestazione).encode())}.{_b64(json.dumps(claims).encode())}."


def intestazioni_simulatore(contesto: Contesto) -> dict[str, str]:
    intestazioni = {"Authorization": f"Bearer {conf.token()}"}
    if contesto.codice_fiscale:
        intestazioni["Agid-JWT-TrackingEvidence"] = tracking_evidence_non_firmata(contesto)
    return intestazioni


def codice_fiscale_di(utente: object) -> str:
    """The codice fiscale stored in the user's Profilo ("" if none)."""
    profilo = getattr(utente, "profilo", None) if utente is not None else None
    return (getattr(profilo, "codice_fiscale", "") or "").upper()
