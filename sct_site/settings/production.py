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
SCT_ADMIN_2FA = env_bool("SCT_ADMIN_2FA", True)
X_FRAME_OPTIONS = "DENY"  # the CSP frame-ancestors 'self' still lets Wagtail's preview work in modern browsers
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Lax, not Strict: the SPID/CIE gateway comes back with a top-level GET
CSRF_COOKIE_SAMESITE = "Lax"
for _politica in (CONTENT_SECURITY_POLICY, SCT_CSP_ADMIN):
    _politica["DIRECTIVES"]["upgrade-insecure-requests"] = True

# --- prestazioni ---
# Persistent database connections (a new PostgreSQL connection per request costs milliseconds),
# checked before reuse; DB_CONN_MAX_AGE=0 turns them off.
import os as _os  # noqa: E402

from .base import DATABASES  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = int(_os.environ.get("DB_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# collectstatic with the manifest storage stops at the first file that a CSS references and that is
# not there: the vendored bootstrap-italia.min.css ends with a sourceMappingURL to a .map that is not
# shipped. Such references are left as they are (the browser only misses the source map).
from whitenoise.storage import CompressedManifestStaticFilesStorage as _Manifest  # noqa: E402

from .base import STORAGES  # noqa: E402


class ArchivioStaticoTollerante(_Manifest):
    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # the referenced file does not exist
            return name


STORAGES["staticfiles"] = {"BACKEND": "sct_site.settings.production.ArchivioStaticoTollerante"}
