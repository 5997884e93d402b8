"""A password login (``/account/accedi/``, the Wagtail admin login, ``force_login`` in tests) is
recorded as source "password", level 1. SPID/CIE/CNS and the simulated SPID set
``request.identita_accesso_esterno`` before ``login()`` and record themselves right after."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="identita_accesso_password")
def accesso_con_password(sender, request, user, **kwargs):
    if request is None or getattr(request, "identita_accesso_esterno", False) or not hasattr(request, "session"):
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        request.user = user
    services.registra_autenticazione(request, fonte="password", livello=1)
