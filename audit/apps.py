from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self):
        from . import ricevitori  # receivers import models: only once the registry is ready

        ricevitori.connect()
