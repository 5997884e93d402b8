"""Which entries of the audit trail the banditore of a contract reads.

The trail of a contract is made of the entries written with that contract (``contratto_id``) and of
the entries about the private documents of its records (uploads and downloads carry no contract).
An entry is shown only if its object is one the reader may see today: the trail must not tell the
banditore what the other parties keep from him (a message between an ente and the supplier, an
esito or an ordinativo still in draft). The rules are registered by the apps that write the entries
(``audit.registro``); objects of a kind with no rule are not shown.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from .models import VoceAudit
from .registro import TUTTI, funzioni_documenti, regole


def documenti_del_contratto(user: Any, contratto: Model) -> set[Any]:
    """Private documents of the contract that the user may see (the registered functions: the
    documents of adesioni and ordinativi, the attachments of the messages the user reads)."""
    ids: set[Any] = set()
    for funzione in funzioni_documenti():
        ids |= set(funzione(user, contratto))
    return ids


def voci_del_contratto(user: Any, contratto: Model) -> QuerySet[VoceAudit]:
    """The entries of ``contratto`` that ``user`` (its banditore) may read."""
    condizione = Q(contratto_id=contratto.pk, content_type__isnull=True)
    for etichetta, regola in regole().items():
        app_label, modello = etichetta.split(".")
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, modello)
        except ContentType.DoesNotExist:
            continue
        visibili = regola(user, contratto)
        parte = Q(contratto_id=contratto.pk, content_type=ct)
        if visibili is not TUTTI:
            parte &= Q(object_id__in=[str(pk) for pk in visibili])
        condizione |= parte
    documenti = documenti_del_contratto(user, contratto)
    if documenti:
        ct_documento = ContentType.objects.get_by_natural_key("documenti", "documentoprivato")
        condizione |= Q(content_type=ct_documento, object_id__in=[str(pk) for pk in documenti])
    return VoceAudit.objects.filter(condizione)
