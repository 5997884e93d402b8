"""Running one cell of the matrix: the request, the classification of the answer, the checks."""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .dati import valori
from .matrice import ADMIN_LOGIN, LOGIN, NEGATO_ADMIN, REDIRECT, RIFIUTI, Rifiuto

TIPI_TESTUALI = ("text/", "application/json", "application/xml", "application/atom+xml", "application/javascript")
# Writes that any request may do: the session (login, last activity), Wagtail's admin profile of the
# user, the login throttling of axes.
TABELLE_TECNICHE = {
    "django_session",
    "wagtailusers_userprofile",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
}
_SCRITTURA = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)


@dataclass
class Esito:
    ottenuto: object
    location: str = ""
    marcatori: list = field(default_factory=list)
    scritture: list = field(default_factory=list)
    file_privato: bool = False  # a private file was served (attachment, Cache-Control private)

    @property
    def registrato(self):
        return "audit_voceaudit" in self.scritture


def url_di(voce, dati):
    return voce.url.format(**valori(dati))


def corpo_di(voce, dati):
    v = valori(dati)
    return {k: (val.format(**v) if isinstance(val, str) else val) for k, val in voce.corpo.items()}


def client_per(ruolo, dati, *, spid=False):
    """A client logged in as ``ruolo`` through the session opened once for the module."""
    client = Client(raise_request_exception=False)
    if ruolo != "anonimo":
        client.cookies[settings.SESSION_COOKIE_NAME] = dati.sessioni[ruolo]
        if spid and getattr(getattr(dati.utenti[ruolo], "profilo", None), "codice_fiscale", ""):
            risposta = client.post(
                "/identita/spid-simulato/", {"utente": dati.utenti[ruolo].pk, "livello": 2, "next": "/"}
            )
            assert risposta.status_code == 302, risposta.status_code
    return client


def classifica(risposta):
    """The answer as the matrix writes it: a status code or LOGIN / ADMIN_LOGIN / NEGATO_ADMIN / REDIRECT."""
    if risposta.status_code in (301, 302, 303):
        percorso = urlsplit(risposta["Location"]).path
        if percorso.startswith("/account/accedi/"):
            return LOGIN
        if percorso.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if percorso == "/admin/" and _messaggio_permesso(risposta):
            return NEGATO_ADMIN
        return REDIRECT
    return risposta.status_code


def _messaggio_permesso(risposta):
    from django.contrib.messages import get_messages

    return any(
        "permess" in str(m).lower() or "permission" in str(m).lower() for m in get_messages(risposta.wsgi_request)
    )


def testo(risposta):
    """The body as text when it is text (pages, JSON, CSV, XML), else ''."""
    if not risposta.get("Content-Type", "").startswith(TIPI_TESTUALI):
        return ""
    contenuto = b"".join(risposta.streaming_content) if risposta.streaming else risposta.content
    return contenuto.decode("utf-8", "replace")


def marcatori_esposti(corpo, ruolo, dati):
    """Markers of private records that ``ruolo`` may not read and that the answer shows."""
    return sorted(m for m, ammessi in dati.marcatori.items() if ruolo not in ammessi and m in corpo)


def scritture(queries):
    """Tables written by the request (besides the technical ones)."""
    tabelle = set()
    for q in queries:
        m = _SCRITTURA.match(q["sql"])
        if m and m.group(1) not in TABELLE_TECNICHE:
            tabelle.add(m.group(1))
    return sorted(tabelle)


def _file_privato(risposta):
    return (
        risposta.status_code == 200
        and risposta.get("Content-Disposition", "").startswith(("attachment", "inline"))
        and "private" in risposta.get("Cache-Control", "")
    )


def chiudi(risposta):
    """Close the answer (open files of downloads) without closing the test's database connection, as
    Django's test client does: ``request_finished`` would close a connection inside a transaction."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        risposta.close()
    finally:
        request_finished.connect(close_old_connections)


def esegui(voce, ruolo, dati):
    client = client_per(ruolo, dati, spid=voce.spid)
    url = url_di(voce, dati)
    with CaptureQueriesContext(connection) as catturate:
        if voce.metodo == "GET":
            risposta = client.get(url)
        elif voce.json:
            risposta = client.post(url, json.dumps(corpo_di(voce, dati)), content_type="application/json")
        else:
            risposta = client.post(url, corpo_di(voce, dati))
        corpo = testo(risposta)
    try:
        return Esito(
            ottenuto=classifica(risposta),
            location=risposta.get("Location", ""),
            marcatori=marcatori_esposti(corpo, ruolo, dati),
            scritture=scritture(catturate.captured_queries),
            file_privato=_file_privato(risposta),
        )
    finally:
        chiudi(risposta)


def _valori(atteso):
    if isinstance(atteso, Rifiuto):
        return {atteso.valore}
    return set(atteso) if isinstance(atteso, (set, frozenset, tuple)) else {atteso}


def conforme(atteso, ottenuto):
    return ottenuto in _valori(atteso)


def rifiutata(atteso):
    """Is the expected answer a refusal (so the request must not write anything)?"""
    return isinstance(atteso, Rifiuto) or _valori(atteso) <= RIFIUTI


def descrivi(valore):
    from .matrice import DESCRIZIONE_ATTESE

    if isinstance(valore, Rifiuto):
        return str(valore)
    if isinstance(valore, (set, frozenset, tuple)):
        return " o ".join(descrivi(v) for v in sorted(valore, key=str))
    return DESCRIZIONE_ATTESE.get(valore, str(valore))
