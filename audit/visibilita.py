"""Which entries of the audit trail the banditore of a contract reads.

The trail of a contract is made of the entries written with that contract (``contratto_id``) and of
the entries about the private documents of its records (uploads and downloads carry no contract).
An entry is shown only if its object is one the reader may see today: the trail must not tell the
banditore what the other parties keep from him (a message between an ente and the supplier, an
esito or an ordinativo still in draft). Objects of a kind not listed in ``REGOLE`` are not shown: a new app that
writes audit entries with a contract adds its rule here.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import VoceAudit

TUTTI = None  # every entry of that kind written with the contract


def _tutti(user, contratto):
    return TUTTI


def _messaggi(user, contratto):
    from comunicazioni.permessi import messaggi_visibili

    return messaggi_visibili(user).filter(contratto=contratto).values_list("pk", flat=True)


def _ordinativi(user, contratto):
    from contratti.ordinativi.permessi import ordinativi_visibili

    return ordinativi_visibili(user, contratto).values_list("pk", flat=True)


def _esiti(user, contratto):
    from esiti import services
    from esiti.models import Esito

    return [e.pk for e in Esito.objects.filter(contratto=contratto).only("pk", "stato", "ente_id")
            if services.puo_vedere(user, e)]


def documenti_del_contratto(user, contratto):
    """Private documents of the contract's adesioni and ordinativi, and the attachments of the
    messages the user reads."""
    from comunicazioni.models import Allegato
    from contratti.models import DocumentoAdesione, DocumentoOrdinativo

    ordinativi = _ordinativi(user, contratto)
    ids = set(DocumentoAdesione.objects.filter(adesione__contratto=contratto).values_list("documento_id", flat=True))
    ids |= set(DocumentoOrdinativo.objects.filter(ordinativo__in=ordinativi).values_list("documento_id", flat=True))
    for campo in ("scheda_firmata_id", "scheda_generata_id"):
        ids |= set(ordinativi.model.objects.filter(pk__in=ordinativi).exclude(**{campo: None})
                   .values_list(campo, flat=True))
    ids |= set(Allegato.objects.filter(messaggio_id__in=list(_messaggi(user, contratto))).values_list("documento_id", flat=True))
    return ids


# "app_label.model" -> fn(user, contratto) -> TUTTI or the pks of the objects the user may see.
REGOLE = {
    "contratti.contrattopage": _tutti,
    "contratti.adesione": _tutti,
    "contratti.ordinativo": _ordinativi,
    "comunicazioni.chiarimentopubblicato": _tutti,
    "comunicazioni.messaggio": _messaggi,
    "esiti.esito": _esiti,
}


def voci_del_contratto(user, contratto):
    """The entries of ``contratto`` that ``user`` (its banditore) may read."""
    condizione = Q(contratto_id=contratto.pk, content_type__isnull=True)
    for etichetta, regola in REGOLE.items():
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
