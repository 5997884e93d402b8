"""Reading: unread deliveries, threads, the per-contract summary of the inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from contratti.models import ContrattoPage

from ..models import Consegna
from ..permessi import (
    messaggi_visibili,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

    from comunicazioni.models import Messaggio


def segna_letti(utente: User, messaggi: Iterable[Messaggio]) -> int:
    """Mark the user's deliveries of ``messaggi`` read (first reading only)."""
    ids = [m.pk for m in messaggi]
    return Consegna.objects.filter(utente=utente, messaggio_id__in=ids, letto_il__isnull=True).update(
        letto_il=timezone.now()
    )


def non_lette(utente: User | AnonymousUser, contratto: ContrattoPage | None = None) -> QuerySet[Consegna]:
    """Unread deliveries of the user in live contracts."""
    if not utente.is_authenticated:
        return Consegna.objects.none()
    qs = Consegna.objects.filter(utente=utente, letto_il__isnull=True, messaggio__contratto__live=True)
    if contratto is not None:
        qs = qs.filter(messaggio__contratto=contratto)
    return qs


def conversazione(utente: User, messaggio: Messaggio) -> QuerySet[Messaggio]:
    """The messages of ``messaggio``'s thread the user may read, oldest first."""
    radice_id = messaggio.radice_id
    return (
        messaggi_visibili(utente)
        .filter(Q(pk=radice_id) | Q(thread_id=radice_id))
        .select_related("mittente_ente", "mittente_utente", "contratto__aggiudicatario")
        .prefetch_related("allegati__documento")
        .order_by("creato_il", "pk")
    )


def riepilogo_per_contratto(utente: User) -> list[tuple[ContrattoPage, int, int]]:
    """``[(contratto, non_lette, totale)]`` over the live contracts where the user has messages."""
    visibili = messaggi_visibili(utente).filter(contratto__live=True)
    totali = dict(visibili.values("contratto").annotate(n=Count("pk")).values_list("contratto", "n"))
    nonlette = dict(
        non_lette(utente)
        .values("messaggio__contratto")
        .annotate(n=Count("pk"))
        .values_list("messaggio__contratto", "n")
    )
    contratti = ContrattoPage.objects.filter(pk__in=totali).order_by("title")
    return [(c, nonlette.get(c.pk, 0), totali[c.pk]) for c in contratti]
