from django.apps import AppConfig


class IdentitaConfig(AppConfig):
    name = "identita"
