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

The key is scheme + host + path + sorted query string. Invalidation is by *version*: every entry
records the version it was made at and is served only while the version is current. The version
(one key in the same cache) is bumped:

- on ``page_published`` / ``page_unpublished`` / ``post_page_move`` (Wagtail signals), on the deletion
  of a page, and when a live page is saved other than by a draft's bookkeeping (``add_child``, scripts);
- on ``post_save`` / ``post_delete`` of the models whose data appear on public pages without a page
  publication (``SCT_CACHE_PAGINE_MODELLI``): ``esiti.Esito`` (publication, withdrawal and
  cancellation all go through ``Esito.save()`` in ``esiti.services``: the esiti app emits no signal
  of its own; saving a draft does not count, a draft is never public), the organisations shown on
  contract pages, public clarifications, Wagtail documents;
- once at the end of ``generate_bulk`` (``invalidazione_sospesa``). Bulk writes that bypass
  ``save()`` elsewhere (``QuerySet.update``, ``bulk_create``) must call ``invalida()``.

The receivers are connected by ``PagineCacheConfig.ready()`` (this module is an app, added to
``INSTALLED_APPS`` in the ``# --- prestazioni ---`` block of the settings), so they run in every
process that can publish: web, Celery worker, management commands. With Redis (``REDIS_URL``) the
cache and its version are shared by all processes and machines; without it the ``pagine`` alias is
a file cache in ``var/`` shared by the processes of one machine.

Headers: ``Vary: Cookie`` on every cacheable page; ``Cache-Control: public, max-age=N``
(``SCT_CACHE_PAGINE_MAX_AGE``, default 0: browsers and proxies revalidate, because only this
cache is invalidated on publish) on anonymous cacheable pages; ``Cache-Control: private`` on every
response to a request with a session (logged-in users) that did not set its own;
``X-Cache-Pagine: HIT`` / ``MISS`` for diagnostics and the benchmark.

Each process also keeps the most used pages in memory (``_CacheLocale``, bounded LRU, valid only
under the current shared version): a hit then costs one read of the version from the shared cache.

When the cache does not answer (``sct_site.cache_tollerante``: reads are misses, writes ignored) the
version is ``None``: the page is computed and neither served from nor kept in any tier, and
``memorizzato`` computes every time. A bump missed meanwhile is made by this process at its first
read of the version once the cache answers again.
"""

import contextlib
import hashlib
import re
import threading
import time
from collections import OrderedDict

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from .cache_tollerante import CacheNonDisponibile, in_guasto
from .memo import per_richiesta

URL_PUBBLICI = (
    r"^/$",
    r"^/contratti/$",
    r"^/contratti/[\w-]+/$",
    r"^/aggiudicazioni-e-affidamenti/$",
    r"^/aggiudicazioni-e-affidamenti/\d+/$",
    r"^/aggiudicazioni-e-affidamenti/dati-aperti/$",
    r"^/aggiudicazioni-e-affidamenti/dati-aperti/feed/$",
    r"^/documentazione/$",
    r"^/documentazione/[\w-]+/$",
)
MODELLI = (
    "esiti.Esito",
    "organizzazioni.Ente",
    "organizzazioni.OperatoreEconomico",
    "organizzazioni.MembroRTI",
    "comunicazioni.ChiarimentoPubblicato",
    "wagtaildocs.Document",
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",
)
CHIAVE_VERSIONE = "sct:pagine:versione"
INTESTAZIONE = "X-Cache-Pagine"

_sospensione = threading.local()


def attivo():
    valore = getattr(settings, "SCT_CACHE_PAGINE", None)
    if valore is None:
        return not settings.DEBUG and getattr(settings, "SCT_ENVIRONMENT", "") != "test"
    return bool(valore)


def _cache():
    alias = getattr(settings, "SCT_CACHE_PAGINE_ALIAS", "pagine")
    return caches[alias if alias in settings.CACHES else "default"]


def _timeout():
    return int(getattr(settings, "SCT_CACHE_PAGINE_TIMEOUT", 600))


def versione(cache=None):
    """The current version. A missing key (first start, Redis flushed) gets a new value from the
    clock, never one used before: copies made under an old version can never become current again.
    ``None`` while the cache does not answer: then no copy is served nor kept."""
    cache = cache or _cache()
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


def invalida(**kwargs):
    """Bump the version: every stored page, and every value of ``memorizzato``, becomes stale at once
    (in every process). It moves also when the page cache is off: the derived data still follow it.
    With the cache down the bump is remembered by this process and made at its first access to the
    cache once it answers again (``versione``); a publication never fails because of the cache."""
    if getattr(_sospensione, "attiva", False):
        return
    cache = _cache()
    try:
        _incrementa(cache)
    except CacheNonDisponibile:
        _bump_mancato.pendente = True
        return
    _bump_mancato.pendente = False


def _incrementa(cache):
    try:
        cache.incr(CHIAVE_VERSIONE)
    except CacheNonDisponibile:
        raise
    except ValueError:  # missing key
        if not cache.add(CHIAVE_VERSIONE, time.time_ns(), timeout=None):
            cache.incr(CHIAVE_VERSIONE)


_versione_della_richiesta = per_richiesta(versione)  # read once per GET request, not once per value
_memo_locale = OrderedDict()
_memo_lock = threading.Lock()


def svuota_memoria_locale():
    """Forget the per-process copies (tests: a rolled-back test leaves the version as it was)."""
    with _memo_lock:
        _memo_locale.clear()
    _locale.svuota()


def memorizzato(nome, calcola, *, versione_attuale=None, cache=None, durata=300):
    """``calcola()`` once per version of the public data (``versione_attuale()``, default: this module's,
    which moves on every publication), kept in the shared cache for ``durata`` seconds and, in front of
    it, in a small per-process memo (no transfer nor unpickling while the version holds)."""
    cache = cache or _cache()
    attuale = (versione_attuale or _versione_della_richiesta)()
    if attuale is None or in_guasto(cache) or in_guasto(_cache()):
        return calcola()  # cache down: no version to key copies by, computed every time
    chiave = f"sct:dati:{nome}:{attuale}"
    with _memo_lock:
        voce = _memo_locale.get(chiave)
        if voce is not None and voce[1] > time.monotonic():
            _memo_locale.move_to_end(chiave)
            return voce[0]
    valore = cache.get(chiave)
    if valore is None:
        valore = calcola()
        cache.set(chiave, valore, durata)
    with _memo_lock:
        _memo_locale[chiave] = (valore, time.monotonic() + min(durata, 60))
        while len(_memo_locale) > 256:
            _memo_locale.popitem(last=False)
    return valore


class _CacheLocale:
    """A small LRU in the memory of each process, in front of the shared cache: a hit costs one
    small read (the version) instead of transferring and unpickling the whole page. Entries are
    served only while the shared version is the one they were made at, and not after their expiry.
    ``SCT_CACHE_PAGINE_LOCALE_MB`` (default 32; 0 turns it off) bounds its size per process."""

    def __init__(self):
        self.voci = OrderedDict()
        self.byte = 0
        self.lock = threading.Lock()

    @staticmethod
    def limite():
        return int(float(getattr(settings, "SCT_CACHE_PAGINE_LOCALE_MB", 32)) * 2**20)

    def get(self, chiave, versione):
        with self.lock:
            voce = self.voci.get(chiave)
            if voce is None:
                return None
            if voce[0] != versione or voce[3] < time.monotonic():
                self._togli(chiave)
                return None
            self.voci.move_to_end(chiave)
            return voce

    def set(self, chiave, versione, intestazioni, contenuto, timeout):
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

    def _togli(self, chiave):
        voce = self.voci.pop(chiave)
        self.byte -= len(voce[2])

    def svuota(self):
        with self.lock:
            self.voci.clear()
            self.byte = 0


_locale = _CacheLocale()


@contextlib.contextmanager
def invalidazione_sospesa():
    """Bulk writes (``generate_bulk``): no bump per record, one bump at the end."""
    prima = getattr(_sospensione, "attiva", False)
    _sospensione.attiva = True
    try:
        yield
    finally:
        _sospensione.attiva = prima
    if not prima:
        invalida()


def _url_pubblici():
    modelli = getattr(settings, "SCT_CACHE_PAGINE_URL", None) or URL_PUBBLICI
    chiave = tuple(modelli)
    if getattr(_url_pubblici, "chiave", None) != chiave:
        _url_pubblici.compilati = [re.compile(m) for m in modelli]
        _url_pubblici.chiave = chiave
    return _url_pubblici.compilati


def pagina_pubblica(path):
    return any(r.match(path) for r in _url_pubblici())


def _con_sessione(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies


def _chiave(request):
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    testo = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "sct:pagina:" + hashlib.sha256(testo.encode()).hexdigest()


def _memorizzabile(request, response):
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
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
        cache = _cache()
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
        if _memorizzabile(request, response):
            patch_cache_control(response, public=True, max_age=int(getattr(settings, "SCT_CACHE_PAGINE_MAX_AGE", 0)))
            intestazioni = [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"]
            cache.set(chiave, (attuale, intestazioni, response.content), _timeout())
            _locale.set(chiave, attuale, intestazioni, response.content, min(_timeout(), 60))
            response[INTESTAZIONE] = "MISS"
        return response


def _pagina_cambiata(sender, **kwargs):
    invalida()


# What Wagtail writes on a page when a draft is saved, locked or scheduled: nothing public changes.
_CAMPI_DI_BOZZA = {
    "comments", "latest_revision", "latest_revision_created_at", "draft_title", "has_unpublished_changes",
    "locked", "locked_at", "locked_by", "go_live_at", "expire_at",
}


def _pagina_salvata(sender, instance=None, update_fields=None, **kwargs):
    """A live page saved directly (``add_child``, a script) changes public pages without
    ``page_published``; a draft's bookkeeping does not."""
    from wagtail.models import Page

    if not isinstance(instance, Page) or not instance.live:
        return
    if update_fields is not None and set(update_fields) <= _CAMPI_DI_BOZZA:
        return
    invalida()


def _record_cambiato(sender, instance=None, **kwargs):
    # A draft esito is never public (only its ente sees it, and never from the cache).
    if sender._meta.label == "esiti.Esito" and getattr(instance, "stato", None) == "bozza":
        return
    invalida()


class PagineCacheConfig(AppConfig):
    name = "sct_site.cache"
    label = "sct_cache"
    verbose_name = "cache delle pagine pubbliche"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        page_published.connect(_pagina_cambiata, dispatch_uid="sct_cache_page_published")
        page_unpublished.connect(_pagina_cambiata, dispatch_uid="sct_cache_page_unpublished")
        post_delete.connect(_pagina_cambiata, sender=Page, dispatch_uid="sct_cache_page_deleted")
        post_page_move.connect(_pagina_cambiata, dispatch_uid="sct_cache_page_moved")
        post_save.connect(_pagina_salvata, dispatch_uid="sct_cache_page_saved")
        for etichetta in getattr(settings, "SCT_CACHE_PAGINE_MODELLI", MODELLI):
            try:
                modello = apps.get_model(etichetta)
            except LookupError:
                continue
            post_save.connect(_record_cambiato, sender=modello, dispatch_uid=f"sct_cache_save_{etichetta}")
            post_delete.connect(_record_cambiato, sender=modello, dispatch_uid=f"sct_cache_delete_{etichetta}")
