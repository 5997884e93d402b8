from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from sct_site.cache import invalida


def _impostazioni_cambiate(sender, **kwargs):
    """Footer and menu appear on every public page: a change makes the cached pages stale."""
    transaction.on_commit(invalida)


class HomeConfig(AppConfig):
    name = "home"

    def ready(self):
        for nome in ("ImpostazioniSito", "MenuPrincipale", "VoceMenu"):
            modello = self.get_model(nome)
            post_save.connect(_impostazioni_cambiate, sender=modello, dispatch_uid=f"home_{nome}_salvato")
            post_delete.connect(_impostazioni_cambiate, sender=modello, dispatch_uid=f"home_{nome}_eliminato")
