"""The version of the public data: one key (``CHIAVE_VERSIONE``) in the ``pagine`` cache, bumped by
``invalida`` on every change that public pages show (``sct_site.cache.invalidazione``). Copies of
pages (``pagine``) and derived values (``dati.memorizzato``) record the version they were made at and
are used only while it is current.

When the cache does not answer (``backend``: reads are misses, writes ignored) the version is
``None``: nothing is served from nor kept in any tier. A bump missed meanwhile is made by this
process at its first read of the version once the cache answers again.
"""

import contextlib
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import BaseCache, caches

from .backend import CacheNonDisponibile, in_guasto

CHIAVE_VERSIONE = "sct:pagine:versione"

_sospensione = threading.local()


def cache_pagine() -> BaseCache:
    """The cache alias of the public pages and of the version (``SCT_CACHE_PAGINE_ALIAS``, ``pagine``)."""
    alias = getattr(settings, "SCT_CACHE_PAGINE_ALIAS", "pagine")
    return caches[alias if alias in settings.CACHES else "default"]


def versione(cache: BaseCache | None = None) -> int | None:
    """The current version. A missing key (first start, Redis flushed) gets a new value from the
    clock, never one used before: copies made under an old version can never become current again.
    ``None`` while the cache does not answer: then no copy is served nor kept."""
    cache = cache or cache_pagine()
    attuale = cache.get(CHIAVE_VERSIONE)
    if _bump_mancato.pendente and not in_guasto(cache):  # the cache answers again: the missed bump now
        invalida()
        attuale = cache.get(CHIAVE_VERSIONE)
    if attuale is None:
        cache.add(CHIAVE_VERSIONE, time.time_ns(), timeout=None)
        attuale = cache.get(CHIAVE_VERSIONE)
    return attuale


class _BumpMancato:
    pendente = False


_bump_mancato = _BumpMancato()


def invalida(**kwargs: object) -> None:
    """Bump the version: every stored page, and every value of ``memorizzato``, becomes stale at once
    (in every process). It moves also when the page cache is off: the derived data still follow it.
    With the cache down the bump is remembered by this process and made at its first access to the
    cache once it answers again (``versione``); a publication never fails because of the cache."""
    if getattr(_sospensione, "attiva", False):
        return
    cache = cache_pagine()
    try:
        _incrementa(cache)
    except CacheNonDisponibile:
        _bump_mancato.pendente = True
        return
    _bump_mancato.pendente = False


def _incrementa(cache: BaseCache) -> None:
    try:
        cache.incr(CHIAVE_VERSIONE)
    except CacheNonDisponibile:
        raise
    except ValueError:  # missing key
        if not cache.add(CHIAVE_VERSIONE, time.time_ns(), timeout=None):
            cache.incr(CHIAVE_VERSIONE)


@contextlib.contextmanager
def invalidazione_sospesa() -> Iterator[None]:
    """Bulk writes (``generate_bulk``): no bump per record, one bump at the end."""
    prima = getattr(_sospensione, "attiva", False)
    _sospensione.attiva = True
    try:
        yield
    finally:
        _sospensione.attiva = prima
    if not prima:
        invalida()
