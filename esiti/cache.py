"""Small facts of the public list kept in the cache (the filters' choices, the total), and the signal
that says the public esiti changed.

Every publication, withdrawal or cancellation sets a new *version* (``segnala_modifica``, called by
the services after commit and by ``esiti.bulk``); cached values are keyed by version, so they are
never stale where the cache is shared (Redis in production). With the per-process local-memory cache
of the embedded default, another process sees a change within ``DURATA`` seconds.

``esiti_modificati`` lets other code (e.g. a page cache) react: ``esiti_modificati.connect(fn)``.
"""

import time

from django.core.cache import cache
from django.dispatch import Signal

from sct_site.cache import memorizzato as memorizzato_per_versione
from sct_site.cache.memo import per_richiesta

esiti_modificati = Signal()  # kwargs: esito (or None for bulk changes)
CHIAVE_VERSIONE = "sct:esiti:versione"
DURATA = 300


def versione():
    valore = cache.get(CHIAVE_VERSIONE)
    if valore is None:
        cache.add(CHIAVE_VERSIONE, time.time_ns(), None)
        valore = cache.get(CHIAVE_VERSIONE, 0)
    return valore


_versione_della_richiesta = per_richiesta(versione)


def segnala_modifica(esito=None):
    cache.set(CHIAVE_VERSIONE, time.time_ns(), None)
    esiti_modificati.send(sender=segnala_modifica, esito=esito)


def memorizzato(nome, calcola):
    """``calcola()`` once per version of the esiti (and at most every ``DURATA`` seconds)."""
    return memorizzato_per_versione(
        f"esiti:{nome}", calcola, versione_attuale=_versione_della_richiesta, cache=cache, durata=DURATA
    )
