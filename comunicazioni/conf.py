"""Settings of the ``comunicazioni`` app, each with its default (read at call time, so tests can override)."""

from django.conf import settings


def max_oggetto() -> int:
    """Longest subject, in characters (``SCT_COMUNICAZIONI_MAX_OGGETTO``)."""
    return int(getattr(settings, "SCT_COMUNICAZIONI_MAX_OGGETTO", 200))


def max_testo() -> int:
    """Longest message text, in characters (``SCT_COMUNICAZIONI_MAX_TESTO``)."""
    return int(getattr(settings, "SCT_COMUNICAZIONI_MAX_TESTO", 20000))


def max_allegati() -> int:
    """How many attachments a message may carry (``SCT_COMUNICAZIONI_MAX_ALLEGATI``)."""
    return int(getattr(settings, "SCT_COMUNICAZIONI_MAX_ALLEGATI", 5))


def max_bytes_allegato():
    """Largest attachment (``SCT_COMUNICAZIONI_MAX_BYTES_ALLEGATO``); ``None``: the documenti default."""
    valore = getattr(settings, "SCT_COMUNICAZIONI_MAX_BYTES_ALLEGATO", None)
    return int(valore) if valore else None


def email_max_tentativi() -> int:
    """Retries of an e-mail after the first attempt (``SCT_COMUNICAZIONI_EMAIL_MAX_TENTATIVI``)."""
    return int(getattr(settings, "SCT_COMUNICAZIONI_EMAIL_MAX_TENTATIVI", 5))


def email_prefisso_oggetto() -> str:
    """Prefix of every e-mail subject (``SCT_COMUNICAZIONI_PREFISSO_OGGETTO``)."""
    return str(getattr(settings, "SCT_COMUNICAZIONI_PREFISSO_OGGETTO", "[Negozio Elettronico SCT]"))


def site_url() -> str:
    """Public address used for the links in the e-mails (``SITE_URL``)."""
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def ora_riepilogo() -> int:
    """Hour (Europe/Rome) of the daily digest in the Celery beat schedule (``SCT_COMUNICAZIONI_ORA_RIEPILOGO``)."""
    return int(getattr(settings, "SCT_COMUNICAZIONI_ORA_RIEPILOGO", 7))


def per_pagina() -> int:
    return int(getattr(settings, "SCT_COMUNICAZIONI_PER_PAGINA", 20))
