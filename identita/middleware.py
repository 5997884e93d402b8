import time

from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

from .decorators import risposta_autenticazione_insufficiente
from .services import AutenticazioneInsufficiente

CHIAVE_ATTIVITA = "identita_ultima_attivita"


class CSPMiddleware(_CSPMiddleware):
    """django-csp with two policies: ``CONTENT_SECURITY_POLICY`` (strict: no inline script or style,
    nonce available as ``request.csp_nonce``) everywhere, ``SCT_CSP_ADMIN`` under the Wagtail admin,
    whose pages need inline scripts and styles."""

    TIPI_CON_CSP = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml")

    def process_response(self, request, response):
        # A policy only matters for documents that can run scripts; on a PDF, Chrome's viewer would
        # be blocked by object-src 'none'.
        tipo = response.get("Content-Type", "").split(";")[0].strip().lower()
        if tipo and tipo not in self.TIPI_CON_CSP:
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parti = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parti.config is None and request.path_info.startswith(_prefisso_admin()):
            parti.config = default_config((getattr(settings, "SCT_CSP_ADMIN", None) or {}).get("DIRECTIVES"))
        return parti


def _prefisso_admin():
    return getattr(settings, "SCT_ADMIN_PREFIX", "/admin/")


class IdentitaMiddleware:
    """Session idle timeout (``SCT_SESSION_IDLE_TIMEOUT_MIN``), the strong-authentication page for
    ``AutenticazioneInsufficiente`` raised anywhere in a view, and the Permissions-Policy header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._scadenza_inattivita(request)
        response = self.get_response(request)
        politica = getattr(settings, "SCT_PERMISSIONS_POLICY", "")
        if politica and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = politica
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, AutenticazioneInsufficiente):
            return risposta_autenticazione_insufficiente(request, exception)
        return None

    @staticmethod
    def _scadenza_inattivita(request):
        minuti = int(getattr(settings, "SCT_SESSION_IDLE_TIMEOUT_MIN", 0) or 0)
        user = getattr(request, "user", None)
        if minuti <= 0 or user is None or not user.is_authenticated:
            return
        adesso = int(time.time())
        ultima = request.session.get(CHIAVE_ATTIVITA)
        if isinstance(ultima, int) and adesso - ultima > minuti * 60:
            logout(request)
            messages.info(request, "La sessione è scaduta per inattività: accedi di nuovo.")
            return
        if request.headers.get("X-SCT-Aggiornamento") == "1":
            return  # the automatic update of a waiting page (sct/aggiorna.js) is not the user's activity
        # Write at most once a minute, not on every request.
        if not isinstance(ultima, int) or adesso - ultima >= 60:
            request.session[CHIAVE_ATTIVITA] = adesso
