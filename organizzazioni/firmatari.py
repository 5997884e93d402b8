"""Chi può firmare per un'organizzazione: le persone con un incarico in quell'ente od operatore
economico, con un ruolo che firma, e un codice fiscale nel profilo (il certificato lo porta come
``TINIT-<CF>``)."""

from .models import Ente, Incarico

RUOLI_FIRMA_ENTE = (
    Incarico.Ruolo.RUP,
    Incarico.Ruolo.RESPONSABILE,
    Incarico.Ruolo.LEGALE_RAPPRESENTANTE,
    Incarico.Ruolo.DELEGATO_FIRMA,
)
# The supplier's referents: every incarico in the operatore economico.
RUOLI_FIRMA_OE = (
    Incarico.Ruolo.OPERATORE,
    Incarico.Ruolo.RESPONSABILE,
    Incarico.Ruolo.LEGALE_RAPPRESENTANTE,
    Incarico.Ruolo.DELEGATO_FIRMA,
)


def ruoli_di_firma(organizzazione):
    return RUOLI_FIRMA_ENTE if isinstance(organizzazione, Ente) else RUOLI_FIRMA_OE


def abilitati(organizzazione, ruoli=None) -> dict[str, str]:
    """``{codice fiscale: "Nome Cognome"}`` of the active people who may sign for ``organizzazione``
    (an Ente or an OperatoreEconomico) with one of ``ruoli`` (default: ``ruoli_di_firma``)."""
    campo = "ente" if isinstance(organizzazione, Ente) else "operatore"
    incarichi = (
        Incarico.objects.filter(
            **{campo: organizzazione},
            ruolo__in=ruoli_di_firma(organizzazione) if ruoli is None else ruoli,
            user__is_active=True,
            user__profilo__isnull=False,
        )
        .exclude(user__profilo__codice_fiscale="")
        .select_related("user__profilo")
    )
    return {i.user.profilo.codice_fiscale.strip().upper(): i.user.get_full_name() or i.user.username for i in incarichi}
