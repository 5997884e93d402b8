from django.apps import AppConfig
from wagtail.signals import workflow_approved, workflow_rejected, workflow_submitted


def _nessuna_email_wagtail(sender, **kwargs):
    """The manual's notifications (comunicazioni) replace Wagtail's English workflow e-mails."""


class ContrattiConfig(AppConfig):
    name = "contratti"

    def ready(self):
        from wagtail.models import WorkflowState  # a model: only once the registry is ready

        from . import signals, visibilita_audit  # import models: only once the registry is ready
        from .ordinativi import anac as anac_ordinativi  # import models: only once the registry is ready
        from .schede import anac as anac_schede  # import models: only once the registry is ready

        signals.connect()
        visibilita_audit.registra()
        anac_ordinativi.connect()  # the handlers of the ANAC operations (anac.registro)
        anac_schede.connect()
        # Registered before wagtail.admin (earlier in INSTALLED_APPS) under the same dispatch_uid, so
        # Wagtail's own e-mail notifiers are not connected.
        for segnale, uid in (
            (workflow_submitted, "workflow_state_submitted_email_notification"),
            (workflow_rejected, "workflow_state_rejected_email_notification"),
            (workflow_approved, "workflow_state_approved_email_notification"),
        ):
            segnale.connect(_nessuna_email_wagtail, sender=WorkflowState, dispatch_uid=uid)
