from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from organizzazioni import ruoli

from .permessi import PERM_GESTISCI

if TYPE_CHECKING:
    from contratti.models import ContrattoPage


@transaction.atomic
def sincronizza_utenti_abilitati(contratto: ContrattoPage) -> None:
    """Grant the banditore's object permission to exactly the contract's utenti abilitati."""
    codename = PERM_GESTISCI.split(".")[1]
    voluti = {u.user for u in contratto.utenti_abilitati.select_related("user")}
    attuali = set(get_users_with_perms(contratto, only_with_perms_in=[codename], with_group_users=False))
    for user in attuali - voluti:
        remove_perm(PERM_GESTISCI, user, contratto)
    gruppo = Group.objects.get(name=ruoli.BANDITORE)
    for user in voluti - attuali:
        assign_perm(PERM_GESTISCI, user, contratto)
    for user in voluti:
        user.groups.add(gruppo)
