"""Sub-page routes written as code: a urlpatterns-like list becomes a ``RoutablePageMixin`` mixin.

Each feature declares its routes next to its views (``contratti/adesioni/rotte.py``)::

    views = viste("contratti.adesioni.views")

    urlpatterns = [
        path("adesioni/<id:pk>/", views.riepilogo, name="adesione_riepilogo"),
    ]


    class RotteAdesioni(mixin_rotte(urlpatterns)):
        "Member pages of the adesione."

and the page class inherits the mixins (``class ContrattoPage(..., RotteAdesioni, RotteOrdinativi, Page)``).
Wagtail collects the routes of every class in the MRO (``RoutablePageMixin.get_subpage_urls``, pinned by
tests/test_rotte.py). A route calls ``vista(request, pagina, **kwargs)``: the page comes second, the
converted URL arguments by name, as in Django's urlpatterns.

The views import the models, and the page models import the mixins: ``viste()`` names the module, which
is imported on the first request (as Django's ``include("app.urls")``), so no import circle is made.
``manage.py check`` imports every view named by a route (error ``sct.E001`` for a missing one).

Addresses are reversed by name with ``url_rotta(pagina, nome, …)``, never concatenated.
"""

from importlib import import_module

from django.core import checks
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.routable_page.models import path as path_wagtail
from wagtail.contrib.routable_page.models import re_path as re_path_wagtail

from .convertitori import MASSIMO_ID


class VistaDifferita:
    """``modulo.nome``, looked up in its module at each call (the module imported the first time), as the
    stubs' imports inside the function did: a test that replaces the view in its module still reaches it."""

    def __init__(self, modulo, nome):
        self.modulo = modulo
        self.nome = nome

    def __repr__(self):
        return f"{self.modulo}.{self.nome}"

    def risolvi(self):
        return getattr(import_module(self.modulo), self.nome)

    def __call__(self, *args, **kwargs):
        return self.risolvi()(*args, **kwargs)


class ModuloDiViste:
    def __init__(self, modulo):
        self._modulo = modulo

    def __getattr__(self, nome):
        if nome.startswith("_"):
            raise AttributeError(nome)
        return VistaDifferita(self._modulo, nome)


def viste(modulo):
    """A views module named, not imported: ``viste("esiti.views").elenco``."""
    return ModuloDiViste(modulo)


class Rotta:
    def __init__(self, decoratore, pattern, vista, name):
        self.decoratore = decoratore
        self.pattern = pattern
        self.vista = vista
        self.name = name


def path(pattern, vista, *, name):
    """A route like ``django.urls.path`` (converters: ``<id:pk>``, ``<slug:…>``)."""
    return Rotta(path_wagtail, pattern, vista, name)


def re_path(pattern, vista, *, name):
    """A route like ``django.urls.re_path``: named groups reach the view as strings."""
    return Rotta(re_path_wagtail, pattern, vista, name)


def _metodo(rotta):
    vista = rotta.vista

    def metodo(self, request, *args, **kwargs):
        return vista(request, self, *args, **kwargs)

    metodo.__name__ = metodo.__qualname__ = rotta.name
    metodo.vista = vista
    return rotta.decoratore(rotta.pattern, name=rotta.name)(metodo)


def viste_mancanti(classe):
    """``[(route name, "modulo.nome", error)]`` for the routes of ``classe`` whose view cannot be imported."""
    mancanti = []
    for route in classe.get_subpage_urls():
        vista = getattr(route.callback, "vista", None)
        if isinstance(vista, VistaDifferita):
            try:
                vista.risolvi()
            except (ImportError, AttributeError) as exc:
                mancanti.append((route.name, repr(vista), exc))
    return mancanti


class _RottePagina(RoutablePageMixin):
    @classmethod
    def check(cls, **kwargs):
        errors = super().check(**kwargs)
        for nome, vista, exc in viste_mancanti(cls):
            errors.append(
                checks.Error(
                    f"La route {nome!r} nomina una vista che non c'è: {vista} ({exc}).", obj=cls, id="sct.E001"
                )
            )
        return errors


def mixin_rotte(urlpatterns):
    """A RoutablePageMixin whose routes are ``urlpatterns``, in order (the first match wins). Each route is
    a method named as the route (``ContrattoPage.schede_elenco``), as the ``@path`` stubs were."""
    return type("Rotte", (_RottePagina,), {r.name: _metodo(r) for r in urlpatterns})


def _base(pagina, request, assoluto):
    base = pagina.get_url(request=request)
    base = base if base.endswith("/") else base + "/"
    return request.build_absolute_uri(base) if assoluto else base


def url_rotta(pagina, nome, *args, request=None, assoluto=False, **kwargs):
    """The address of route ``nome`` of ``pagina``: relative when the site allows (as ``pagina.url``);
    with ``assoluto``, with the scheme and host of ``request``."""
    return _base(pagina, request, assoluto) + pagina.reverse_subpage(nome, args=args, kwargs=kwargs)


SEGNAPOSTO = str(MASSIMO_ID)  # a valid <id:…> that no page address contains


def url_rotta_per_id(pagina, nome, *, request=None, assoluto=False):
    """``pk → address`` of route ``nome`` whose only argument is an ``<id:…>``, for lists and bulk exports:
    reversed once (a reverse costs about 50 µs, seconds over 100,000 rows), then the id is put in its place."""
    prima, _, dopo = url_rotta(pagina, nome, SEGNAPOSTO, request=request, assoluto=assoluto).partition(SEGNAPOSTO)
    return lambda pk: f"{prima}{pk}{dopo}"
