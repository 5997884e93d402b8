"""Helpers shared by the member pages under a contract (adesioni, ordinativi)."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import JsonResponse

from sct_site.rotte import url_rotta


def url_sottopagina(contratto, nome, *args):
    return url_rotta(contratto, nome, *args)


def richiede_login(view):
    @functools.wraps(view)
    def wrapper(request, contratto, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, contratto, *args, **kwargs)

    return wrapper


def richiede_login_json(view):
    """For the status endpoints polled by the pages (sct/aggiorna.js): 403 in JSON, not the login page."""

    @functools.wraps(view)
    def wrapper(request, contratto, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"errore": "Accesso richiesto."}, status=403)
        return view(request, contratto, *args, **kwargs)

    return wrapper


def risposta_stato(dati):
    """The JSON of a status endpoint: never cached (the page compares it with what it shows)."""
    risposta = JsonResponse(dati)
    risposta["Cache-Control"] = "no-store"
    return risposta


def messaggi_errore(exc):
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]
