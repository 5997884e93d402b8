from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from . import ruoli
from .models import Ente, Incarico, Profilo


@transaction.atomic
def assegna_incarico(user: Any, organizzazione: Any, ruolo: str) -> Incarico:
    """Make ``user`` a member of ``organizzazione`` (an Ente or an OperatoreEconomico) with ``ruolo``."""

    kwargs = {"ente": organizzazione} if isinstance(organizzazione, Ente) else {"operatore": organizzazione}
    incarico, _ = Incarico.objects.get_or_create(user=user, ruolo=ruolo, **kwargs)
    user.groups.add(organizzazione.gruppo)
    gruppo_ruolo = ruoli.ADERENTE if isinstance(organizzazione, Ente) else ruoli.OE
    user.groups.add(Group.objects.get(name=gruppo_ruolo))
    Profilo.objects.get_or_create(user=user)
    return incarico


@transaction.atomic
def revoca_incarico(incarico: Incarico) -> None:
    user, org = incarico.user, incarico.organizzazione
    incarico.delete()
    if not Incarico.objects.filter(user=user, **{incarico_field(org): org}).exists():
        user.groups.remove(org.gruppo)


def incarico_field(organizzazione: Any) -> str:
    return "ente" if isinstance(organizzazione, Ente) else "operatore"
