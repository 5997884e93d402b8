"""Coverage of the URLconf: which views the matrix walks, which exist.

Every named URL pattern of the site, every route of our routable pages, every page type with a live
page, every view of the admin viewsets of our apps must be walked by the matrix, unless listed in
``ESENTI`` with the reason. Wagtail's own admin views (pages, images, users…) are guarded by
Wagtail's model permissions and serve none of the contract's records: they are exempt as a group
(``_di_wagtail``), except those listed in ``WAGTAIL_PERCORSI`` that show records of every kind.
"""

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, get_page_models

ESENTI = {
    "AggiudicazioniIndexPage:index_route": "stesso indirizzo della route «elenco», che ridefinisce index_route",
    "wagtail_serve": "le pagine sono coperte per tipo di pagina e per route (vedi sotto)",
}
# Wagtail views that list records of every kind (or serve public files): walked like ours.
WAGTAIL_PERCORSI = {
    "wagtailadmin_home",
    "wagtailsnippets:index",
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
    "wagtailcore_authenticate_with_password",
    "wagtailcore_login",
    "wagtail_bulk_action",
}
WAGTAIL_PERCORSI_PREFISSI = ("wagtailadmin_reports:",)


def _app_locali():
    base = str(settings.BASE_DIR)
    return {a.label for a in apps.get_app_configs() if a.path.startswith(base) and "/.venv/" not in a.path}


def _cammina(patterns, ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _cammina(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern):
            yield (ns + p.name) if p.name else None, p


def _nostro(nome, locali):
    for prefisso in ("wagtailsnippets_", "wagtailsnippetchoosers_"):
        if nome.startswith(prefisso):
            resto = nome[len(prefisso) :].split(":")[0]
            return any(resto.startswith(f"{app}_") for app in locali)
    return False


def _di_wagtail(nome, pattern, locali):
    """A view of Wagtail itself, not of a viewset of our models and not one we walk on purpose."""
    if nome in WAGTAIL_PERCORSI or nome.startswith(WAGTAIL_PERCORSI_PREFISSI) or _nostro(nome, locali):
        return False
    modulo = getattr(pattern.callback, "__module__", "") or ""
    return nome.startswith("wagtail") and modulo.startswith("wagtail")


def richiesti():
    """{name: why it is required} for every view the matrix must walk."""
    locali = _app_locali()
    nomi = {}
    for nome, pattern in _cammina(get_resolver().url_patterns):
        if nome is None or nome in ESENTI or _di_wagtail(nome, pattern, locali):
            continue
        nomi[nome] = str(pattern.pattern)
    for modello in get_page_models():
        if modello._meta.app_label not in locali:
            continue
        if Page.objects.type(modello).live().exists():
            nomi[f"pagina {modello.__name__}"] = "tipo di pagina"
        if issubclass(modello, RoutablePageMixin):
            for route in modello().get_subpage_urls():
                nome = f"{modello.__name__}:{route.name}"
                if nome not in ESENTI:
                    nomi[nome] = f"route {route.pattern}"
    return nomi


def _pagine():
    return sorted((p.specific for p in Page.objects.live() if p.url), key=lambda p: len(p.url), reverse=True)


def percorsi(urls):
    """The names of the views behind ``urls`` (page routes as "PageClass:route")."""
    pagine = _pagine()
    trovati = set()
    for url in urls:
        path = urlsplit(url).path
        match = resolve(path)
        if match.view_name != "wagtail_serve":
            trovati.add(match.view_name)
            continue
        pagina = next((p for p in pagine if path.startswith(p.url)), None)
        if pagina is None:
            continue
        if path == pagina.url:
            trovati.add(f"pagina {type(pagina).__name__}")
        if isinstance(pagina, RoutablePageMixin):
            resto = "/" + path[len(pagina.url) :]
            try:
                trovati.add(f"{type(pagina).__name__}:{pagina.get_resolver().resolve(resto).url_name}")
            except Exception:  # noqa: BLE001,S112 - an address that no route takes (a 404 case)
                continue
    return trovati
