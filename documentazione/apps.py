from django.apps import AppConfig


class DocumentazioneConfig(AppConfig):
    name = "documentazione"
