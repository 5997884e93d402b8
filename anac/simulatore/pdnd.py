"""PDND mode of the simulator: it is also the authorization server, and checks the ModI headers.

- ``POST /token`` (form): verifies the client assertion against the platform's registered public key
  (PEM or JWKS, by ``kid``), its ``iss``/``sub`` (client id), ``aud``, ``purposeId``, ``exp`` and
  ``jti`` (never twice), and issues a voucher signed with the simulator's own key, with ``aud`` = the
  PCP audience and the ``purposeId``;
- every PCP request: the voucher (signature, audience, purpose, not revoked), the
  ``Agid-JWT-TrackingEvidence`` (RS256 signed by the platform: ``alg none`` is refused; ``userID``
  is the operating user), for a body ``Digest`` (it must match the bytes) and
  ``Agid-JWT-Signature`` (signed, ``signed_headers`` with that digest, ``jti`` never twice).

A refusal is a :class:`~anac.simulatore.rifiuto.Rifiuto` with its own code, answered with the same
problem+json body as the other refusals of the simulator.
"""

import base64
import hashlib
import json
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .rifiuto import Rifiuto

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOLLERANZA = 5  # seconds of clock skew

ERRORI_PDND = {
    "PDND_RICHIESTA": "Richiesta del voucher non valida",
    "PDND_FIRMA": "Firma della client assertion non valida",
    "PDND_SCADUTA": "Client assertion scaduta",
    "PDND_RIUSATA": "Client assertion già usata (jti ripetuto)",
    "PDND_PURPOSE": "purposeId mancante o non autorizzato",
    "PDND_CLIENT": "Client non registrato",
    "VOUCHER": "Voucher mancante o non valido",
    "VOUCHER_AUDIENCE": "Voucher emesso per un altro destinatario",
    "TRACKING_EVIDENCE": "Agid-JWT-TrackingEvidence mancante o non firmata",
    "DIGEST": "Il Digest non corrisponde al corpo della richiesta",
    "SIGNATURE": "Agid-JWT-Signature mancante o non valida",
    "SIGNATURE_RIUSATA": "Agid-JWT-Signature già usata (jti ripetuto)",
}


def _chiavi_pubbliche(percorso):
    """``{kid or None: key}`` from a PEM public key or a JWKS file."""
    testo = Path(percorso).read_text()
    if testo.lstrip().startswith("{"):
        return {chiave.get("kid"): jwt.PyJWK(chiave).key for chiave in json.loads(testo)["keys"]}
    return {None: serialization.load_pem_public_key(testo.encode())}


