from django.apps import AppConfig


class ComunicazioniConfig(AppConfig):
    name = "comunicazioni"
