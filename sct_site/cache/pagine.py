"""Cache of the public pages for anonymous visitors, invalidated on every publication.

``PagineCacheMiddleware`` is the first middleware (outermost): a hit returns the stored response,
headers included, without running the rest of the stack, the session or the view.

What is served from the cache (and stored) — all of these conditions:

- the cache is on (``SCT_CACHE_PAGINE``; default: on unless ``DEBUG`` or the test settings);
- method GET, path matching one of ``SCT_CACHE_PAGINE_URL`` (regular expressions: home, Elenco
  contratti, a contract page itself, the esiti list and an esito page, the open-data page and the
  Atom feed, Documentazione). Member pages (adesioni, ordinativi, publication of an esito, Area
  riservata, comunicazioni, admin…) never match;
- the request carries no session cookie and no messages cookie (so a logged-in user is never
  served, nor stored, a shared copy; neither is a visitor with a pending message);
- to be stored the response must be a 200, not streaming (the CSV/OCDS exports), set no cookie (a
  page that used ``{% csrf_token %}`` sets one), not be marked private/no-cache/no-store, and not
  carry a CSP nonce.

The key is scheme + host + path + sorted query string. Every entry records the version
(``versione``) it was made at and is served only while the version is current; ``invalidazione``
says when the version moves. With Redis (``REDIS_URL``) the cache and its version are shared by all
processes and machines; without it the ``pagine`` alias is a file cache in ``var/`` shared by the
processes of one machine.

Headers: ``Vary: Cookie`` on every cacheable page; ``Cache-Control: public, max-age=N``
(``SCT_CACHE_PAGINE_MAX_AGE``, default 0: browsers and proxies revalidate, because only this
cache is invalidated on publish) on anonymous cacheable pages; ``Cache-Control: private`` on every
response to a request with a session (logged-in users) that did not set its own;
``X-Cache-Pagine: HIT`` / ``MISS`` for diagnostics and the benchmark.

Each process also keeps the most used pages in memory (``_CacheLocale``, bounded LRU, valid only
under the current shared version): a hit then costs one read of the version from the shared cache.
When the cache does not answer (version ``None``) the page is computed and neither served from nor
kept in any tier.
"""

import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers

from .backend import in_guasto
from .versione import cache_pagine, versione

URL_PUBBLICI = (
    r"^/$",
    r"^/contratti/$",
    r"^/contratti/[\w-]+/$",
    r"^/aggiudicazioni-e-affidamenti/$",
    r"^/aggiudicazioni-e-affidamenti/\d+/$",
    r"^/aggiudicazioni-e-affidamenti/dati-aperti/$",
    r"^/aggiudicazioni-e-affidamenti/dati-aperti/feed/$",
    r"^/aggiudicazioni-e-affidamenti/dati-aperti/catalogo/$",
    r"^/documentazione/$",
    r"^/documentazione/[\w-]+/$",
)
INTESTAZIONE = "X-Cache-Pagine"

Intestazioni = list[tuple[str, str]]


def attivo() -> bool:
    valore = getattr(settings, "SCT_CACHE_PAGINE", None)
    if valore is None:
        return not settings.DEBUG and getattr(settings, "SCT_ENVIRONMENT", "") != "test"
    return bool(valore)


def _timeout() -> int:
    return int(getattr(settings, "SCT_CACHE_PAGINE_TIMEOUT", 600))


