"""A tiny OpenID Connect provider standing in for the SPID/CIE gateway, at the HTTP edge.

It runs a real HTTP server on 127.0.0.1 (a port in 8180–8199) in a thread and implements the
authorization-code flow with PKCE: ``/authorize`` (no login form: the test sets who "logs in" with
``op.prossima_identita``), ``/token`` (checks client secret, redirect URI, PKCE; one-time codes),
``/jwks`` and ``/userinfo``. ID tokens are RS256-signed with a test key. Faults: ``op.guasto``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "sct-negozio-elettronico"
CLIENT_SECRET = "segreto-di-prova"  # noqa: S105


def _chiave():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeOP:
    def __init__(self):
        self.chiave = _chiave()
        self.kid = "chiave-di-prova"
        self.chiave_estranea = _chiave()  # signs forged tokens (guasto "firma")
        self.codici = {}
        self.richieste_autorizzazione = []
        self.richieste_token = []
        self.prossima_identita = {}
        self.guasto = None
        self.server = None
        self.issuer = ""

    # --- lifecycle -------------------------------------------------------------------------
    def avvia(self):
        gestore = _gestore(self)
        for porta in range(8180, 8200):
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", porta), gestore)
                break
            except OSError:
                continue
        else:  # pragma: no cover
            raise RuntimeError("nessuna porta libera tra 8180 e 8199 per il provider OIDC di prova")
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def ferma(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def impostazioni(self, **extra):
        """The settings a site would get from the environment to use this provider."""
        return {
            "SCT_OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256",
            **extra,
        }

    # --- protocol ---------------------------------------------------------------------------
    def jwks(self):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.chiave.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def autorizza(self, query):
        self.richieste_autorizzazione.append(query)
        if self.guasto == "annulla":
            return f"{query['redirect_uri']}?{urlencode({'error': 'access_denied', 'state': query['state']})}"
        codice = secrets.token_urlsafe(16)
        identita = {
            "fiscalNumber": "TINIT-BNCLRA75E45G999M",
            "acr": "https://www.spid.gov.it/SpidL2",
            "auth_time": int(time.time()),
            **self.prossima_identita,
        }
        self.codici[codice] = {"query": query, "identita": identita}
        return f"{query['redirect_uri']}?{urlencode({'code': codice, 'state': query['state']})}"

    def token(self, form, intestazioni):
        self.richieste_token.append(form)
        if self.guasto == "token-500":
            return 500, {"error": "server_error"}
        voce = self.codici.pop(form.get("code", ""), None)
        if voce is None:
            return 400, {"error": "invalid_grant"}
        query = voce["query"]
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        if form.get("redirect_uri") != query["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verificatore = form.get("code_verifier", "")
        atteso = base64.urlsafe_b64encode(hashlib.sha256(verificatore.encode()).digest()).rstrip(b"=").decode()
        if query.get("code_challenge") != atteso:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        identita = dict(voce["identita"])
        adesso = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "soggetto-" + identita.get("fiscalNumber", "x"),
            "aud": CLIENT_ID,
            "iat": adesso,
            "exp": adesso + 300,
            "nonce": query.get("nonce"),
            "acr": identita.pop("acr"),
            "auth_time": identita.pop("auth_time"),
        }
        userinfo = identita
        if self.guasto == "cf-nel-token":
            claims["fiscalNumber"] = userinfo.pop("fiscalNumber")
        for chiave in ("iss", "aud", "nonce", "exp"):
            if self.guasto == f"senza-{chiave}":
                claims.pop(chiave)
            if self.guasto == f"{chiave}-sbagliato":
                claims[chiave] = {"exp": adesso - 600}.get(chiave, "valore-sbagliato")
        if self.guasto == "auth_time-assente":
            claims.pop("auth_time")
        firma = self.chiave_estranea if self.guasto == "firma" else self.chiave
        id_token = jwt.encode(claims, firma, algorithm="RS256", headers={"kid": self.kid})
        accesso = secrets.token_urlsafe(16)
        self.codici[f"accesso:{accesso}"] = userinfo
        return 200, {"access_token": accesso, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def userinfo(self, intestazioni):
        token = intestazioni.get("Authorization", "").removeprefix("Bearer ")
        userinfo = self.codici.get(f"accesso:{token}")
        if userinfo is None:
            return 401, {"error": "invalid_token"}
        return 200, userinfo


def _gestore(op: FakeOP):
    class Gestore(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _json(self, stato, corpo):
            dati = json.dumps(corpo).encode()
            self.send_response(stato)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(dati)))
            self.end_headers()
            self.wfile.write(dati)

        def do_GET(self):  # noqa: N802
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/authorize":
                self.send_response(302)
                self.send_header("Location", op.autorizza(query))
                self.end_headers()
            elif url.path == "/jwks":
                self._json(200, op.jwks())
            elif url.path == "/userinfo":
                self._json(*op.userinfo(dict(self.headers)))
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self):  # noqa: N802
            lunghezza = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(lunghezza).decode()).items()}
            if urlparse(self.path).path == "/token":
                self._json(*op.token(form, dict(self.headers)))
            else:
                self._json(404, {"error": "not_found"})

    return Gestore
