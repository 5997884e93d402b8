"""Helpers shared by the member pages under a contract (adesioni, ordinativi)."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError


def url_sottopagina(contratto, nome, *args):
    return contratto.url + contratto.reverse_subpage(nome, args=args)


def richiede_login(view):
    @functools.wraps(view)
    def wrapper(request, contratto, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, contratto, *args, **kwargs)

    return wrapper


def messaggi_errore(exc):
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]
