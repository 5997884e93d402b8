"""The Wagtail internals that sct_site/cache relies on, pinned: a Wagtail upgrade that changes one of
them fails here, with a message that names the module to fix, not in production.

- ``instradamento.SitoInCacheMiddleware`` pickles what ``Site._find_for_request(request)`` answers and
  puts the copy in ``request._wagtail_site``, which ``Site.find_for_request`` must read;
- ``instradamento.InstradamentoInCacheMixin.route`` re-implements ``Page.route`` (and the sub-routes of
  ``RoutablePageMixin``): it must answer what Wagtail answers for every page of the site;
- ``instradamento.RestrizioniInCacheMixin`` overrides ``Page.get_view_restrictions``, ``pubbliche``
  skips ``PageQuerySet.public()``;
- ``invalidazione`` listens to Wagtail's page signals and ignores the saves of a draft's bookkeeping.
"""

import inspect
import pickle  # nosec B403 - round trip of an object this test made, as sct_site/cache/instradamento.py does
import re

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from wagtail import signals as wagtail_signals
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.query import PageQuerySet
from wagtail.views import serve as wagtail_serve

from contratti.models import ContrattoPage
from home.demo import SCT_SLUG
from sct_site.cache import instradamento
from sct_site.cache.versione import versione

pytestmark = pytest.mark.django_db

AGGIORNA = 'Wagtail è cambiato: sct_site/cache/instradamento.py va adeguato (docs/architecture.md, "Cache").'
PAGINE_PUBBLICHE = ["/", "/contratti/", f"/contratti/{SCT_SLUG}/", "/aggiudicazioni-e-affidamenti/", "/documentazione/"]


def test_find_for_request_privato_esiste_con_la_firma_usata(demo):
    assert callable(getattr(Site, "_find_for_request", None)), f"Site._find_for_request non esiste più. {AGGIORNA}"
    parametri = list(inspect.signature(Site._find_for_request).parameters)
    assert parametri == ["request"], f"Site._find_for_request{parametri}: la chiamiamo con la sola request. {AGGIORNA}"
    sito = Site._find_for_request(RequestFactory().get("/"))
    assert isinstance(sito, Site) and sito.is_default_site, f"Site._find_for_request non dà il Site. {AGGIORNA}"


def test_wagtail_usa_il_sito_messo_in_request_wagtail_site(demo):
    richiesta = RequestFactory().get("/")
    sito = Site._find_for_request(richiesta)
    altro = Site(hostname="altro.example", root_page=sito.root_page)
    richiesta._wagtail_site = altro
    assert Site.find_for_request(richiesta) is altro, (
        f"Site.find_for_request non legge più request._wagtail_site (SitoInCacheMiddleware lo imposta). {AGGIORNA}"
    )


def test_sito_in_pickle_con_la_radice_caricata(demo):
    richiesta = RequestFactory().get("/")
    copia = pickle.loads(instradamento._sito(richiesta))  # noqa: S301 - bytes made by the module under test
    sito = Site._find_for_request(richiesta)
    assert (copia.pk, copia.hostname, copia.port, copia.root_page_id) == (
        sito.pk,
        sito.hostname,
        sito.port,
        sito.root_page_id,
    )
    with CaptureQueriesContext(connection) as query:
        radice = copia.root_page.localized.specific  # what Page.route_for_request uses
    assert len(query) == 0, f"La radice del Site in cache non basta più a Page.route_for_request. {AGGIORNA}"
    assert radice.pk == sito.root_page_id
    assert type(radice).route is not Page.route, "La radice del sito non usa InstradamentoInCacheMixin.route."


def test_le_pagine_passano_dalla_vista_serve_di_wagtail(demo):
    for url in PAGINE_PUBBLICHE:
        assert resolve(url).func is wagtail_serve, f"{url}: SitoInCacheMiddleware agisce solo sulla vista serve"


def _confrontabile(valore):
    """A routable page's route result holds a view bound to that page instance: compare by name."""
    if hasattr(valore, "__func__"):
        return valore.__func__.__qualname__
    if isinstance(valore, (list, tuple)):
        return tuple(_confrontabile(v) for v in valore)
    if isinstance(valore, dict):
        return {k: _confrontabile(v) for k, v in valore.items()}
    return valore


CAMPIONI = ("1", "2024", "01234567890", "x")


