"""How the user logged in, and the strong-authentication gate of the actions that talk to ANAC.

Every login records in the session its source (password, SPID, CIE, CNS), level, time, verified
codice fiscale and whether it was simulated (``registra_autenticazione``). Actions that the manual
reserves to the "Rup loggato con Spid/Cie/Cns" call ``verifica_autenticazione_forte`` (or use the
``richiede_autenticazione_forte`` decorator / ``AutenticazioneForteMixin`` of ``identita.decorators``),
which refuses with a clear Italian reason: not strong, too old (step-up), level too low, another person.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from audit.services import registra
from organizzazioni.models import Incarico, Profilo

logger = logging.getLogger(__name__)

CHIAVE_SESSIONE = "identita_autenticazione"

FONTI = ("password", "spid", "cie", "cns")
FONTI_FORTI = ("spid", "cie", "cns")
NOMI_FONTI = {"password": "nome utente e password", "spid": "SPID", "cie": "CIE", "cns": "CNS"}

MSG_NON_FORTE = "Questa operazione richiede l'accesso con SPID, CIE o CNS del RUP dell'amministrazione aderente."
MSG_SCADUTA = "L'autenticazione forte è scaduta: accedi di nuovo con SPID, CIE o CNS."
MSG_LIVELLO = (
    "Questa operazione richiede un livello di autenticazione almeno {minimo} (SPID L{minimo}, CIE L{minimo} "
    "o CNS): hai effettuato l'accesso con {fonte} di livello {livello}. Accedi di nuovo con un livello adeguato."
)
MSG_CODICE_FISCALE = (
    "Hai effettuato l'accesso con il codice fiscale {cf}, che non è quello del RUP dell'amministrazione "
    "aderente: questa operazione può essere compiuta solo dal RUP, autenticato con SPID, CIE o CNS."
)
MSG_RUP_SENZA_CF = (
    "Il RUP dell'amministrazione aderente non ha un codice fiscale registrato: l'operazione non può essere "
    "autorizzata. Chiedi all'amministratore di completare il profilo del RUP."
)


class AutenticazioneInsufficiente(PermissionDenied):
    """The session's authentication does not allow the action. ``str(exc)`` is the Italian reason.

    ``motivo`` is one of "non_forte", "scaduta", "livello", "codice_fiscale", "rup_senza_cf";
    ``livello_minimo`` the level the action needs (for the step-up links).
    """

    def __init__(self, messaggio: str, *, motivo: str = "non_forte", livello_minimo: int = 2) -> None:
        super().__init__(messaggio)
        self.messaggio = messaggio
        self.motivo = motivo
        self.livello_minimo = livello_minimo

    def __str__(self) -> str:
        return self.messaggio


@dataclasses.dataclass(frozen=True)
class AutenticazioneSessione:
    fonte: str
    livello: int
    quando: datetime.datetime
    codice_fiscale: str = ""
    simulata: bool = False
    user_id: int | None = None

    @property
    def forte(self) -> bool:
        return self.fonte in FONTI_FORTI and self.livello >= 2

    @property
    def nome_fonte(self) -> str:
        return NOMI_FONTI.get(self.fonte, self.fonte)

    @property
    def descrizione(self) -> str:
        if self.fonte == "password":
            return "nome utente e password"
        testo = f"{self.nome_fonte} livello {self.livello}"
        return f"{testo} (simulato)" if self.simulata else testo


def simulazione_attiva() -> bool:
    """The simulated SPID login is usable: the setting is on, and DEBUG is on or this is the test suite.

    The system check ``identita.E001`` refuses the other combinations at startup; this is the same
    rule applied again at request time (gunicorn does not run system checks).
    """
    return bool(getattr(settings, "SCT_SIMULATED_SPID", False)) and (
        settings.DEBUG or getattr(settings, "SCT_ENVIRONMENT", "") == "test"
    )


def normalizza_codice_fiscale(valore: str) -> str:
    """``TINIT-BNCLRA75E45G999M`` / ``IT:…`` / lower case → ``BNCLRA75E45G999M``."""
    cf = (valore or "").strip().upper()
    for prefisso in ("TINIT-", "TINIT:", "IT:", "IT-"):
        if cf.startswith(prefisso):
            cf = cf[len(prefisso) :]
            break
    return cf


def registra_autenticazione(
    request: HttpRequest,
    *,
    fonte: str,
    livello: int,
    codice_fiscale: str = "",
    simulata: bool = False,
    quando: datetime.datetime | None = None,
) -> AutenticazioneSessione | None:
    """Record in the session how ``request.user`` just authenticated, and write ``identita.accesso``.

    Call it after ``django.contrib.auth.login`` (which cycles the session). ``quando`` defaults to
    now; the OIDC login passes the identity provider's ``auth_time``.
    """
    if fonte not in FONTI:
        raise ValueError(f"fonte di autenticazione sconosciuta: {fonte!r}")
    livello = int(livello)
    if fonte == "password":
        if livello not in (0, 1):
            raise ValueError("l'accesso con password ha livello 0 o 1")
    elif fonte == "cns":
        livello = 3
    elif livello not in (1, 2, 3):
        raise ValueError("il livello SPID/CIE va da 1 a 3")
    quando = quando or timezone.now()
    if timezone.is_naive(quando):
        raise ValueError("quando deve essere un datetime con fuso orario")
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    cf = normalizza_codice_fiscale(codice_fiscale)
    request.session[CHIAVE_SESSIONE] = {
        "fonte": fonte,
        "livello": livello,
        "quando": quando.isoformat(),
        "codice_fiscale": cf,
        "simulata": bool(simulata),
        "user_id": user_id,
    }

    registra(
        "identita.accesso",
        user if user_id else None,
        request=request,
        dati={
            "fonte": fonte,
            "livello": livello,
            "codice_fiscale": cf,
            "simulata": bool(simulata),
            "quando": quando.isoformat(),
        },
    )
    return autenticazione(request)


def autenticazione(request: HttpRequest) -> AutenticazioneSessione | None:
    """How the current user logged in, or None (anonymous, or a session from before this record)."""
    session = getattr(request, "session", None)
    dati = session.get(CHIAVE_SESSIONE) if session is not None else None
    if not dati:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or dati.get("user_id") != user.pk:
        return None
    try:
        quando = datetime.datetime.fromisoformat(dati["quando"])
        return AutenticazioneSessione(
            fonte=dati["fonte"],
            livello=int(dati["livello"]),
            quando=quando,
            codice_fiscale=dati.get("codice_fiscale", ""),
            simulata=bool(dati.get("simulata", False)),
            user_id=dati.get("user_id"),
        )
    except (KeyError, TypeError, ValueError):
        logger.warning("Dati di autenticazione in sessione non leggibili: ignorati")
        return None


def e_simulata(request: HttpRequest) -> bool:
    """True when the current session was opened with the simulated SPID: mark the records it creates."""
    auth = autenticazione(request)
    return bool(auth and auth.simulata)


def eta_massima_predefinita() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "SCT_STRONG_AUTH_MAX_AGE_MIN", 60)))


def verifica_autenticazione_forte(
    request: HttpRequest,
    *,
    codice_fiscale_atteso: str | Iterable[str],
    max_eta: datetime.timedelta | None = None,
    livello_minimo: int = 2,
) -> AutenticazioneSessione:
    """Raise ``AutenticazioneInsufficiente`` unless the session holds a strong, recent authentication
    of the person whose codice fiscale is ``codice_fiscale_atteso`` (a string, or several: e.g. the
    RUPs of the ente). Returns the authentication when it is fine.
    """
    max_eta = eta_massima_predefinita() if max_eta is None else max_eta
    if isinstance(codice_fiscale_atteso, str):
        attesi = {normalizza_codice_fiscale(codice_fiscale_atteso)}
    else:
        attesi = {normalizza_codice_fiscale(cf) for cf in codice_fiscale_atteso}
    attesi.discard("")

    auth = autenticazione(request)
    if auth is None or auth.fonte not in FONTI_FORTI or (auth.simulata and not simulazione_attiva()):
        raise AutenticazioneInsufficiente(MSG_NON_FORTE, motivo="non_forte", livello_minimo=livello_minimo)
    if auth.livello < max(livello_minimo, 2):
        raise AutenticazioneInsufficiente(
            MSG_LIVELLO.format(minimo=max(livello_minimo, 2), fonte=auth.nome_fonte, livello=auth.livello),
            motivo="livello",
            livello_minimo=livello_minimo,
        )
    eta = timezone.now() - auth.quando
    if eta > max_eta:
        raise AutenticazioneInsufficiente(MSG_SCADUTA, motivo="scaduta", livello_minimo=livello_minimo)
    if not attesi:
        raise AutenticazioneInsufficiente(MSG_RUP_SENZA_CF, motivo="rup_senza_cf", livello_minimo=livello_minimo)
    if normalizza_codice_fiscale(auth.codice_fiscale) not in attesi:
        raise AutenticazioneInsufficiente(
            MSG_CODICE_FISCALE.format(cf=auth.codice_fiscale or "(nessuno)"),
            motivo="codice_fiscale",
            livello_minimo=livello_minimo,
        )
    return auth


def codici_fiscali_rup(ente: Any) -> list[str]:
    """The codici fiscali of the users who hold the RUP role in ``ente`` (for ``codice_fiscale_atteso``)."""

    return [
        cf
        for cf in Profilo.objects.filter(
            user__incarichi__ente=ente, user__incarichi__ruolo=Incarico.Ruolo.RUP, user__is_active=True
        )
        .exclude(codice_fiscale="")
        .values_list("codice_fiscale", flat=True)
        .distinct()
    ]


class UtenteNonTrovato(Exception):
    """No single active local user for a verified codice fiscale. ``str(exc)`` is the Italian message."""


def utente_per_codice_fiscale(codice_fiscale: str) -> Any:
    """The one active user whose Profilo has this codice fiscale. Users are never created here."""

    cf = normalizza_codice_fiscale(codice_fiscale)
    if not cf:
        raise UtenteNonTrovato("Il gestore dell'identità non ha comunicato il codice fiscale: accesso non possibile.")
    utenti = list(get_user_model().objects.filter(profilo__codice_fiscale__iexact=cf, is_active=True)[:2])
    if not utenti:
        raise UtenteNonTrovato(
            f"Nessun utente del Negozio Elettronico è associato al codice fiscale {cf}. Per essere abilitato "
            "rivolgiti al referente della tua amministrazione o all'assistenza della piattaforma."
        )
    if len(utenti) > 1:
        raise UtenteNonTrovato(
            f"Il codice fiscale {cf} è associato a più utenti del Negozio Elettronico: l'accesso non è possibile "
            "finché l'assistenza non corregge i profili."
        )
    return utenti[0]


def registra_accesso_rifiutato(request: HttpRequest, *, fonte: str, motivo: str, codice_fiscale: str = "") -> None:
    """Audit a refused SPID/CIE/CNS login (unknown codice fiscale, low level, untrusted proxy…)."""

    registra(
        "identita.accesso_rifiutato",
        request=request,
        motivo=motivo,
        dati={"fonte": fonte, "codice_fiscale": normalizza_codice_fiscale(codice_fiscale)},
    )
