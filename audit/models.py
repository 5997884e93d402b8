from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .etichette import etichetta_azione


class VoceAudit(models.Model):
    """One entry of the audit trail. Each entry carries the hash of the previous one, so that a
    change to any stored entry breaks the chain (``audit.services.verifica_catena``)."""

    creato_il = models.DateTimeField("quando", db_index=True)
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    utente_repr = models.CharField("chi", max_length=255, blank=True)
    azione = models.CharField("azione", max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    oggetto_repr = models.CharField("oggetto", max_length=255, blank=True)
    contratto_id = models.BigIntegerField("contratto", null=True, blank=True, db_index=True)
    stato_da = models.CharField("da", max_length=50, blank=True)
    stato_a = models.CharField("a", max_length=50, blank=True)
    motivo = models.TextField("motivo", blank=True)
    ip = models.GenericIPAddressField("da dove", null=True, blank=True)
    dati = models.JSONField("dati", default=dict, blank=True)
    hash_precedente = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "voce del registro di audit"
        verbose_name_plural = "registro di audit"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.creato_il:%d/%m/%Y %H:%M} {self.utente_repr} {etichetta_azione(self.azione)} {self.oggetto_repr}"


class CatenaAudit(models.Model):
    """A single row locked while appending, so that concurrent writers chain one after another."""

    ultimo_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "catena di audit"

    def __str__(self):
        return self.ultimo_hash
