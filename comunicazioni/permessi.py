"""Who is who in a contract's comunicazioni, and which messages a user may read.

Parties of a contract:

- the **banditore**: the contract's utenti abilitati (``contratti.permessi.e_banditore``);
- the **OE aggiudicatario**: the users of the contract's aggiudicatario;
- an **ente**: the users of that ente (``Incarico``). Any ente may write to the banditore or the OE
  of a live contract (a chiarimento often comes before the adesione), except the banditore's own
  ente, unless the adesione feature lists it among the contract's aderenti.

"Enti aderenti" of a contract, to whom the banditore and the OE write, are the enti that sent an
adesione to it (``contratti.Adesione`` with ``inviata_il``), plus those listed by the functions
registered with the ``sct_enti_aderenti`` Wagtail hook (``fn(contratto) -> iterable of Ente``).
"""

import logging
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Q
from wagtail import hooks

from contratti.models import ContrattoPage
from contratti.permessi import e_aggiudicatario, e_banditore
from organizzazioni.models import Ente
from organizzazioni.permessi import contratti_gestiti_ids, enti_di

from .models import Messaggio, Parte

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ruolo:
    """A party the user may act as in a contract."""

    parte: str
    ente: Ente | None = None

    @property
    def chiave(self):
        return f"ente:{self.ente.pk}" if self.parte == Parte.ENTE else self.parte

    @property
    def etichetta(self):
        if self.parte == Parte.ENTE:
            return str(self.ente)
        return Parte(self.parte).label


def _enti_da_hook(contratto):
    funzioni = hooks.get_hooks("sct_enti_aderenti")
    if not funzioni:
        return None
    ids = set()
    for fn in funzioni:
        ids.update(e.pk if isinstance(e, Ente) else int(e) for e in fn(contratto))
    return ids


def _enti_con_adesione(contratto):
    """Enti that sent an adesione to the contract at least once; ``None`` without the adesione model."""
    try:
        Adesione = apps.get_model("contratti", "Adesione")
    except LookupError:
        return None
    try:
        return set(
            Adesione.objects.filter(contratto=contratto, inviata_il__isnull=False).values_list("ente_id", flat=True)
        )
    except FieldError:
        logger.exception("Adesione senza i campi attesi (contratto, ente, inviata_il): enti aderenti dagli hook")
        return None


def enti_aderenti(contratto):
    """The enti aderenti of the contract (the recipients of "tutti gli enti aderenti").

    The enti with an adesione sent to the contract, plus those listed by the ``sct_enti_aderenti``
    hooks. Without the adesione model and without hooks: every ente with a user, except the
    banditore's.
    """
    da_adesioni = _enti_con_adesione(contratto)
    da_hook = _enti_da_hook(contratto)
    if da_adesioni is None and da_hook is None:
        return Ente.objects.filter(incarichi__isnull=False).exclude(pk=contratto.banditore_id).distinct()
    return Ente.objects.filter(pk__in=(da_adesioni or set()) | (da_hook or set()))


def enti_destinatari(contratto):
    """Enti the banditore and the OE may write to one by one: the aderenti and every ente that
    already took part in the contract's comunicazioni."""
    gia = Messaggio.objects.filter(contratto=contratto)
    ids = set(enti_aderenti(contratto).values_list("pk", flat=True))
    ids.update(gia.filter(mittente_parte=Parte.ENTE).values_list("mittente_ente_id", flat=True))
    ids.update(gia.filter(automatica=False).exclude(dest_enti=None).values_list("dest_enti", flat=True))
    return Ente.objects.filter(pk__in=ids).order_by("denominazione")


def ente_puo_scrivere(ente, contratto):
    if ente.pk != contratto.banditore_id:
        return True
    return enti_aderenti(contratto).filter(pk=ente.pk).exists()


