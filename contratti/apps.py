from django.apps import AppConfig


class ContrattiConfig(AppConfig):
    name = "contratti"

    def ready(self):
        from . import signals

        signals.connect()
