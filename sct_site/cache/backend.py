"""Cache backends that fail open: a cache that does not answer makes pages slower, never errors.

Every operation of Django's Redis (and file) cache is guarded: on a connection error, a timeout or
any error of the cache server (``redis.exceptions.RedisError``, ``OSError``) a read is a miss
(``default``), a write is ignored (``add`` answers ``False``), ``incr`` raises
``CacheNonDisponibile`` (a ``ValueError``, as for a missing key: it has no neutral answer) and the
cache is *in guasto* for ``PAUSA`` seconds: meanwhile no call reaches the server (no socket timeout
paid by every call of a page; ``SCT_CACHE_PAUSA_DOPO_GUASTO``), then the next call tries again. The outage is logged once when it
starts and once when it ends, not on every call. The state is shared by the threads of a process
(one per server and key prefix).

``in_guasto(cache)`` tells callers that keep copies of their own (the per-process memory of
``sct_site.cache.pagine`` and ``dati``) not to trust a missing version. A ``ValueError`` of ``incr`` on a missing key and
programming errors are not swallowed. ``strict()`` lets errors through: the health check
(``home.stato``) writes and reads with it, so that ``/health/`` names the broken cache.
"""

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("sct_site.cache")

PAUSA = 5.0  # seconds without trying the server after a failure (setting SCT_CACHE_PAUSA_DOPO_GUASTO)
ERRORI = (RedisError, OSError)


class CacheNonDisponibile(ValueError):
    """The cache did not answer ``incr``."""


# What a guarded operation answers while the cache is down: a miss, or a write that did not happen.
_NEUTRI: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], Any]] = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "set": lambda args, kwargs: None,
    "set_many": lambda args, kwargs: list(args[0] if args else kwargs.get("data", ())),  # every key failed
    "add": lambda args, kwargs: False,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "delete_many": lambda args, kwargs: None,
    "clear": lambda args, kwargs: None,
}


class _Stato:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.guasto = False
        self.fino_a = 0.0
        self.strict = threading.local()


_stati: dict[tuple[str, str, str], _Stato] = {}
_stati_lock = threading.Lock()


def _stato_per(chiave: tuple[str, str, str]) -> _Stato:
    with _stati_lock:
        return _stati.setdefault(chiave, _Stato())


def _protetta(nome: str, metodo: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(metodo)
    def protetta(self: "FailOpenMixin", *args: Any, **kwargs: Any) -> Any:
        stato = self._stato_guasto
        if getattr(stato.strict, "attivo", False):
            risultato = metodo(self, *args, **kwargs)
            self._segna_ripristino()
            return risultato
        if stato.guasto and time.monotonic() < stato.fino_a:
            return self._neutro(nome, args, kwargs)
        try:
            risultato = metodo(self, *args, **kwargs)
        except ERRORI as exc:
            self._segna_guasto(nome, exc)
            return self._neutro(nome, args, kwargs)
        if stato.guasto:
            self._segna_ripristino()
        return risultato

    return protetta


class FailOpenMixin:
    """Put before a Django cache backend; ``__init_subclass__`` guards the operations of that backend."""

    key_prefix: str  # the backend's

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        mro = cls.__mro__
        base = mro[mro.index(FailOpenMixin) + 1]
        for nome in (*_NEUTRI, "incr"):
            setattr(cls, nome, _protetta(nome, getattr(base, nome)))

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)  # type: ignore[call-arg]  # the backend's (server, params)
        self._stato_guasto = _stato_per((type(self).__name__, str(server), self.key_prefix))

    @staticmethod
    def _neutro(nome: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if nome == "incr":
            raise CacheNonDisponibile("cache non disponibile")
        return _NEUTRI[nome](args, kwargs)

    def _segna_guasto(self, operazione: str, exc: BaseException) -> None:
        stato = self._stato_guasto
        with stato.lock:
            primo = not stato.guasto
            stato.guasto = True
            stato.fino_a = time.monotonic() + float(getattr(settings, "SCT_CACHE_PAUSA_DOPO_GUASTO", PAUSA))
        if primo:
            logger.error(
                "Cache %s non disponibile (%s in %s: %s): le pagine sono calcolate senza cache",
                type(self).__name__,
                type(exc).__name__,
                operazione,
                exc,
            )

    def _segna_ripristino(self) -> None:
        stato = self._stato_guasto
        with stato.lock:
            if not stato.guasto:
                return
            stato.guasto = False
        logger.warning("Cache %s di nuovo disponibile", type(self).__name__)

    @property
    def in_guasto(self) -> bool:
        return self._stato_guasto.guasto

    @contextlib.contextmanager
    def strict(self) -> Iterator["FailOpenMixin"]:
        """Errors reach the caller (the health check); a success ends the outage."""
        stato = self._stato_guasto
        stato.strict.attivo = True
        try:
            yield self
        finally:
            stato.strict.attivo = False


class RedisCacheTollerante(FailOpenMixin, RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that fails open. Short socket timeouts by default
    (``socket_connect_timeout``/``socket_timeout`` in OPTIONS, 0.5 s): a Redis that does not answer costs
    half a second every ``PAUSA`` seconds, not a hanging request."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        opzioni = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": opzioni})


class FileBasedCacheTollerante(FailOpenMixin, FileBasedCache):
    """The file cache of the embedded default: a full or read-only disk is a miss, not an error."""

    def _createdir(self) -> None:
        try:
            super()._createdir()  # type: ignore[misc]  # FileBasedCache's, after the mixin in the MRO
        except OSError as exc:  # at __init__: the cache exists, its writes fail (and are ignored) later
            if hasattr(self, "_stato_guasto"):
                raise
            logger.error("Cache su file non disponibile (%s): %s", type(exc).__name__, exc)


def in_guasto(cache: BaseCache) -> bool:
    return bool(getattr(cache, "in_guasto", False))


@contextlib.contextmanager
def strict(cache: BaseCache) -> Iterator[BaseCache]:
    """``cache.strict()`` for the backends above; any other backend already lets errors through."""
    if isinstance(cache, FailOpenMixin):
        with cache.strict():
            yield cache
    else:
        yield cache
