from django.apps import AppConfig

from .invalidazione import collega


class PagineCacheConfig(AppConfig):
    name = "sct_site.cache"
    label = "sct_cache"
    verbose_name = "cache delle pagine pubbliche"

    def ready(self) -> None:
        collega()
