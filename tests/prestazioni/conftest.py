import pytest


@pytest.fixture
def cache_pagine(settings):
    """The public-page cache on, in a memory cache of its own (empty at each test)."""
    import uuid

    settings.CACHES = {
        **settings.CACHES,
        "pagine": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"pagine-{uuid.uuid4()}"},
    }
    settings.SCT_CACHE_PAGINE = True
    from django.core.cache import caches

    from sct_site.cache.pagine import _locale

    caches["pagine"].clear()
    _locale.svuota()
    yield caches["pagine"]
    caches["pagine"].clear()
    _locale.svuota()


@pytest.fixture
def senza_cache_pagine(settings):
    settings.SCT_CACHE_PAGINE = False
