"""Recipients: the sender/recipient pairs a user may choose, and the users of each party."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from guardian.shortcuts import get_users_with_perms

from organizzazioni.models import Ente

from ..models import Parte
from ..permessi import (
    enti_aderenti,
    enti_destinatari,
    ruoli,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

    from contratti.models import ContrattoPage

    from ..permessi import Ruolo

MSG_DESTINATARIO = "Destinatario non valido: scegli uno dei destinatari proposti."


@dataclass
class Destinatari:
    banditore: bool = False
    operatore: bool = False
    tutti_aderenti: bool = False
    enti: list[Ente] = field(default_factory=list)
    utenti: list[User] = field(default_factory=list)

    def vuoto(self) -> bool:
        return not (self.banditore or self.operatore or self.enti or self.utenti or self.tutti_aderenti)


def _etichetta_operatore(contratto: ContrattoPage) -> str:
    return f"OE aggiudicatario – {contratto.aggiudicatario}"


def scelte_destinatario(
    user: User | AnonymousUser, contratto: ContrattoPage
) -> list[tuple[Ruolo, list[tuple[str, str]]]]:
    """``[(Ruolo, [(valore, etichetta), …]), …]``: every sender/recipient pair the user may choose.

    ``valore`` is ``"<mittente>><destinatario>"``, e.g. ``"ente:5>banditore"``, ``"banditore>aderenti"``.
    """
    if not contratto.live:
        return []
    risultato: list[tuple[Ruolo, list[tuple[str, str]]]] = []
    for ruolo in ruoli(user, contratto):
        if ruolo.parte == Parte.ENTE:
            dest = [("banditore", Parte.BANDITORE.label), ("operatore", _etichetta_operatore(contratto))]
        else:
            dest = []
            if enti_aderenti(contratto).exists():
                dest.append(("aderenti", "Tutti gli enti aderenti del contratto"))
            dest.extend((f"ente:{e.pk}", str(e)) for e in enti_destinatari(contratto))
            if ruolo.parte == Parte.BANDITORE:
                dest.append(("operatore", _etichetta_operatore(contratto)))
            else:
                dest.append(("banditore", Parte.BANDITORE.label))
        risultato.append((ruolo, [(f"{ruolo.chiave}>{chiave}", etichetta) for chiave, etichetta in dest]))
    return risultato


def _risolvi_scelta(user: User | AnonymousUser, contratto: ContrattoPage, valore: str) -> tuple[Ruolo, Destinatari]:
    for ruolo, opzioni in scelte_destinatario(user, contratto):
        if valore in {v for v, _ in opzioni}:
            chiave = valore.split(">", 1)[1]
            if chiave == "banditore":
                return ruolo, Destinatari(banditore=True)
            if chiave == "operatore":
                return ruolo, Destinatari(operatore=True)
            if chiave == "aderenti":
                return ruolo, Destinatari(tutti_aderenti=True, enti=list(enti_aderenti(contratto)))
            return ruolo, Destinatari(enti=[Ente.objects.get(pk=int(chiave.split(":", 1)[1]))])
    raise ValidationError({"destinatario": MSG_DESTINATARIO})


def utenti_della_parte(
    contratto: ContrattoPage,
    *,
    banditore: bool = False,
    operatore: bool = False,
    enti: Iterable[Ente] = (),
    utenti: Iterable[User] = (),
) -> QuerySet[User]:
    """Active users of the given parties of ``contratto``."""
    User = get_user_model()
    q = Q(pk__in=[u.pk for u in utenti])
    if banditore:
        abilitati = get_users_with_perms(contratto, only_with_perms_in=["gestisci_contratto"], with_group_users=True)
        q |= Q(pk__in=abilitati.values("pk"))  # type: ignore[union-attr]  # a QuerySet without attach_perms
    if operatore:
        q |= Q(incarichi__operatore_id=contratto.aggiudicatario_id)
    if enti:
        q |= Q(incarichi__ente__in=[e.pk for e in enti])
    ids = User.objects.filter(q, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).select_related("profilo").order_by("last_name", "username")
