"""What the banditore reads of contratti's records in the audit trail, registered into audit
(``audit.registro``; issue 16: audit never imports contratti)."""

from audit.registro import TUTTI, registra_contratti, registra_documenti, registra_visibilita

from .models import ContrattoPage, DocumentoAdesione, DocumentoOrdinativo
from .ordinativi.permessi import ordinativi_visibili
from .permessi import e_banditore


def _tutti(user, contratto):
    return TUTTI


def _ordinativi(user, contratto):
    return ordinativi_visibili(user, contratto).values_list("pk", flat=True)


def _documenti(user, contratto):
    """Private documents of the contract's adesioni and of the ordinativi the user sees."""
    ordinativi = _ordinativi(user, contratto)
    ids = set(DocumentoAdesione.objects.filter(adesione__contratto=contratto).values_list("documento_id", flat=True))
    ids |= set(DocumentoOrdinativo.objects.filter(ordinativo__in=ordinativi).values_list("documento_id", flat=True))
    for campo in ("scheda_firmata_id", "scheda_generata_id"):
        ids |= set(
            ordinativi.model.objects.filter(pk__in=ordinativi).exclude(**{campo: None}).values_list(campo, flat=True)
        )
    return ids


def registra():
    """Called once from ContrattiConfig.ready."""
    registra_contratti(ContrattoPage, e_banditore)
    registra_visibilita("contratti.contrattopage", _tutti)
    registra_visibilita("contratti.adesione", _tutti)
    registra_visibilita("contratti.ordinativo", _ordinativi)
    registra_documenti(_documenti)
