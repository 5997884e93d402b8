from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env_bool

SCT_ENVIRONMENT = "production"
DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 32 characters) in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"

# --- identita: hardening ---
from .base import CONTENT_SECURITY_POLICY, SCT_CSP_ADMIN, SCT_SIMULATED_SPID  # noqa: E402

if SCT_SIMULATED_SPID:
    # gunicorn does not run system checks: refuse here too (identita.E001 is the check).
    raise ImproperlyConfigured("SCT_SIMULATED_SPID must be off in production: simulated SPID is for the demo only.")
X_FRAME_OPTIONS = "DENY"  # the CSP frame-ancestors 'self' still lets Wagtail's preview work in modern browsers
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Lax, not Strict: the SPID/CIE gateway comes back with a top-level GET
CSRF_COOKIE_SAMESITE = "Lax"
for _politica in (CONTENT_SECURITY_POLICY, SCT_CSP_ADMIN):
    _politica["DIRECTIVES"]["upgrade-insecure-requests"] = True