class ServerPDND:
    def __init__(
        self,
        db,
        *,
        chiave_pubblica_client,
        client_id,
        purpose_id,
        audience_pcp,
        audience_token,
        chiave_privata=None,
        durata_voucher=600,
    ):
        self.db = db
        self.chiavi_client = _chiavi_pubbliche(chiave_pubblica_client)
        self.client_id = client_id
        self.purpose_id = purpose_id
        self.audience_pcp = audience_pcp
        self.audience_token = audience_token
        self.durata_voucher = int(durata_voucher)
        if chiave_privata:
            self.chiave = serialization.load_pem_private_key(Path(chiave_privata).read_bytes(), password=None)
        else:
            self.chiave = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "simulatore-pdnd"
        self.revocati_fino_a = 0  # vouchers issued at or before this sequence number are revoked
        self.emessi = 0
        db.execute(
            "CREATE TABLE IF NOT EXISTS jti_usati (jti TEXT PRIMARY KEY, tipo TEXT NOT NULL, scade REAL NOT NULL)"
        )

    def stato(self):
        return {
            "client_id": self.client_id,
            "purpose_id": self.purpose_id,
            "audience_pcp": self.audience_pcp,
            "audience_token": self.audience_token,
            "durata_voucher": self.durata_voucher,
            "voucher_emessi": self.emessi,
            "revocati_fino_a": self.revocati_fino_a,
        }

    def revoca_voucher(self):
        """Every voucher issued so far is refused from now on (the 401 a revoked voucher gets)."""
        self.revocati_fino_a = self.emessi

    # ---- helpers --------------------------------------------------------------------------

    def _chiave_client(self, token):
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return None
        return self.chiavi_client.get(kid) or self.chiavi_client.get(None)

    def _verifica_client(self, token, audience, errore_firma, errore_scaduta):
        """Claims of a JWT the platform signed (RS256 with its registered key), or a Rifiuto."""
        chiave = self._chiave_client(token)
        if chiave is None:
            raise Rifiuto(errore_firma, f"{ERRORI_PDND[errore_firma]}: chiave (kid) non registrata.", 401)
        try:
            return jwt.decode(
                token,
                chiave,
                algorithms=["RS256"],
                audience=audience,
                leeway=TOLLERANZA,
                options={"require": ["exp", "iat", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise Rifiuto(errore_scaduta, ERRORI_PDND[errore_scaduta], 401) from None
        except jwt.InvalidAudienceError:
            raise Rifiuto(errore_firma, f"{ERRORI_PDND[errore_firma]}: aud diverso da {audience}.", 401) from None
        except jwt.PyJWTError as exc:
            raise Rifiuto(errore_firma, f"{ERRORI_PDND[errore_firma]}: {exc}.", 401) from None

    def _jti_nuovo(self, jti, tipo, scade, codice):
        adesso = time.time()
        self.db.execute("DELETE FROM jti_usati WHERE scade < ?", (adesso - 3600,))
        if self.db.execute("SELECT 1 FROM jti_usati WHERE jti=? AND tipo=?", (str(jti), tipo)).fetchone():
            raise Rifiuto(codice, ERRORI_PDND[codice], 401 if tipo == "asserzione" else 403)
        self.db.execute("INSERT INTO jti_usati VALUES (?, ?, ?)", (str(jti), tipo, float(scade)))

    # ---- authorization server -------------------------------------------------------------

    def token(self, modulo):
        """``modulo``: the form fields. Returns the OAuth answer (dict) or raises Rifiuto."""
        if (
            modulo.get("grant_type") != "client_credentials"
            or modulo.get("client_assertion_type") != CLIENT_ASSERTION_TYPE
            or not modulo.get("client_assertion")
        ):
            raise Rifiuto(
                "PDND_RICHIESTA",
                f"{ERRORI_PDND['PDND_RICHIESTA']}: grant_type, client_assertion_type "
                "e client_assertion sono obbligatori.",
                400,
            )
        if modulo.get("client_id") != self.client_id:
            raise Rifiuto("PDND_CLIENT", ERRORI_PDND["PDND_CLIENT"], 401)
        claims = self._verifica_client(modulo["client_assertion"], self.audience_token, "PDND_FIRMA", "PDND_SCADUTA")
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            raise Rifiuto("PDND_CLIENT", f"{ERRORI_PDND['PDND_CLIENT']}: iss e sub devono essere il client id.", 401)
        if claims.get("purposeId") != self.purpose_id:
            raise Rifiuto("PDND_PURPOSE", ERRORI_PDND["PDND_PURPOSE"], 401)
        self._jti_nuovo(claims["jti"], "asserzione", claims["exp"], "PDND_RIUSATA")
        self.emessi += 1
        adesso = int(time.time())
        voucher = jwt.encode(
            {
                "iss": "simulatore-pdnd",
                "sub": self.client_id,
                "client_id": self.client_id,
                "aud": self.audience_pcp,
                "purposeId": self.purpose_id,
                "jti": str(uuid.uuid4()),
                "iat": adesso,
                "nbf": adesso,
                "exp": adesso + self.durata_voucher,
                "seq": self.emessi,
            },
            self.chiave,
            algorithm="RS256",
            headers={"kid": self.kid, "typ": "at+jwt"},
        )
        return {"access_token": voucher, "token_type": "Bearer", "expires_in": self.durata_voucher}

    # ---- resource server (the PCP) --------------------------------------------------------

    def verifica(self, metodo, intestazioni, corpo):
        """Check the headers of a PCP request; returns ``(codice fiscale, LoA)`` of the operating user."""
        self._verifica_voucher(intestazioni.get("authorization", ""))
        cf = loa = ""
        evidenza = intestazioni.get("agid-jwt-trackingevidence")
        if evidenza:
            claims = self._verifica_client(evidenza, self.audience_pcp, "TRACKING_EVIDENCE", "TRACKING_EVIDENCE")
            if claims.get("iss") != self.client_id:
                raise Rifiuto("TRACKING_EVIDENCE", f"{ERRORI_PDND['TRACKING_EVIDENCE']}: iss diverso dal client.", 401)
            cf, loa = str(claims.get("userID", "")).upper(), str(claims.get("LoA", ""))
        if metodo == "POST":
            self._verifica_integrita(intestazioni, corpo)
        return cf, loa

    def _verifica_voucher(self, autorizzazione):
        if not autorizzazione.startswith("Bearer "):
            raise Rifiuto("VOUCHER", ERRORI_PDND["VOUCHER"], 401)
        try:
            claims = jwt.decode(
                autorizzazione[7:],
                self.chiave.public_key(),
                algorithms=["RS256"],
                audience=self.audience_pcp,
                leeway=TOLLERANZA,
                options={"require": ["exp", "aud"]},
            )
        except jwt.InvalidAudienceError:
            raise Rifiuto("VOUCHER_AUDIENCE", ERRORI_PDND["VOUCHER_AUDIENCE"], 401) from None
        except jwt.PyJWTError as exc:
            raise Rifiuto("VOUCHER", f"{ERRORI_PDND['VOUCHER']}: {exc}.", 401) from None
        if claims.get("purposeId") != self.purpose_id:
            raise Rifiuto("VOUCHER", f"{ERRORI_PDND['VOUCHER']}: finalità (purposeId) diversa.", 401)
        if int(claims.get("seq") or 0) <= self.revocati_fino_a:
            raise Rifiuto("VOUCHER", f"{ERRORI_PDND['VOUCHER']}: voucher revocato.", 401)

    def _verifica_integrita(self, intestazioni, corpo):
        atteso = "SHA-256=" + base64.b64encode(hashlib.sha256(corpo).digest()).decode()
        if intestazioni.get("digest") != atteso:
            raise Rifiuto("DIGEST", ERRORI_PDND["DIGEST"], 400)
        firma = intestazioni.get("agid-jwt-signature")
        if not firma:
            raise Rifiuto("SIGNATURE", ERRORI_PDND["SIGNATURE"], 401)
        claims = self._verifica_client(firma, self.audience_pcp, "SIGNATURE", "SIGNATURE")
        firmate = {}
        for voce in claims.get("signed_headers") or []:
            if isinstance(voce, dict):
                firmate.update({str(k).lower(): v for k, v in voce.items()})
        if firmate.get("digest") != atteso or firmate.get("content-type") != intestazioni.get("content-type"):
            raise Rifiuto("SIGNATURE", f"{ERRORI_PDND['SIGNATURE']}: signed_headers non corrispondono.", 401)
        self._jti_nuovo(claims["jti"], "signature", claims["exp"], "SIGNATURE_RIUSATA")
