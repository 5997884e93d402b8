"""What the banditore reads of comunicazioni's records in the audit trail, registered into audit
(``audit.registro``; issue 16: audit never imports comunicazioni)."""

from audit.registro import TUTTI, registra_documenti, registra_visibilita

from .models import Allegato
from .permessi import messaggi_visibili


def _tutti(user, contratto):
    return TUTTI


def _messaggi(user, contratto):
    return messaggi_visibili(user).filter(contratto=contratto).values_list("pk", flat=True)


def _allegati(user, contratto):
    """The attachments of the messages the user reads."""
    return Allegato.objects.filter(messaggio_id__in=list(_messaggi(user, contratto))).values_list(
        "documento_id", flat=True
    )


def registra():
    """Called once from ComunicazioniConfig.ready."""
    registra_visibilita("comunicazioni.chiarimentopubblicato", _tutti)
    registra_visibilita("comunicazioni.messaggio", _messaggi)
    registra_documenti(_allegati)
