import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES

SCT_ENVIRONMENT = "test"
SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SCT_SIMULATED_SPID = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

_tmp = Path(os.environ.get("SCT_TEST_VAR_DIR") or tempfile.mkdtemp(prefix="sct-test-"))
MEDIA_ROOT = _tmp / "media"
PRIVATE_STORAGE_ROOT = _tmp / "private"
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: integration tests start a Celery worker that opens the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / "test.sqlite3")}
else:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("SCT_TEST_DB_NAME", "test_sct")

# Celery (owned by the ANAC harness, tests/integration.py): the filesystem broker and the result
# files live in this run's temporary folder, shared with the real worker that the integration
# fixtures start with the same SCT_TEST_VAR_DIR; a queue name of this run keeps parallel runs on a
# shared Redis apart.
if CELERY_BROKER_URL.startswith("filesystem"):  # noqa: F405
    CELERY_BROKER_DIR = _tmp / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.1,  # default 1 s: tests wait for the worker, keep the latency low
    }
    for _cartella in ("queue", "control", "results"):
        (CELERY_BROKER_DIR / _cartella).mkdir(parents=True, exist_ok=True)
if not os.environ.get("CELERY_RESULT_BACKEND"):
    CELERY_RESULT_BACKEND = f"file://{_tmp / 'celery' / 'results'}"
    (_tmp / "celery" / "results").mkdir(parents=True, exist_ok=True)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("SCT_TEST_CELERY_QUEUE") or f"sct-test-{_tmp.name}"
# Most tests run without a Celery worker: /health/ leaves it out unless a test turns it on (the tests
# of /health/ do, with a real worker: tests/test_guasti_cache.py).
SCT_HEALTH_WORKER_CELERY = False
# Caches of this run only: the file cache of the public pages in its temporary folder (shared with
# its Celery worker, which invalidates it), a key prefix of its own on a shared Redis.
for _alias, _cache in CACHES.items():  # noqa: F405
    if "FileBasedCache" in _cache["BACKEND"]:
        _cache["LOCATION"] = str(_tmp / "cache" / _alias)
    _cache["KEY_PREFIX"] = f"{_cache.get('KEY_PREFIX', '')}{_tmp.name}"
# Processes started by the tests (the Celery worker) inherit this and so share the folder above.
os.environ.setdefault("SCT_TEST_VAR_DIR", str(_tmp))
