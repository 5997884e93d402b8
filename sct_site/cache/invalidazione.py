"""When the version moves (``versione.invalida``): the receivers that ``PagineCacheConfig.ready``
connects in every process that can publish (web, Celery worker, management commands).

- ``page_published`` / ``page_unpublished`` / ``post_page_move`` (Wagtail signals), the deletion of a
  page, and a live page saved other than by a draft's bookkeeping (``add_child``, scripts);
- ``post_save`` / ``post_delete`` of the models whose data appear on public pages without a page
  publication (``SCT_CACHE_PAGINE_MODELLI``, default ``MODELLI``); a draft esito does not count.
"""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from .versione import invalida

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

# What Wagtail writes on a page when a draft is saved, locked or scheduled: nothing public changes.
_CAMPI_DI_BOZZA = {
    "comments",
    "latest_revision",
    "latest_revision_created_at",
    "draft_title",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
    "go_live_at",
    "expire_at",
}


def _pagina_cambiata(sender: Any, **kwargs: Any) -> None:
    invalida()


def _pagina_salvata(sender: Any, instance: Any = None, update_fields: Any = None, **kwargs: Any) -> None:
    """A live page saved directly (``add_child``, a script) changes public pages without
    ``page_published``; a draft's bookkeeping does not."""
    from wagtail.models import Page  # a model: importable only once the app registry is ready

    if not isinstance(instance, Page) or not instance.live:
        return
    if update_fields is not None and set(update_fields) <= _CAMPI_DI_BOZZA:
        return
    invalida()


def _record_cambiato(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    # A draft esito is never public (only its ente sees it, and never from the cache).
    if sender._meta.label == "esiti.Esito" and getattr(instance, "stato", None) == "bozza":
        return
    invalida()


def collega() -> None:
    """Connect the receivers (once, from ``PagineCacheConfig.ready``)."""
    from wagtail.models import Page  # a model: importable only once the app registry is ready

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
