"""Settings of the ANAC PCP integration, read at call time.

Each value comes from the Django setting of the same name if it is defined, else from the
environment variable of the same name, else from the default below. So a deployment switches to
the real PCP endpoint with environment variables only, and tests can override the settings.

| setting / variabile            | default                                 |
|--------------------------------|-----------------------------------------|
| ``SCT_ANAC_BASE_URL``          | ``http://127.0.0.1:8765/pcp/`` (il simulatore) |
| ``SCT_ANAC_AUTH``              | ``semplice`` (= ``anac.auth.intestazioni_simulatore``); ``pdnd`` (= ``anac.pdnd.intestazioni_pdnd``) o un percorso puntato |
| ``SCT_ANAC_TOKEN``             | ``simulatore-sct`` (token statico del simulatore) |
| ``SCT_ANAC_TIMEOUT``           | ``10`` secondi di lettura (``SCT_ANAC_TIMEOUT_CONNESSIONE``: 3) |
| ``SCT_ANAC_MAX_TENTATIVI``     | ``6`` tentativi per gli errori transitori |
| ``SCT_ANAC_BACKOFF``           | ``2`` secondi, raddoppiati a ogni tentativo |
| ``SCT_ANAC_BACKOFF_MAX``       | ``300`` secondi                         |

Modalità ``pdnd`` (voucher PDND + ModI, ``anac.pdnd``): nessun default per identità e chiavi.

| setting / variabile            | significato                             |
|--------------------------------|-----------------------------------------|
| ``SCT_PDND_TOKEN_URL``         | endpoint ``/token`` del server di autorizzazione PDND |
| ``SCT_PDND_AUDIENCE``          | ``aud`` della client assertion (quella indicata da PDND per il client) |
| ``SCT_PDND_CLIENT_ID``         | client id (``iss`` = ``sub`` della client assertion) |
| ``SCT_PDND_KID``               | id della chiave pubblica caricata sul client PDND |
| ``SCT_PDND_PURPOSE_ID``        | id della finalità (purpose) per l'e-service PCP |
| ``SCT_PDND_CHIAVE_PRIVATA``    | percorso del file PEM della chiave privata RSA (fuori dal repository) |
| ``SCT_PDND_CHIAVE_PRIVATA_PEM``| in alternativa, il PEM stesso (variabile d'ambiente, mai nel repository) |
| ``SCT_ANAC_AUDIENCE``          | ``aud`` dell'e-service PCP (voucher, tracking evidence, Agid-JWT-Signature) |
| ``SCT_PDND_USER_LOCATION``     | ``userLocation`` della tracking evidence (default ``negozio-elettronico-sct``) |
| ``SCT_PDND_DURATA_JWT``        | validità in secondi dei JWT firmati da noi (default ``60``) |
| ``SCT_PDND_MARGINE_VOUCHER``   | secondi prima della scadenza in cui il voucher si rinnova (default ``60``) |
"""

import os

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BASE_URL = "http://127.0.0.1:8765/pcp/"


def _valore(nome, default):
    valore = getattr(settings, nome, None)
    if valore is None or valore == "":
        valore = os.environ.get(nome)
    if valore is None or valore == "":
        return default
    return valore


def base_url():
    url = str(_valore("SCT_ANAC_BASE_URL", DEFAULT_BASE_URL))
    return url if url.endswith("/") else url + "/"


def timeout():
    """(connect, read) in seconds, as ``requests`` wants it."""
    return (float(_valore("SCT_ANAC_TIMEOUT_CONNESSIONE", 3)), float(_valore("SCT_ANAC_TIMEOUT", 10)))


def token():
    return str(_valore("SCT_ANAC_TOKEN", "simulatore-sct"))


MODALITA_AUTH = {"semplice": "anac.auth.intestazioni_simulatore", "pdnd": "anac.pdnd.intestazioni_pdnd"}


def auth_hook():
    """The callable that returns the authentication headers of a request (see ``anac.auth``)."""
    riferimento = _valore("SCT_ANAC_AUTH", "semplice")
    if isinstance(riferimento, str):
        return import_string(MODALITA_AUTH.get(riferimento.strip().lower(), riferimento))
    return riferimento


def pdnd(nome, default=""):
    """A PDND/ModI setting (``SCT_PDND_*`` / ``SCT_ANAC_AUDIENCE``), as a string."""
    return str(_valore(nome, default))


def max_tentativi():
    return int(_valore("SCT_ANAC_MAX_TENTATIVI", 6))


def backoff():
    return float(_valore("SCT_ANAC_BACKOFF", 2))


def backoff_max():
    return float(_valore("SCT_ANAC_BACKOFF_MAX", 300))
