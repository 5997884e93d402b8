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
