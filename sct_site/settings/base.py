"""Settings shared by every environment. Values that differ come from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SCT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SCT_ENVIRONMENT = os.environ.get("SCT_ENVIRONMENT", "base")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "organizzazioni",
    "contratti",
    "esiti",
    "documentazione",
    "documenti",
    "anac",
    "comunicazioni",
    "identita",
    "audit",
    "sct_site",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "anymail",
    "health_check",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sct_site.cache.memo.MemoRichiestaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "sct_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "sct_site.context_processors.sito",
                "home.sito.sito_pa",
            ],
        },
    },
]

WSGI_APPLICATION = "sct_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the Celery worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            # Writers take the lock when the transaction starts: with several processes (web, worker)
            # a deferred transaction that upgrades to a write fails at once with "database is locked".
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "area_riservata"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
# Italian for the strings Wagtail's own Italian catalogue leaves in English (read before the apps').
LOCALE_PATHS = [BASE_DIR / "sct_site" / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = []
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Private uploads (adesioni, ordinativi, comunicazioni): outside the web root, served only by
# permission-checking views.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("SCT_PRIVATE_ROOT", VAR_DIR / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible storage (django-storages): public media and private files in the same bucket,
    # private files under their own prefix and never with a public ACL.
    _s3 = {
        "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "media"}}
    STORAGES["private"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "private"}}

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SCT_MAX_UPLOAD_BYTES = int(os.environ.get("SCT_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))

# Caches that fail open (sct_site/cache/backend.py): a Redis that does not answer is a miss, never
# an error; sessions are in the database, not in the cache.
_REDIS_OPZIONI = {
    "socket_connect_timeout": float(os.environ.get("SCT_CACHE_TIMEOUT_SOCKET", "0.5")),
    "socket_timeout": float(os.environ.get("SCT_CACHE_TIMEOUT_SOCKET", "0.5")),
}
SCT_CACHE_PAUSA_DOPO_GUASTO = float(os.environ.get("SCT_CACHE_PAUSA_DOPO_GUASTO", "5"))  # seconds without trying
CACHES = {
    "default": (
        {
            "BACKEND": "sct_site.cache.backend.RedisCacheTollerante",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": _REDIS_OPZIONI,
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# /health/ (home/stato.py): database, caches, storages, broker and a Celery worker answering a ping
# (SCT_HEALTH_WORKER_CELERY=0 leaves the worker out, for a node that runs no worker anywhere).
SCT_HEALTH_WORKER_CELERY = env_bool("SCT_HEALTH_WORKER_CELERY", True)
SCT_HEALTH_ATTESA_WORKER = float(os.environ.get("SCT_HEALTH_ATTESA_WORKER", "2"))  # seconds for the ping

# Celery: filesystem broker and file result backend by default (a real worker, no Redis needed).
CELERY_BROKER_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", f"file://{CELERY_BROKER_DIR / 'results'}")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# E-mail: console by default; an ESP through django-anymail when ANYMAIL_ESP is set
# (e.g. ANYMAIL_ESP=mailgun plus that ESP's ANYMAIL_* keys), or plain SMTP with EMAIL_HOST.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Negozio Elettronico SCT <noreply@sct.example.it>")
_esp = os.environ.get("ANYMAIL_ESP", "")
if _esp:
    EMAIL_BACKEND = f"anymail.backends.{_esp}.EmailBackend"
    ANYMAIL = {
        k[len("ANYMAIL_") :]: v for k, v in os.environ.items() if k.startswith("ANYMAIL_") and k != "ANYMAIL_ESP"
    }
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

WAGTAIL_SITE_NAME = "Negozio Elettronico – Sistema Cloud Toscana"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Editors' uploads pass the content checks of the private ones (documenti/forms.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "documenti.forms.DocumentoPubblicoForm"
WAGTAILDOCS_EXTENSIONS = ["pdf", "p7m"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_FINISH_WORKFLOW_ACTION = "sct_site.workflows.finish_workflow"
# The admin speaks the manual's language: no per-user choice of English.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("it", "Italiano")]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_RESET_ENABLED = True

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"

# Demo only: simulated SPID login (never with DEBUG off in production; a system check enforces it).
SCT_SIMULATED_SPID = env_bool("SCT_SIMULATED_SPID", False)
SCT_DEMO_PASSWORD = os.environ.get("SCT_DEMO_PASSWORD", "demo-sct-2025")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- identita ---
# Identità e sicurezza (app identita, docs/architecture.md "Identità e autenticazione forte"):
# SPID/CIE through an OIDC gateway, CNS from the reverse proxy, login throttling (django-axes),
# Content-Security-Policy (django-csp), session idle timeout, security headers.
import datetime as _dt  # noqa: E402

from csp.constants import NONCE as _CSP_NONCE  # noqa: E402
from csp.constants import NONE as _CSP_NONE  # noqa: E402
from csp.constants import SELF as _CSP_SELF  # noqa: E402

INSTALLED_APPS += ["mozilla_django_oidc", "axes", "csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "identita.middleware.CSPMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "identita.middleware.IdentitaMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "identita.backends.AxesBackend",
    *AUTHENTICATION_BACKENDS,
    "identita.oidc.SpidCieOIDCBackend",
]

# Two factors for the admin staff (identita/due_fattori.py): SPID/CIE level >= 2, CNS, or password +
# TOTP (django-otp). On by default in production; off in the demo and the tests unless set.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("identita.middleware.IdentitaMiddleware") + 1, "identita.due_fattori.DueFattoriAdminMiddleware"
)
SCT_ADMIN_2FA = env_bool("SCT_ADMIN_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "SCT Negozio Elettronico")

# Strong authentication for the ANAC actions (RUP with SPID/CIE/CNS, level >= 2, recent enough).
SCT_STRONG_AUTH_MAX_AGE_MIN = int(os.environ.get("SCT_STRONG_AUTH_MAX_AGE_MIN", "60"))
SCT_SESSION_IDLE_TIMEOUT_MIN = int(os.environ.get("SCT_SESSION_IDLE_TIMEOUT_MIN", "30"))

# SPID / CIE: OpenID Connect relying party of a SPID/CIE gateway (mozilla-django-oidc).
SCT_OIDC_ENABLED = env_bool("SCT_OIDC_ENABLED", False)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile")
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", False)
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "identita:oidc_callback"
SCT_OIDC_SOURCE_PARAM = os.environ.get("SCT_OIDC_SOURCE_PARAM", "")
# The SPID provider chosen in the "Entra con SPID" button, passed to the gateway under this name.
SCT_OIDC_IDP_PARAM = os.environ.get("SCT_OIDC_IDP_PARAM", "idp_hint")
SCT_OIDC_PROMPT_STEP_UP = os.environ.get("SCT_OIDC_PROMPT_STEP_UP", "login")

# CNS: client certificate verified by the reverse proxy, believed only from SCT_TRUSTED_PROXIES.
SCT_CNS_ENABLED = env_bool("SCT_CNS_ENABLED", False)
SCT_CNS_HEADER = os.environ.get("SCT_CNS_HEADER", "X-SSL-Client-Cert")
SCT_CNS_VERIFY_HEADER = os.environ.get("SCT_CNS_VERIFY_HEADER", "X-SSL-Client-Verify")
SCT_TRUSTED_PROXIES = env_list("SCT_TRUSTED_PROXIES")

# Login throttling: 5 failures for the same user from the same address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = _dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "identita.views.bloccato"
AXES_CLIENT_IP_CALLABLE = "identita.rete.ip_cliente"
AXES_VERBOSE = False

# Content-Security-Policy: strict on the site (no inline script/style; `request.csp_nonce` when
# needed), what the Wagtail admin needs under /admin/. Extra image hosts (e.g. S3) by environment.
_csp_img = [_CSP_SELF, "data:", *env_list("SCT_CSP_IMG_SRC")]
_csp_comune = {
    "default-src": [_CSP_SELF],
    "img-src": _csp_img,
    "font-src": [_CSP_SELF, "data:"],
    "connect-src": [_CSP_SELF],
    "frame-src": [_CSP_SELF],
    "frame-ancestors": [_CSP_SELF],
    "form-action": [_CSP_SELF],
    "base-uri": [_CSP_SELF],
    "object-src": [_CSP_NONE],
    "report-uri": ["/identita/csp-report/"],
}
# Bootstrap Italia's font loader injects a <style> with the @font-face rules (its text depends on
# window.__PUBLIC_PATH__ in sct/config.js) and an empty one: allowed by hash, not 'unsafe-inline'.
SCT_CSP_STYLE_HASHES = [
    "'sha256-wPXhisdsFu1DtHYH1D9W5isSGqS5vIPn6QJWSNLqfCM='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_csp_comune,
        "script-src": [_CSP_SELF, _CSP_NONCE],
        "style-src": [_CSP_SELF, _CSP_NONCE, *SCT_CSP_STYLE_HASHES],
    }
}
SCT_CSP_ADMIN = {
    "DIRECTIVES": {
        **_csp_comune,
        "script-src": [_CSP_SELF, "'unsafe-inline'"],
        "style-src": [_CSP_SELF, "'unsafe-inline'"],
        "img-src": [*_csp_img, "blob:"],
    }
}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests from the admin (and none for the CSP)
SECURE_REFERRER_POLICY = "same-origin"
SCT_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- prestazioni ---
# Cache of the public pages for anonymous visitors (sct_site/cache/pagine.py, docs/deploy.md): first
# middleware; its app connects the invalidation receivers in every process. Own cache alias: the
# Redis of REDIS_URL when set (shared by every process and machine), else a file cache in var/
# (shared by the processes of this machine). SCT_CACHE_PAGINE=0/1 forces it off/on (default: on
# unless DEBUG or the test settings).
INSTALLED_APPS += ["sct_site.cache.apps.PagineCacheConfig"]
MIDDLEWARE.insert(0, "sct_site.cache.pagine.PagineCacheMiddleware")
# Site, route and view restrictions of Wagtail's page requests, per version (sct_site/cache/instradamento.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1,
    "sct_site.cache.instradamento.SitoInCacheMiddleware",
)
CACHES["pagine"] = (
    {
        "BACKEND": "sct_site.cache.backend.RedisCacheTollerante",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "pagine",
        "OPTIONS": _REDIS_OPZIONI,
    }
    if os.environ.get("REDIS_URL")
    else {
        "BACKEND": "sct_site.cache.backend.FileBasedCacheTollerante",
        "LOCATION": str(VAR_DIR / "cache" / "pagine"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
)
if "SCT_CACHE_PAGINE" in os.environ:
    SCT_CACHE_PAGINE = env_bool("SCT_CACHE_PAGINE")
SCT_CACHE_PAGINE_TIMEOUT = int(os.environ.get("SCT_CACHE_PAGINE_TIMEOUT", "600"))  # seconds on the server
SCT_CACHE_PAGINE_MAX_AGE = int(os.environ.get("SCT_CACHE_PAGINE_MAX_AGE", "0"))  # browsers and proxies
SCT_CACHE_PAGINE_LOCALE_MB = float(os.environ.get("SCT_CACHE_PAGINE_LOCALE_MB", "32"))  # per-process memory tier

# --- pagine di errore ---
# The Italian error pages (templates/4xx.html, 500.html) also with DEBUG on (sct_site/errori.py);
# SCT_PAGINE_ERRORE_DJANGO=1 gives back Django's debug pages. A refused CSRF check: the Italian 403.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "sct_site.errori.PagineErroreMiddleware",
)
SCT_PAGINE_ERRORE_DJANGO = env_bool("SCT_PAGINE_ERRORE_DJANGO", False)
CSRF_FAILURE_VIEW = "sct_site.errori.csrf_non_valido"
