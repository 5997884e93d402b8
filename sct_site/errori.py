"""The site's Italian error pages (templates/400.html, 403.html, 404.html, 500.html) also with DEBUG on,
and the page of a refused CSRF check.

With DEBUG off Django already renders those templates. With DEBUG on (``make run``) it answers a 404,
a 400 (SuspiciousOperation, BadRequest) and a 500 with its English debug pages: ``PagineErroreMiddleware``
lets Django do everything as usual (logging with the traceback, ``got_request_exception``) and then
replaces only the body with the project's page. ``SCT_PAGINE_ERRORE_DJANGO=1`` gives back Django's debug
pages to a developer who wants them. An exception raised by a middleware that comes before this one
(e.g. DisallowedHost in CommonMiddleware) keeps Django's page; of those raised by a later middleware
only a 500 is recognised.
"""

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404
from django.shortcuts import render
from django.views import defaults

_ATTRIBUTO = "_sct_errore"  # on the request: (status, exception) of what a view raised

MESSAGGIO_CSRF = (
    "La richiesta è stata bloccata dal controllo di sicurezza del modulo (CSRF). Succede quando la pagina "
    "è rimasta aperta a lungo, quando nel frattempo hai effettuato l'accesso o l'uscita in un'altra "
    "scheda, oppure quando il browser non accetta i cookie di questo sito. Torna alla pagina, ricaricala "
    "e invia di nuovo il modulo; i dati inviati non sono stati salvati."
)


def _attive():
    return settings.DEBUG and not getattr(settings, "SCT_PAGINE_ERRORE_DJANGO", False)


def _segna_eccezione(sender, request=None, **kwargs):
    # Django sends this for an exception that becomes a 500 (anywhere in the handler).
    if request is not None and not hasattr(request, _ATTRIBUTO):
        setattr(request, _ATTRIBUTO, (500, None))


got_request_exception.connect(_segna_eccezione, dispatch_uid="sct_site.errori")


class PagineErroreMiddleware:
    """With DEBUG on: the project's 404/400/500 pages instead of Django's debug pages (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not _attive():
            return response
        status, eccezione = getattr(request, _ATTRIBUTO, (None, None))
        if status is None and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            status, eccezione = 404, Http404()  # no URL pattern matched
        if status is None or response.status_code != status:
            return response
        if status == 404:
            return defaults.page_not_found(request, eccezione)
        if status == 400:
            return defaults.bad_request(request, eccezione)
        return defaults.server_error(request)

    def process_exception(self, request, exception):
        # Only remember what happened: Django goes on to log it and build its response.
        if isinstance(exception, Http404):
            setattr(request, _ATTRIBUTO, (404, exception))
        elif isinstance(exception, SuspiciousOperation | BadRequest):
            setattr(request, _ATTRIBUTO, (400, exception))
        return None


def csrf_non_valido(request, reason=""):
    """``CSRF_FAILURE_VIEW``: the Italian 403 page with what to do (Django's reason only with DEBUG)."""
    # Django logs the refusal itself (django.security.csrf).
    contesto = {"exception": MESSAGGIO_CSRF, "dettaglio_tecnico": reason if settings.DEBUG else ""}
    return render(request, "403.html", contesto, status=403)
