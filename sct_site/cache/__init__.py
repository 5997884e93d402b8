"""Caching of the public site, in one package (docs/architecture.md, "Cache").

- ``versione``: the version of the public data (read, bump with ``invalida``, ``invalidazione_sospesa``);
- ``invalidazione``: the receivers that bump it (connected by ``apps.PagineCacheConfig``);
- ``pagine``: the page cache for anonymous visitors (``PagineCacheMiddleware``, first middleware);
- ``dati``: ``memorizzato``, values derived from the public data, once per version;
- ``instradamento``: Wagtail's site, route and view restrictions of a page request, per version;
- ``memo``: answers kept for one GET request (``per_richiesta``, ``MemoRichiestaMiddleware``);
- ``backend``: the cache backends that fail open (``RedisCacheTollerante``, ``FileBasedCacheTollerante``).

The other apps use the names exported here, ``instradamento``'s mixins and ``memo.per_richiesta``.
"""

from . import dati, pagine
from .dati import memorizzato
from .versione import invalida, invalidazione_sospesa

__all__ = ["invalida", "invalidazione_sospesa", "memorizzato", "svuota_memoria_locale"]


def svuota_memoria_locale() -> None:
    """Forget the per-process copies (tests: a rolled-back test leaves the version as it was)."""
    dati.svuota()
    pagine.svuota_locale()
