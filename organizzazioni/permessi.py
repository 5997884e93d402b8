"""Who belongs to what. Object permissions on records are granted by each domain's services."""

from typing import Any

from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from sct_site.cache.memo import per_richiesta

from .models import Ente, Incarico, OperatoreEconomico


@per_richiesta
def enti_di(user: Any) -> QuerySet[Ente]:
    if not user.is_authenticated:
        return Ente.objects.none()
    return Ente.objects.filter(incarichi__user=user).distinct()


@per_richiesta
def operatori_di(user: Any) -> QuerySet[OperatoreEconomico]:
    if not user.is_authenticated:
        return OperatoreEconomico.objects.none()
    return OperatoreEconomico.objects.filter(incarichi__user=user).distinct()


@per_richiesta
def ha_ruolo(user: Any, ente: Ente, ruolo: str) -> bool:
    return user.is_authenticated and Incarico.objects.filter(user=user, ente=ente, ruolo=ruolo).exists()


# The object permission of a contract's utenti abilitati (granted by ``contratti.services``). Spelled
# here, below contratti, so that every layer can ask which contracts a user manages.
PERM_GESTISCI_CONTRATTO = "contratti.gestisci_contratto"


@per_richiesta
def contratti_gestiti_ids(user: Any) -> list[int]:
    """Ids of the contracts (``ContrattoPage``) the user manages as banditore: those on which the user
    holds ``contratti.gestisci_contratto`` (the RUP dell'AQ and the banditore's operators), live or
    not. Ids, so that apps below contratti may use them; guardian finds the model from the
    permission's app label. Same answer as ``contratti.permessi.e_banditore`` contract by contract."""
    if not user.is_authenticated or not user.is_active:
        return []
    gestiti: QuerySet[Any] = get_objects_for_user(user, PERM_GESTISCI_CONTRATTO, accept_global_perms=False)
    return list(gestiti.order_by("pk").values_list("pk", flat=True))


def e_rup(user: Any, ente: Ente) -> bool:
    return ha_ruolo(user, ente, Incarico.Ruolo.RUP)


def codice_fiscale(user: Any) -> str:
    profilo = getattr(user, "profilo", None)
    return profilo.codice_fiscale if profilo else ""
