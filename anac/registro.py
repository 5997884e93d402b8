"""Who is told when an ANAC operation ends: an explicit registry of operation kinds.

The kind of an operation is the model of the record that owns it (``app_label.model`` of
``OperazioneANAC.content_type``, e.g. ``contratti.ordinativo``). The app that owns the record
registers its handler once (``registra``, from its AppConfig.ready); the worker calls
``gestore(oggetto, operazione)`` in the transaction that records the end. anac imports none of
its callers."""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_gestori: dict[str, Callable] = {}


class TipoOperazioneSconosciuto(LookupError):
    """No handler is registered for the kind of an ANAC operation."""


def tipo_di(modello_o_oggetto) -> str:
    """The kind of the operations of a model (class or instance): ``app_label.model``."""
    return modello_o_oggetto._meta.label_lower


def registra(tipo_operazione, gestore: Callable) -> None:
    """Register ``gestore(oggetto, operazione)`` for ``tipo_operazione`` (a model or its label)."""
    tipo = tipo_operazione if isinstance(tipo_operazione, str) else tipo_di(tipo_operazione)
    precedente = _gestori.get(tipo)
    if precedente is not None and precedente is not gestore:
        raise ValueError(f"Le operazioni ANAC di tipo {tipo} hanno già un gestore: {precedente!r}")
    _gestori[tipo] = gestore


def tipi_registrati() -> list[str]:
    return sorted(_gestori)


def gestore_di(operazione) -> Callable:
    """The handler of ``operazione``'s kind; ``TipoOperazioneSconosciuto`` if none is registered."""
    tipo = f"{operazione.content_type.app_label}.{operazione.content_type.model}"
    try:
        return _gestori[tipo]
    except KeyError:
        raise TipoOperazioneSconosciuto(
            f"Nessun gestore registrato per le operazioni ANAC di tipo {tipo} (operazione {operazione.pk})"
        ) from None
