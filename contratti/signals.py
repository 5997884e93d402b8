from wagtail.signals import page_published

from .models import ContrattoPage
from .services import sincronizza_utenti_abilitati


def _contratto_pubblicato(sender, instance, **kwargs):
    sincronizza_utenti_abilitati(instance)


def connect():
    page_published.connect(_contratto_pubblicato, sender=ContrattoPage, dispatch_uid="contratto_pubblicato")
