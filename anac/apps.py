from django.apps import AppConfig


class AnacConfig(AppConfig):
    name = "anac"
