"""The strong-authentication gate for views.

Function views::

    @richiede_autenticazione_forte(codice_fiscale_da=lambda request, pk: get_ordinativo(pk).rup_cf)
    def conferma_appalto(request, pk): ...

Class-based views::

    class ConfermaAppalto(AutenticazioneForteMixin, View):
        def get_codice_fiscale_atteso(self):
            return self.get_object().rup_cf

On failure the user sees a 403 page with the reason and the buttons to authenticate again with
SPID/CIE/CNS (``prompt=login``), coming back to the page (``next``). Anonymous users go to the login.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlparse

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .services import AutenticazioneInsufficiente, autenticazione, verifica_autenticazione_forte

logger = logging.getLogger(__name__)


def pagina_di_ritorno(request) -> str:
    """Where to come back after (re)authenticating: the page itself for GET, the page that posted
    the form (same host) for POST, else the path."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        parsed = urlparse(referer)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return request.path


def risposta_autenticazione_insufficiente(request, exc):
    """The 403 page of the gate: the reason and the (re)authentication entry points."""
    logger.info("Autenticazione forte insufficiente per %s: %s", request.path, exc.motivo)
    return render(
        request,
        "identita/autenticazione_insufficiente.html",
        {
            "messaggio": exc.messaggio,
            "motivo": exc.motivo,
            "livello_minimo": max(exc.livello_minimo, 2),
            "ritorno": pagina_di_ritorno(request),
            "autenticazione": autenticazione(request),
        },
        status=403,
    )


def richiede_autenticazione_forte(codice_fiscale_da, *, livello_minimo=2, max_eta=None):
    """Decorator: ``codice_fiscale_da(request, *args, **kwargs)`` returns the expected codice fiscale
    (or several, e.g. ``codici_fiscali_rup(ente)``); it may raise Http404 / PermissionDenied itself."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(pagina_di_ritorno(request))
            atteso = codice_fiscale_da(request, *args, **kwargs)
            try:
                verifica_autenticazione_forte(
                    request, codice_fiscale_atteso=atteso, livello_minimo=livello_minimo, max_eta=max_eta
                )
            except AutenticazioneInsufficiente as exc:
                return risposta_autenticazione_insufficiente(request, exc)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class AutenticazioneForteMixin:
    """Mixin for class-based views: implement ``get_codice_fiscale_atteso``."""

    livello_minimo_autenticazione = 2
    max_eta_autenticazione = None

    def get_codice_fiscale_atteso(self):
        raise NotImplementedError("AutenticazioneForteMixin richiede get_codice_fiscale_atteso()")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(pagina_di_ritorno(request))
        try:
            verifica_autenticazione_forte(
                request,
                codice_fiscale_atteso=self.get_codice_fiscale_atteso(),
                livello_minimo=self.livello_minimo_autenticazione,
                max_eta=self.max_eta_autenticazione,
            )
        except AutenticazioneInsufficiente as exc:
            return risposta_autenticazione_insufficiente(request, exc)
        return super().dispatch(request, *args, **kwargs)
