"""A password login (``/account/accedi/``, the Wagtail admin login, ``force_login`` in tests) is
recorded as source "password", level 1. SPID/CIE/CNS and the simulated SPID set
``request.identita_accesso_esterno`` before ``login()`` and record themselves right after."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from anac.segnali import livello_autenticazione
from audit.models import VoceAudit

from . import services
from .oidc import CIE_ACR, SPID_ACR


@receiver(user_logged_in, dispatch_uid="identita_accesso_password")
def accesso_con_password(sender, request, user, **kwargs):
    if request is None or getattr(request, "identita_accesso_esterno", False) or not hasattr(request, "session"):
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        request.user = user
    services.registra_autenticazione(request, fonte="password", livello=1)


@receiver(livello_autenticazione, dispatch_uid="identita_loa_per_anac")
def loa_per_anac(sender, utente, quando=None, **kwargs):
    """The LoA of the ModI tracking evidence: the level of the user's latest login (``identita.accesso``
    in the audit trail) up to when the operation was requested; None for a password login."""
    voci = VoceAudit.objects.filter(azione="identita.accesso", utente=utente)
    if quando is not None:
        voci = voci.filter(creato_il__lte=quando)
    voce = voci.order_by("-pk").first()
    dati = voce.dati if voce is not None else {}
    livello = dati.get("livello")
    if dati.get("fonte") == "spid":
        return SPID_ACR.format(livello)
    if dati.get("fonte") == "cie":
        return CIE_ACR.format(livello)
    if dati.get("fonte") == "cns":
        return "CNS"
    return None