def ruoli(user, contratto):
    """The parties ``user`` may act as in ``contratto`` (banditore first, then OE, then enti)."""
    if not user.is_authenticated or not user.is_active:
        return []
    risultato = []
    if e_banditore(user, contratto):
        risultato.append(Ruolo(Parte.BANDITORE))
    if e_aggiudicatario(user, contratto):
        risultato.append(Ruolo(Parte.OPERATORE))
    for ente in enti_di(user).order_by("denominazione"):
        if ente_puo_scrivere(ente, contratto):
            risultato.append(Ruolo(Parte.ENTE, ente))
    return risultato


def accede(user, contratto):
    """May the user open the contract's comunicazioni (as a party, or as a recipient of a notification)?"""
    if ruoli(user, contratto):
        return True
    return user.is_authenticated and messaggi_visibili(user).filter(contratto=contratto).exists()


def puo_scrivere(user, contratto):
    return contratto.live and bool(ruoli(user, contratto))


def _contratti_operatore(user):
    return ContrattoPage.objects.filter(aggiudicatario__incarichi__user=user).values("pk")


def filtro_visibili(user):
    """A ``Q`` on ``Messaggio`` selecting what ``user`` may read."""
    enti = enti_di(user).values("pk")
    q = Q(mittente_utente=user) | Q(dest_utenti=user)
    q |= Q(mittente_parte=Parte.ENTE, mittente_ente__in=enti) | Q(dest_enti__in=enti)
    q |= Q(contratto__in=contratti_gestiti_ids(user)) & (Q(mittente_parte=Parte.BANDITORE) | Q(dest_banditore=True))
    q |= Q(contratto__in=_contratti_operatore(user)) & (Q(mittente_parte=Parte.OPERATORE) | Q(dest_operatore=True))
    return q


def messaggi_visibili(user):
    """Messages ``user`` may read, in every contract (live or not: callers narrow it)."""
    if not user.is_authenticated or not user.is_active:
        return Messaggio.objects.none()
    ids = Messaggio.objects.filter(filtro_visibili(user)).values("pk")
    return Messaggio.objects.filter(pk__in=ids)


def puo_leggere(user, messaggio):
    return messaggi_visibili(user).filter(pk=messaggio.pk).exists()


def e_parte_mittente(user, messaggio):
    """Is the user on the sending side (sees the delivery records)?"""
    if not user.is_authenticated:
        return False
    if messaggio.mittente_utente_id == user.pk:
        return True
    contratto = messaggio.contratto
    if messaggio.mittente_parte == Parte.BANDITORE:
        return e_banditore(user, contratto)
    if messaggio.mittente_parte == Parte.OPERATORE:
        return e_aggiudicatario(user, contratto)
    if messaggio.mittente_parte == Parte.ENTE:
        return enti_di(user).filter(pk=messaggio.mittente_ente_id).exists()
    if messaggio.mittente_parte == Parte.SISTEMA:
        return e_banditore(user, contratto)
    return False


def ruolo_per_risposta(user, messaggio):
    """The party the user answers as, or ``None`` when they may not reply.

    Only recipients of a manual message reply, and only in a live contract; the answer goes to the
    sending party.
    """
    if messaggio.automatica or not messaggio.contratto.live:
        return None
    for ruolo in ruoli(user, messaggio.contratto):
        if ruolo.parte == Parte.BANDITORE and messaggio.dest_banditore:
            return ruolo
        if ruolo.parte == Parte.OPERATORE and messaggio.dest_operatore:
            return ruolo
        if ruolo.parte == Parte.ENTE and messaggio.dest_enti.filter(pk=ruolo.ente.pk).exists():
            return ruolo
    return None


def puo_pubblicare_chiarimento(user, messaggio):
    """The banditore publishes chiarimenti asked by an ente in a live contract."""
    radice = messaggio.radice
    return (
        radice.tipo == Messaggio.Tipo.CHIARIMENTO
        and radice.mittente_parte == Parte.ENTE
        and radice.contratto.live
        and e_banditore(user, radice.contratto)
    )