class _CacheLocale:
    """A small LRU in the memory of each process, in front of the shared cache: a hit costs one
    small read (the version) instead of transferring and unpickling the whole page. Entries are
    served only while the shared version is the one they were made at, and not after their expiry.
    ``SCT_CACHE_PAGINE_LOCALE_MB`` (default 32; 0 turns it off) bounds its size per process."""

    def __init__(self) -> None:
        self.voci: OrderedDict[str, tuple[Any, Intestazioni, bytes, float]] = OrderedDict()
        self.byte = 0
        self.lock = threading.Lock()

    @staticmethod
    def limite() -> int:
        return int(float(getattr(settings, "SCT_CACHE_PAGINE_LOCALE_MB", 32)) * 2**20)

    def get(self, chiave: str, versione: Any) -> tuple[Any, Intestazioni, bytes, float] | None:
        with self.lock:
            voce = self.voci.get(chiave)
            if voce is None:
                return None
            if voce[0] != versione or voce[3] < time.monotonic():
                self._togli(chiave)
                return None
            self.voci.move_to_end(chiave)
            return voce

    def set(self, chiave: str, versione: Any, intestazioni: Intestazioni, contenuto: bytes, timeout: float) -> None:
        limite = self.limite()
        if len(contenuto) > limite // 4:
            return
        with self.lock:
            if chiave in self.voci:
                self._togli(chiave)
            self.voci[chiave] = (versione, intestazioni, contenuto, time.monotonic() + timeout)
            self.byte += len(contenuto)
            while self.byte > limite and self.voci:
                self._togli(next(iter(self.voci)))

    def _togli(self, chiave: str) -> None:
        voce = self.voci.pop(chiave)
        self.byte -= len(voce[2])

    def svuota(self) -> None:
        with self.lock:
            self.voci.clear()
            self.byte = 0


_locale = _CacheLocale()


@functools.lru_cache(maxsize=4)
def _compila(modelli: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(m) for m in modelli]


def _url_pubblici() -> list[re.Pattern[str]]:
    return _compila(tuple(getattr(settings, "SCT_CACHE_PAGINE_URL", None) or URL_PUBBLICI))


def pagina_pubblica(path: str) -> bool:
    return any(r.match(path) for r in _url_pubblici())


def _con_sessione(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies


def _chiave(request: HttpRequest) -> str:
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    testo = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "sct:pagina:" + hashlib.sha256(testo.encode()).hexdigest()


def _memorizzabile(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    controllo = response.get("Cache-Control", "").lower()
    if any(parola in controllo for parola in ("private", "no-cache", "no-store")):
        return False
    if getattr(request, "_csp_nonce", None):  # a nonce shared by every visitor is no nonce
        return False
    user = getattr(request, "user", None)
    return not (user is not None and getattr(user, "is_authenticated", False))


class PagineCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not attivo():
            return self.get_response(request)
        if _con_sessione(request):
            # Possibly a logged-in user: never a shared copy, and tell proxies not to keep one.
            response = self.get_response(request)
            if pagina_pubblica(request.path_info):
                patch_vary_headers(response, ("Cookie",))
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, max_age=0)
            return response
        if request.method != "GET" or not pagina_pubblica(request.path_info):
            return self.get_response(request)
        cache = cache_pagine()
        chiave = _chiave(request)
        attuale = versione(cache)
        if attuale is None or in_guasto(cache):
            # The cache does not answer: the page as computed now, neither served from nor kept in it.
            response = self.get_response(request)
            patch_vary_headers(response, ("Cookie",))
            return response
        voce = _locale.get(chiave, attuale)
        if voce is None:
            voce = cache.get(chiave)
            if voce is not None and voce[0] == attuale:
                _locale.set(chiave, attuale, voce[1], voce[2], min(_timeout(), 60))
            else:
                voce = None
        if voce is not None:
            response = HttpResponse(voce[2])
            for nome, valore in voce[1]:
                response.headers[nome] = valore
            response[INTESTAZIONE] = "HIT"
            return response
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        if _memorizzabile(request, response) and isinstance(response, HttpResponse):  # not streaming
            patch_cache_control(response, public=True, max_age=int(getattr(settings, "SCT_CACHE_PAGINE_MAX_AGE", 0)))
            intestazioni = [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"]
            cache.set(chiave, (attuale, intestazioni, response.content), _timeout())
            _locale.set(chiave, attuale, intestazioni, response.content, min(_timeout(), 60))
            response[INTESTAZIONE] = "MISS"
        return response


def svuota_locale() -> None:
    _locale.svuota()
