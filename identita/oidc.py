"""SPID / CIE through an OpenID Connect gateway (mozilla-django-oidc as the relying party).

The gateway authenticates the person with SPID or CIE and returns a signed ID token with ``acr``
(``https://www.spid.gov.it/SpidL1..3`` or ``CIE_L1..3``), ``auth_time`` and the codice fiscale
(``fiscalNumber``, ``TINIT-…``; in the ID token or from the userinfo endpoint). The local user is
the one whose Profilo has that codice fiscale: users are never created from a login.

Step-up: ``/identita/oidc/avvia/?fonte=spid&livello=2&forza=1&next=…`` sends ``prompt=login``,
``max_age=0`` and ``acr_values`` of the wanted levels; the callback refuses a level below the one
asked and, when forced, an ``auth_time`` older than the request.
"""

from __future__ import annotations

import datetime
import logging
from urllib.parse import parse_qs, urlparse

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import render
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import services

logger = logging.getLogger(__name__)

CHIAVE_RICHIESTE = "identita_oidc_richieste"
SPID_ACR = "https://www.spid.gov.it/SpidL{}"
CIE_ACR = "CIE_L{}"
TOLLERANZA_OROLOGIO = datetime.timedelta(seconds=60)


def oidc_attivo() -> bool:
    return bool(getattr(settings, "SCT_OIDC_ENABLED", False))


def livello_da_acr(acr: str) -> tuple[str, int] | None:
    """``https://www.spid.gov.it/SpidL2`` → ("spid", 2); ``CIE_L3`` → ("cie", 3); else None."""
    acr = (acr or "").strip()
    for livello in (1, 2, 3):
        if acr == SPID_ACR.format(livello):
            return "spid", livello
        if acr.upper() == CIE_ACR.format(livello):
            return "cie", livello
    return None


def acr_values(fonte: str, livello_minimo: int) -> str:
    modello = CIE_ACR if fonte == "cie" else SPID_ACR
    return " ".join(modello.format(n) for n in range(livello_minimo, 4))


class AccessoRifiutato(SuspiciousOperation):
    """A login the gateway accepted but we refuse; the message is for the user."""


class SpidCieOIDCBackend(OIDCAuthenticationBackend):
    """Authentication backend: inert unless ``SCT_OIDC_ENABLED`` (so it can stay in
    AUTHENTICATION_BACKENDS everywhere and still load users of existing sessions)."""

    def __init__(self, *args, **kwargs):
        self.attivo = oidc_attivo()
        if self.attivo:
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not self.attivo or request is None or "nonce" not in kwargs:
            return None
        self.richiesta = self._richiesta_in_sessione(request)
        return super().authenticate(request, **kwargs)

    @staticmethod
    def _richiesta_in_sessione(request):
        state = request.GET.get("state", "")
        richieste = request.session.get(CHIAVE_RICHIESTE, {})
        return richieste.get(state) or {"fonte": "spid", "livello": 1, "forza": False, "avviata_il": None}

    def get_userinfo(self, access_token, id_token, payload):
        if not self.OIDC_OP_USER_ENDPOINT:
            return {}
        return super().get_userinfo(access_token, id_token, payload)

    def _rifiuta(self, messaggio, codice_fiscale=""):
        self.request.identita_errore = messaggio
        services.registra_accesso_rifiutato(
            self.request, fonte=self.richiesta.get("fonte", "spid"), motivo=messaggio, codice_fiscale=codice_fiscale
        )
        raise AccessoRifiutato(messaggio)

    def _verifica_id_token(self, payload):
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            self._rifiuta("Il token di identità non proviene dal gestore configurato.")
        aud = payload.get("aud")
        destinatari = aud if isinstance(aud, list) else [aud]
        if self.OIDC_RP_CLIENT_ID not in destinatari:
            self._rifiuta("Il token di identità non è destinato a questo sito.")
        if "exp" not in payload:
            self._rifiuta("Il token di identità non ha una scadenza.")

    def get_or_create_user(self, access_token, id_token, payload):
        self._verifica_id_token(payload)
        claims = dict(self.get_userinfo(access_token, id_token, payload) or {})
        claims.update(payload)  # the signed ID token wins over userinfo

        livello = livello_da_acr(payload.get("acr", ""))
        cf = services.normalizza_codice_fiscale(str(claims.get("fiscalNumber") or claims.get("fiscal_number") or ""))
        if livello is None:
            self._rifiuta(
                "Il gestore dell'identità non ha indicato un livello di autenticazione SPID o CIE riconosciuto.", cf
            )
        fonte, numero = livello
        minimo = int(self.richiesta.get("livello", 1))
        if numero < minimo:
            self._rifiuta(
                f"L'accesso è avvenuto con livello {numero}, inferiore al livello {minimo} richiesto: "
                "ripeti l'accesso con un livello adeguato.",
                cf,
            )
        momento = payload.get("auth_time") or payload.get("iat")
        if momento is None:
            self._rifiuta("Il gestore dell'identità non ha indicato il momento dell'autenticazione.", cf)
        quando = datetime.datetime.fromtimestamp(int(momento), tz=datetime.UTC)
        if quando > timezone.now() + TOLLERANZA_OROLOGIO:
            self._rifiuta("Il momento dell'autenticazione indicato dal gestore dell'identità è nel futuro.", cf)
        avviata = self.richiesta.get("avviata_il")
        if self.richiesta.get("forza") and avviata:
            if quando < datetime.datetime.fromisoformat(avviata) - TOLLERANZA_OROLOGIO:
                self._rifiuta(
                    "Il gestore dell'identità non ha chiesto una nuova autenticazione: riprova l'accesso.", cf
                )
        try:
            user = services.utente_per_codice_fiscale(cf)
        except services.UtenteNonTrovato as exc:
            self._rifiuta(str(exc), cf)
        user.identita_accesso = {"fonte": fonte, "livello": numero, "codice_fiscale": cf, "quando": quando}
        return user


