"""Automatic notifications: the API of the other apps' receivers (``notifica``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from .. import conf
from ..models import Messaggio, Parte
from .destinatari import Destinatari
from .scrittura import _crea

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.db.models import Model

    from contratti.models import ContrattoPage
    from organizzazioni.models import Ente


def notifica(
    contratto: ContrattoPage,
    *,
    evento: str,
    oggetto: str,
    testo: str,
    utenti: Iterable[User | None] = (),
    enti: Iterable[Ente | None] = (),
    banditore: bool = False,
    operatore: bool = False,
    riferimento: Model | None = None,
    tipo: str = Messaggio.Tipo.COMUNICAZIONE,
) -> list[Messaggio]:
    """An automatic notification in ``contratto`` to exactly the given recipients.

    ``utenti``: specific users; ``enti``: every user of those enti; ``banditore``: the contract's
    utenti abilitati; ``operatore``: the users of the OE aggiudicatario. ``riferimento``: the record
    it is about. The message is visible in the contract's comunicazioni to those recipients only;
    e-mails (or the daily digest, per the user's preference) leave after the surrounding transaction
    commits, so a rollback sends nothing. Returns the created messages (one).
    """
    destinatari = Destinatari(
        banditore=bool(banditore),
        operatore=bool(operatore),
        enti=[e for e in enti if e is not None],
        utenti=[u for u in utenti if u is not None],
    )
    if destinatari.vuoto():
        raise ValueError("notifica senza destinatari")
    oggetto = (oggetto or "").strip()[: conf.max_oggetto()] or "Notifica automatica"
    with transaction.atomic():
        messaggio = _crea(
            contratto,
            mittente_parte=Parte.SISTEMA,
            destinatari=destinatari,
            tipo=tipo,
            oggetto=oggetto,
            testo=testo or "",
            automatica=True,
            evento=evento,
            riferimento=riferimento,
        )
    return [messaggio]
