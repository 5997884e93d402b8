from django.apps import AppConfig


class EsitiConfig(AppConfig):
    name = "esiti"
