"""Who belongs to what. Object permissions on records are granted by each domain's services."""

from sct_site.memo import per_richiesta

from .models import Ente, Incarico, OperatoreEconomico


@per_richiesta
def enti_di(user):
    if not user.is_authenticated:
        return Ente.objects.none()
    return Ente.objects.filter(incarichi__user=user).distinct()


@per_richiesta
def operatori_di(user):
    if not user.is_authenticated:
        return OperatoreEconomico.objects.none()
    return OperatoreEconomico.objects.filter(incarichi__user=user).distinct()


@per_richiesta
def ha_ruolo(user, ente, ruolo):
    return (
        user.is_authenticated
        and Incarico.objects.filter(user=user, ente=ente, ruolo=ruolo).exists()
    )


def e_rup(user, ente):
    return ha_ruolo(user, ente, Incarico.Ruolo.RUP)


def codice_fiscale(user):
    profilo = getattr(user, "profilo", None)
    return profilo.codice_fiscale if profilo else ""
