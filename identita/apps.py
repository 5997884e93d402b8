from django.apps import AppConfig


class IdentitaConfig(AppConfig):
    name = "identita"
    verbose_name = "Identità e autenticazione"

    def ready(self):
        from . import checks, signals  # noqa: F401 - registers checks and receivers: only once the registry is ready
