"""The audit trail: ``registra`` appends, ``verifica_catena`` checks that nothing was altered."""

import hashlib
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .models import CatenaAudit, VoceAudit

CAMPI_FIRMATI = (
    "creato_il",
    "utente_id",
    "utente_repr",
    "azione",
    "content_type_id",
    "object_id",
    "oggetto_repr",
    "contratto_id",
    "stato_da",
    "stato_a",
    "motivo",
    "ip",
    "dati",
    "hash_precedente",
)


def _impronta(voce: VoceAudit) -> str:
    valori = {}
    for campo in CAMPI_FIRMATI:
        valore = getattr(voce, campo)
        valori[campo] = valore.isoformat() if hasattr(valore, "isoformat") else valore
    testo = json.dumps(valori, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(testo.encode()).hexdigest()


def ip_da_request(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def registra(
    azione: str,
    oggetto: Model | None = None,
    *,
    utente: Any = None,
    request: HttpRequest | None = None,
    contratto: Model | int | None = None,
    da: Any = "",
    a: Any = "",
    motivo: str = "",
    dati: dict[str, Any] | None = None,
) -> VoceAudit:
    """Append an entry. ``oggetto`` is any model instance; ``contratto`` a ContrattoPage (or its id)."""
    catena, _ = CatenaAudit.objects.select_for_update().get_or_create(pk=1)
    if utente is None and request is not None and request.user.is_authenticated:
        utente = request.user
    voce = VoceAudit(
        creato_il=timezone.now().replace(microsecond=0),
        utente=utente if utente is not None and utente.is_authenticated else None,
        utente_repr=(utente.get_username() if utente is not None and utente.is_authenticated else "sistema"),
        azione=azione,
        content_type=ContentType.objects.get_for_model(oggetto, for_concrete_model=False)
        if oggetto is not None
        else None,
        object_id=str(oggetto.pk) if oggetto is not None else "",
        oggetto_repr=str(oggetto)[:255] if oggetto is not None else "",
        contratto_id=getattr(contratto, "pk", contratto),
        stato_da=str(da or ""),
        stato_a=str(a or ""),
        motivo=motivo or "",
        ip=ip_da_request(request),
        dati=json.loads(json.dumps(dati or {}, default=str)),
        hash_precedente=catena.ultimo_hash,
    )
    voce.hash = _impronta(voce)
    voce.save()
    catena.ultimo_hash = voce.hash
    catena.save(update_fields=["ultimo_hash"])
    return voce


def verifica_catena(queryset: QuerySet[VoceAudit] | None = None) -> list[VoceAudit]:
    """Return the entries whose content or link does not match (empty list: the chain is intact)."""
    rotte = []
    precedente = "0" * 64
    for voce in (queryset or VoceAudit.objects.all()).order_by("pk").iterator():
        if voce.hash_precedente != precedente or _impronta(voce) != voce.hash:
            rotte.append(voce)
        precedente = voce.hash
    return rotte


def voci_per(oggetto: Model) -> QuerySet[VoceAudit]:
    ct = ContentType.objects.get_for_model(oggetto, for_concrete_model=False)
    return VoceAudit.objects.filter(content_type=ct, object_id=str(oggetto.pk))
