"""What the banditore reads of the esiti in the audit trail, registered into audit
(``audit.registro``; issue 16: audit never imports esiti)."""

from audit.registro import registra_visibilita

from . import services
from .models import Esito


def _esiti(user, contratto):
    return [
        e.pk
        for e in Esito.objects.filter(contratto=contratto).only("pk", "stato", "ente_id")
        if services.puo_vedere(user, e)
    ]


def registra():
    """Called once from EsitiConfig.ready."""
    registra_visibilita("esiti.esito", _esiti)
