"""Values derived from the public data (filter choices, totals, Wagtail's lookups), computed once per
version (``versione``) and kept in the shared cache with a small per-process memo in front."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import BaseCache

from .backend import in_guasto
from .memo import per_richiesta
from .versione import cache_pagine, versione

T = TypeVar("T")

_versione_della_richiesta = per_richiesta(versione)  # read once per GET request, not once per value
_memo_locale: OrderedDict[str, tuple[Any, float]] = OrderedDict()
_memo_lock = threading.Lock()


def svuota() -> None:
    with _memo_lock:
        _memo_locale.clear()


def memorizzato(
    nome: str,
    calcola: Callable[[], T],
    *,
    versione_attuale: Callable[[], Any] | None = None,
    cache: BaseCache | None = None,
    durata: int = 300,
) -> T:
    """``calcola()`` once per version of the public data (``versione_attuale()``, default: the version
    of ``sct_site.cache.versione``, which moves on every publication), kept in the shared cache for
    ``durata`` seconds and, in front of it, in a small per-process memo (no transfer nor unpickling
    while the version holds)."""
    cache = cache or cache_pagine()
    attuale = (versione_attuale or _versione_della_richiesta)()
    if attuale is None or in_guasto(cache) or in_guasto(cache_pagine()):
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
