from django.apps import AppConfig


class EsitiConfig(AppConfig):
    name = "esiti"

    def ready(self):
        from . import ricevitori, visibilita_audit  # import models: only once the registry is ready

        ricevitori.connect()
        visibilita_audit.registra()
