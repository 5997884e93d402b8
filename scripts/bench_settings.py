"""Settings of the benchmark's server (``scripts/bench.py``): the production settings, plus the
benchmark's own URLconf (the floor view), plain HTTP on loopback. Never used by the site."""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from sct_site.settings.production import *  # noqa: E402, F403

ROOT_URLCONF = "bench_urls"
# Plain HTTP on 127.0.0.1: the cookies must travel without TLS for the load generator's session.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
