"""Public chiarimenti: the anonymised question and answer that the banditore publishes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import registra
from contratti.permessi import e_banditore

from .. import conf
from ..models import ChiarimentoPubblicato, Messaggio, Parte
from ..permessi import (
    puo_pubblicare_chiarimento,
)
from .scrittura import MSG_NON_PUBBLICATO, _numero

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from contratti.models import ContrattoPage

OMISSIS = "[omissis]"


def _nomi_da_nascondere(radice: Messaggio) -> list[str]:
    """Names that identify who asked: the writers on the ente side of the thread and their enti."""
    nomi: set[str] = set()
    messaggi = Messaggio.objects.filter(Q(pk=radice.pk) | Q(thread=radice), mittente_parte=Parte.ENTE)
    for m in messaggi.select_related("mittente_utente", "mittente_ente"):
        if m.mittente_ente is not None:
            nomi.update({m.mittente_ente.denominazione, m.mittente_ente.codice_fiscale, m.mittente_ente.pec})
        u = m.mittente_utente
        if u is not None:
            nomi.update({u.get_full_name(), u.first_name, u.last_name, u.email})
    return sorted({n.strip() for n in nomi if n and len(n.strip()) >= 3}, key=len, reverse=True)


def _nomi_presenti(testo: str, nomi: list[str]) -> list[str]:
    basso = testo.casefold()
    return [n for n in nomi if re.search(r"(?<!\w)" + re.escape(n.casefold()) + r"(?!\w)", basso)]


# A phone number: optional +39/0039, a landline prefix (0…, also in brackets) or a mobile one (3xx),
# then digits with optional separators (space, dot, slash, hyphen). _e_telefono() keeps out dates,
# amounts ("350.000.000"), short codes (ISTAT 048017: fewer than 8 digits) and 11-digit codici fiscali /
# partite IVA written without separators.
RE_TELEFONO = re.compile(
    r"(?<![\w+])(?:(?:\+|00) ?39[ ./-]?)?(?:\(?0[0-9]{1,3}\)?|3[0-9]{2})(?:[ \u00a0./-]?[0-9]){4,8}(?![\w])"
)
_DATA = re.compile(r"[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}")
_IMPORTO = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")


def _e_telefono(testo: str) -> bool:
    cifre = re.sub(r"[^0-9]", "", testo)
    internazionale = testo.startswith(("+", "00"))
    if internazionale:
        cifre = cifre.removeprefix("00").removeprefix("39")
    if not 8 <= len(cifre) <= 11 or _DATA.fullmatch(testo) or _IMPORTO.fullmatch(testo):
        return False
    return internazionale or not re.fullmatch(r"[0-9]{11}", testo)


def _telefoni_presenti(testo: str) -> list[str]:
    return [m.group(0) for m in RE_TELEFONO.finditer(testo) if _e_telefono(m.group(0))]


def anonimizza(testo: str, nomi: list[str]) -> str:
    """Names of who asked and every phone number replaced by [omissis]."""
    for nome in nomi:
        testo = re.sub(r"(?<!\w)" + re.escape(nome) + r"(?!\w)", OMISSIS, testo, flags=re.IGNORECASE)
    return RE_TELEFONO.sub(lambda m: OMISSIS if _e_telefono(m.group(0)) else m.group(0), testo)


def proposta_pubblicazione(messaggio: Messaggio) -> dict[str, str]:
    """Question and answer proposed for publication, with the asker's names already replaced."""
    radice = messaggio.radice
    esistente = ChiarimentoPubblicato.objects.filter(conversazione=radice).first()
    if esistente is not None:
        return {"domanda": esistente.domanda, "risposta": esistente.risposta}
    nomi = _nomi_da_nascondere(radice)
    risposta = (
        Messaggio.objects.filter(thread=radice, mittente_parte=Parte.BANDITORE).order_by("-creato_il", "-pk").first()
    )
    return {
        "domanda": anonimizza(radice.testo, nomi),
        "risposta": anonimizza(risposta.testo, nomi) if risposta is not None else "",
    }


@transaction.atomic
def pubblica_chiarimento(
    messaggio: Messaggio, *, utente: User, domanda: str, risposta: str, request: HttpRequest | None = None
) -> ChiarimentoPubblicato:
    """Publish (or update) the anonymised question and answer of a chiarimento thread."""
    radice = messaggio.radice
    if not radice.contratto.live:
        raise PermissionDenied(MSG_NON_PUBBLICATO)
    if not puo_pubblicare_chiarimento(utente, radice):
        raise PermissionDenied("Solo il CdC_Banditore del contratto può pubblicare i chiarimenti.")
    errori: dict[str, str] = {}
    domanda = (domanda or "").strip()
    risposta = (risposta or "").strip()
    nomi = _nomi_da_nascondere(radice)
    for campo, valore, vuoto in (
        ("domanda", domanda, "Scrivi la domanda da pubblicare."),
        ("risposta", risposta, "Scrivi la risposta da pubblicare."),
    ):
        if not valore:
            errori[campo] = vuoto
        elif len(valore) > conf.max_testo():
            errori[campo] = f"Il testo può contenere al massimo {_numero(conf.max_testo())} caratteri."
        elif _nomi_presenti(valore, nomi):
            errori[campo] = (
                "Il testo contiene il nome di chi ha posto la domanda o del suo ente "
                f"({', '.join(_nomi_presenti(valore, nomi))}): il chiarimento si pubblica in forma anonima."
            )
        elif _telefoni_presenti(valore):
            errori[campo] = (
                f"Il testo contiene un numero di telefono ({', '.join(_telefoni_presenti(valore))}): "
                "il chiarimento si pubblica in forma anonima."
            )
    if errori:
        raise ValidationError(errori)
    chiarimento, creato = ChiarimentoPubblicato.objects.update_or_create(
        conversazione=radice,
        defaults={
            "contratto": radice.contratto,
            "domanda": domanda,
            "risposta": risposta,
            "pubblicato_da": utente,
            "pubblicato_il": timezone.now(),
        },
    )
    registra(
        "chiarimento.pubblicato" if creato else "chiarimento.aggiornato",
        chiarimento,
        utente=utente,
        request=request,
        contratto=radice.contratto,
    )
    return chiarimento


@transaction.atomic
def ritira_chiarimento(chiarimento: ChiarimentoPubblicato, *, utente: User, request: HttpRequest | None = None) -> None:
    if not e_banditore(utente, chiarimento.contratto):
        raise PermissionDenied("Solo il CdC_Banditore del contratto può ritirare i chiarimenti pubblicati.")
    registra("chiarimento.ritirato", chiarimento, utente=utente, request=request, contratto=chiarimento.contratto)
    chiarimento.delete()


def chiarimenti_pubblicati(contratto: ContrattoPage) -> QuerySet[ChiarimentoPubblicato]:
    return ChiarimentoPubblicato.objects.filter(contratto=contratto).order_by("-pubblicato_il", "-pk")
