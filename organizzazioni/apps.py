from django.apps import AppConfig


class OrganizzazioniConfig(AppConfig):
    name = "organizzazioni"
    verbose_name = "Organizzazioni e utenti"
