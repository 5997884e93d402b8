from django.apps import AppConfig


class DocumentiConfig(AppConfig):
    name = "documenti"
