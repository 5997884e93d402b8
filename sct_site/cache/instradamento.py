"""What Wagtail looks up on every page request, kept per version of the public data.

Before any view of ours runs, Wagtail finds the site (one query), routes the path (two queries per
level: the child by slug, then its specific page) and reads the view restrictions of the page and its
ancestors (two queries). Here each lookup is kept in the cache under the version that moves on every
publication, page move, site change and view-restriction change (``sct_site.cache.invalida``);
anything not found in the cache takes Wagtail's own path, so the behaviour is Wagtail's:

- ``SitoInCacheMiddleware`` gives Wagtail the ``Site`` of the request (``request._wagtail_site``)
  with its root page already loaded;
- ``InstradamentoInCacheMixin`` (the site's root page): with the map of the pages' ``url_path`` (one
  per version), the page Wagtail would reach, walking down the path until a component is not a page or
  a page is routable (its sub-routes win over child pages), is loaded with one query and routes the
  rest; a page that is not live, or a path with no page, goes Wagtail's way (404 included);
- ``RestrizioniInCacheMixin``: while no view restriction exists on the site, there is none to read;
  ``pubbliche(queryset)`` skips ``.public()`` likewise.
"""

import pickle  # nosec B403 - the cache's own serialisation, of objects this module put there
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site

from .dati import memorizzato


def _sito(request: HttpRequest) -> bytes | None:
    sito = Site._find_for_request(request)
    if sito is None:
        return None
    sito.root_page.specific  # noqa: B018 - loaded now, kept (pickled) with the site
    return pickle.dumps(sito)


class SitoInCacheMiddleware:
    """Only for the requests that Wagtail serves (its ``serve`` view): the others need no site."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        from wagtail.views import serve as wagtail_serve  # wagtail.views loads a model: not while models load

        if view_func is not wagtail_serve or hasattr(request, "_wagtail_site"):
            return None
        dati = memorizzato(f"pagine:sito:{request.get_host()}:{request.get_port()}", lambda: _sito(request))
        if dati is not None:
            # A copy per request: the Site and its root page are not shared between requests.
            request._wagtail_site = pickle.loads(dati)  # type: ignore[attr-defined]  # noqa: S301 - bytes made by _sito above
        return None


def restrizioni_presenti() -> bool:
    return memorizzato("pagine:restrizioni", lambda: int(PageViewRestriction.objects.exists())) == 1


def pubbliche(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """``queryset.public()``, without its query on the view restrictions when there are none."""
    return queryset.public() if restrizioni_presenti() else queryset  # type: ignore[attr-defined]  # a PageQuerySet


class RestrizioniInCacheMixin:
    def get_view_restrictions(self) -> Any:
        if not restrizioni_presenti():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()  # type: ignore[misc]  # Page's, after the mixin in the MRO


def _mappa_pagine(radice: Any) -> dict[str, tuple[int, bool, str, str, bool]]:
    """{url_path: (pk, live, app_label, model, routable)} of the pages under ``radice``."""
    mappa: dict[str, tuple[int, bool, str, str, bool]] = {}
    for url_path, pk, live, app_label, modello in Page.objects.filter(url_path__startswith=radice.url_path).values_list(
        "url_path", "pk", "live", "content_type__app_label", "content_type__model"
    ):
        classe = apps.get_model(app_label, modello)
        mappa[url_path] = (pk, live, app_label, modello, issubclass(classe, RoutablePageMixin))
    return mappa


class InstradamentoInCacheMixin:
    pk: Any  # the page's
    url_path: str

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        if path_components:
            mappa = memorizzato(f"pagine:mappa:{self.pk}", lambda: _mappa_pagine(self))
            percorso, consumati = self.url_path, 0
            trovata: tuple[int, bool, str, str, bool] | None = None
            for i, componente in enumerate(path_components):
                percorso += componente + "/"
                voce = mappa.get(percorso)
                if voce is None:
                    break  # no page here: the last page found routes the rest (Wagtail: its children, 404)
                trovata, consumati = voce, i + 1
                if voce[4]:
                    break  # a routable page: its sub-routes come before its child pages, as in Wagtail
            if trovata is not None and trovata[1]:
                pk, _, app_label, modello, _ = trovata
                pagina = apps.get_model(app_label, modello).objects.filter(pk=pk, live=True).first()
                if pagina is not None:
                    return pagina.route(request, path_components[consumati:])
        return super().route(request, path_components)  # type: ignore[misc]  # Page's, after the mixin