def _campione(regola):
    """A path matching a sub-route pattern (``<id:pk>`` → 1; a regex group → a sample it accepts)."""
    if isinstance(regola, RoutePattern):
        return re.sub(r"<[^>]+>", "1", str(regola))
    if isinstance(regola, RegexPattern):

        def gruppo(m):
            return next((c for c in CAMPIONI if re.fullmatch(m.group(1), c)), "1")

        return re.sub(r"\(\?P<\w+>([^)]*)\)", gruppo, str(regola)).strip("^$")
    raise AssertionError(f"Regola di sotto-percorso di tipo nuovo {type(regola)}. {AGGIORNA}")


def _percorsi(radice):
    """Every page under the site's root, the sub-routes of each routable page, and paths that are not."""
    percorsi = [[], ["non-esiste"], ["contratti", "non-esiste"], ["contratti", SCT_SLUG, "non-esiste", "1"]]
    for pagina in Page.objects.descendant_of(radice).specific():
        base = [c for c in pagina.url_path[len(radice.url_path) :].split("/") if c]
        percorsi.append(base)
        if isinstance(pagina, RoutablePageMixin):
            for sotto in type(pagina).get_subpage_urls():
                if isinstance(sotto, URLPattern):
                    percorsi.append(base + [c for c in _campione(sotto.pattern).split("/") if c])
    return percorsi


def test_instradamento_in_cache_uguale_a_quello_di_wagtail(demo, settings):
    settings.SCT_CACHE_PAGINE = True
    # A child page whose slug is also a sub-route of its routable parent: the sub-route wins, in Wagtail.
    demo.sct.add_child(
        instance=ContrattoPage(
            title="Figlia",
            slug="adesioni",
            cig="Z000000999",
            banditore=demo.sct.banditore,
            aggiudicatario=demo.sct.aggiudicatario,
            importo_massimale=1,
        )
    )
    radice = Site.objects.get(is_default_site=True).root_page.specific
    assert isinstance(radice, instradamento.InstradamentoInCacheMixin)

    def instrada(route, percorso):
        richiesta = RequestFactory().get("/" + "/".join(percorso))
        try:
            pagina, args, kwargs = route(radice, richiesta, list(percorso))
        except Http404:
            return "404"
        return (pagina.pk, type(pagina), _confrontabile(args), _confrontabile(kwargs))

    percorsi = _percorsi(radice)
    sotto_percorsi = [p for p in percorsi if instrada(Page.route, p) != "404" and len(p) > 2]
    assert sotto_percorsi, "Nessun sotto-percorso di una RoutablePage trovato: il confronto non direbbe nulla"
    for percorso in percorsi:
        assert instrada(type(radice).route, percorso) == instrada(Page.route, percorso), (
            f"/{'/'.join(percorso)}/: InstradamentoInCacheMixin.route risponde diversamente da Page.route. {AGGIORNA}"
        )


def test_get_view_restrictions_e_public_esistono_come_le_usiamo(demo):
    assert callable(getattr(Page, "get_view_restrictions", None)), (
        f"Page.get_view_restrictions non esiste più. {AGGIORNA}"
    )
    assert callable(getattr(PageQuerySet, "public", None)), f"PageQuerySet.public non esiste più. {AGGIORNA}"
    contratto = ContrattoPage.objects.get(slug=SCT_SLUG)
    assert list(Page.get_view_restrictions(contratto)) == []
    assert ContrattoPage.objects.live().public().filter(pk=contratto.pk).exists()
    restrizione = PageViewRestriction.objects.create(page=contratto, restriction_type=PageViewRestriction.LOGIN)
    assert list(contratto.get_view_restrictions()) == [restrizione]  # the mixin defers to Wagtail's own


def test_segnali_di_wagtail_e_salvataggio_di_una_bozza(demo):
    for nome in ("page_published", "page_unpublished", "post_page_move"):
        assert hasattr(wagtail_signals, nome), f"wagtail.signals.{nome} non esiste più: sct_site/cache/invalidazione.py"
    contratto = ContrattoPage.objects.get(slug=SCT_SLUG)
    prima = versione()
    contratto.title = "Titolo in bozza"
    revisione = contratto.save_revision()
    assert versione() == prima, (
        "Salvare una bozza di una pagina pubblicata cambia la versione: Wagtail salva campi nuovi "
        "(sct_site/cache/invalidazione.py, _CAMPI_DI_BOZZA)"
    )
    revisione.publish()
    assert versione() != prima, "Pubblicare non cambia la versione (sct_site/cache/invalidazione.py)"
