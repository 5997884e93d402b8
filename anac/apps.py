from django.apps import AppConfig


class AnacConfig(AppConfig):
    name = "anac"
    verbose_name = "ANAC – Piattaforma Contratti Pubblici"