class AvvioOIDCView(OIDCAuthenticationRequestView):
    """Start a SPID/CIE login: remembers what was asked (source, level, forced) under the state."""

    def get_extra_params(self, request):
        fonte = "cie" if request.GET.get("fonte") == "cie" else "spid"
        livello = _livello(request.GET.get("livello"))
        params = dict(getattr(settings, "OIDC_AUTH_REQUEST_EXTRA_PARAMS", {}) or {})
        params["acr_values"] = acr_values(fonte, livello)
        if request.GET.get("forza") == "1":
            params["prompt"] = getattr(settings, "SCT_OIDC_PROMPT_STEP_UP", "login")
            params["max_age"] = "0"
        parametro_fonte = getattr(settings, "SCT_OIDC_SOURCE_PARAM", "")
        if parametro_fonte:
            params[parametro_fonte] = fonte
        idp = request.GET.get("idp", "")
        if fonte == "spid" and idp:  # already checked by the view (provider_noto)
            params[getattr(settings, "SCT_OIDC_IDP_PARAM", "idp_hint")] = idp
        return params

    def get(self, request):
        response = super().get(request)
        state = parse_qs(urlparse(response["Location"]).query).get("state", [""])[0]
        richieste = dict(request.session.get(CHIAVE_RICHIESTE, {}))
        richieste[state] = {
            "fonte": "cie" if request.GET.get("fonte") == "cie" else "spid",
            "livello": _livello(request.GET.get("livello")),
            "forza": request.GET.get("forza") == "1",
            "avviata_il": timezone.now().isoformat(),
        }
        # Keep only the last few pending logins (several tabs), never an unbounded list.
        request.session[CHIAVE_RICHIESTE] = dict(list(richieste.items())[-5:])
        return response


class CallbackOIDCView(OIDCAuthenticationCallbackView):
    """The gateway's redirect back: errors become a clear page, never a 500."""

    def get(self, request):
        try:
            return super().get(request)
        except AccessoRifiutato:
            return self._errore(getattr(request, "identita_errore", "Accesso non riuscito."), 403)
        except (SuspiciousOperation, jwt.PyJWTError):
            logger.warning("Risposta OIDC non valida", exc_info=True)
            return self._errore(
                "La risposta del servizio di autenticazione non è valida o è scaduta: ripeti l'accesso.", 400
            )
        except (requests.RequestException, ValueError, KeyError):
            logger.exception("Servizio di autenticazione SPID/CIE non raggiungibile o risposta illeggibile")
            return self._errore(
                "Il servizio di autenticazione SPID/CIE non ha risposto correttamente: riprova tra qualche minuto.",
                502,
            )

    def login_failure(self):
        messaggio = getattr(self.request, "identita_errore", "")
        if not messaggio and self.request.GET.get("error"):
            messaggio = "L'autenticazione con SPID/CIE è stata annullata o non è riuscita."
        return self._errore(messaggio or "L'accesso con SPID/CIE non è riuscito: riprova.", 403)

    def login_success(self):
        dati = getattr(self.user, "identita_accesso", None)
        if dati is None:  # pragma: no cover - the backend always sets it
            return self._errore("Accesso non riuscito.", 403)
        self.request.identita_accesso_esterno = True
        response = super().login_success()
        services.registra_autenticazione(self.request, **dati)
        state = self.request.GET.get("state", "")
        richieste = dict(self.request.session.get(CHIAVE_RICHIESTE, {}))
        if richieste.pop(state, None) is not None:
            self.request.session[CHIAVE_RICHIESTE] = richieste
        return response

    def _errore(self, messaggio, status):
        return render(
            self.request,
            "identita/accesso_non_riuscito.html",
            {"messaggio": messaggio, "fonte": "SPID/CIE"},
            status=status,
        )


def _livello(valore) -> int:
    try:
        return min(max(int(valore), 1), 3)
    except (TypeError, ValueError):
        return 2
