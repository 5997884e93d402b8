"""What audit needs to know about the apps above it, registered by them (issue 16): audit never
imports contratti, comunicazioni or esiti.

- ``registra_contratti(modello, puo_leggere)``: the page model whose trail the view shows and who may
  read it (contratti: ``ContrattoPage`` and its banditore);
- ``registra_visibilita("app_label.model", regola)``: ``regola(user, contratto)`` answers ``TUTTI``
  (every entry of that kind written with the contract) or the pks of the objects ``user`` may see;
- ``registra_documenti(funzione)``: ``funzione(user, contratto)`` answers the pks of the private
  documents (``documenti.DocumentoPrivato``) of that contract that ``user`` may see.

Each app registers from its ``AppConfig.ready``. The rule for a kind nobody registered is *deny*,
for every reader (staff and superusers included, as before the registry): its entries are not
shown, so a new app that writes entries with a contract registers its rule.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

TUTTI = None  # every entry of that kind written with the contract

Regola = Callable[[Any, Model], Iterable[Any] | None]
Documenti = Callable[[Any, Model], Iterable[Any]]

_regole: dict[str, Regola] = {}
_documenti: dict[str, Documenti] = {}
_contratti: dict[str, Any] = {}


def registra_contratti(modello: type[Model], puo_leggere: Callable[[Any, Model], bool]) -> None:
    _contratti.update(modello=modello, puo_leggere=puo_leggere)


def registra_visibilita(etichetta: str, regola: Regola) -> None:
    """``etichetta`` is ``"app_label.model"`` (lower case, as in ``ContentType``)."""
    _regole[etichetta.lower()] = regola


def registra_documenti(funzione: Documenti) -> None:
    _documenti[f"{funzione.__module__}.{funzione.__qualname__}"] = funzione


def _contratti_registrati() -> dict[str, Any]:
    if not _contratti:
        raise ImproperlyConfigured("Nessuna app ha registrato i contratti del registro di audit (registra_contratti).")
    return _contratti


def modello_contratto() -> type[Model]:
    return _contratti_registrati()["modello"]


def puo_leggere(user: Any, contratto: Model) -> bool:
    return bool(_contratti_registrati()["puo_leggere"](user, contratto))


def regole() -> dict[str, Regola]:
    return dict(_regole)


def funzioni_documenti() -> list[Documenti]:
    return list(_documenti.values())
