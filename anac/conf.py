"""Settings of the ANAC PCP integration, read at call time.

Each value comes from the Django setting of the same name if it is defined, else from the
environment variable of the same name, else from the default below. So a deployment switches to
the real PCP endpoint with environment variables only, and tests can override the settings.

| setting / variabile            | default                                 |
|--------------------------------|-----------------------------------------|
| ``SCT_ANAC_BASE_URL``          | ``http://127.0.0.1:8765/pcp/`` (il simulatore) |
| ``SCT_ANAC_AUTH``              | ``anac.auth.intestazioni_simulatore``   |
| ``SCT_ANAC_TOKEN``             | ``simulatore-sct`` (token statico del simulatore) |
| ``SCT_ANAC_TIMEOUT``           | ``10`` secondi di lettura (``SCT_ANAC_TIMEOUT_CONNESSIONE``: 3) |
| ``SCT_ANAC_MAX_TENTATIVI``     | ``6`` tentativi per gli errori transitori |
| ``SCT_ANAC_BACKOFF``           | ``2`` secondi, raddoppiati a ogni tentativo |
| ``SCT_ANAC_BACKOFF_MAX``       | ``300`` secondi                         |
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


def auth_hook():
    """The callable that returns the authentication headers of a request (see ``anac.auth``)."""
    riferimento = _valore("SCT_ANAC_AUTH", "anac.auth.intestazioni_simulatore")
    return import_string(riferimento) if isinstance(riferimento, str) else riferimento


def max_tentativi():
    return int(_valore("SCT_ANAC_MAX_TENTATIVI", 6))


def backoff():
    return float(_valore("SCT_ANAC_BACKOFF", 2))


def backoff_max():
    return float(_valore("SCT_ANAC_BACKOFF_MAX", 300))
