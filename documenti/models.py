import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible(path="documenti.models.ArchivioPrivato")
class ArchivioPrivato(Storage):
    """The ``private`` storage, looked up at each call: ``override_settings(STORAGES=…)`` takes effect.

    (Django evaluates a callable ``storage=`` once, when the model is loaded; this proxy keeps the
    choice of backend to the settings at any time.)
    """

    @property
    def _reale(self):
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self._reale.open(name, mode)

    def _save(self, name, content):
        return self._reale.save(name, content)

    def open(self, name, mode="rb"):
        return self._reale.open(name, mode)

    def save(self, name, content, max_length=None):
        return self._reale.save(name, content, max_length=max_length)

    def delete(self, name):
        return self._reale.delete(name)

    def exists(self, name):
        return self._reale.exists(name)

    def listdir(self, path):
        return self._reale.listdir(path)

    def size(self, name):
        return self._reale.size(name)

    def url(self, name):
        return self._reale.url(name)

    def path(self, name):
        return self._reale.path(name)

    def get_valid_name(self, name):
        return self._reale.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self._reale.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self._reale.generate_filename(filename)

    def get_accessed_time(self, name):
        return self._reale.get_accessed_time(name)

    def get_created_time(self, name):
        return self._reale.get_created_time(name)

    def get_modified_time(self, name):
        return self._reale.get_modified_time(name)


def archivio_privato():
    return ArchivioPrivato()


def percorso_casuale(instance, filename):
    """``documenti/<aaaa>/<mm>/<uuid>.<pdf|p7m>``: never derived from the user's file name."""
    estensione = instance.tipo if instance.tipo in {"pdf", "p7m"} else "bin"
    adesso = timezone.now()
    return f"documenti/{adesso:%Y}/{adesso:%m}/{uuid.uuid4().hex}.{estensione}"


class DocumentoImmutabile(ValueError):
    """Raised when code tries to change the stored bytes or identity of a saved document."""


CAMPI_IMMUTABILI = ("file", "nome_originale", "tipo", "dimensione", "sha256", "contenuto_sha256", "caricato_il")


class DocumentoQuerySet(models.QuerySet):
    def update(self, **kwargs):
        vietati = sorted(set(kwargs) & set(CAMPI_IMMUTABILI))
        if vietati:
            raise DocumentoImmutabile(
                f"I campi {', '.join(vietati)} di un documento salvato non si possono modificare."
            )
        return super().update(**kwargs)


class DocumentoPrivato(models.Model):
    """A private uploaded file (adesioni, ordinativi, comunicazioni), validated by content.

    Created only by ``documenti.validazione.valida_e_salva`` (or ``salva``); immutable once saved:
    the bytes, their hashes and the name cannot change (``save()`` and ``QuerySet.update()``
    refuse); the signature fields may be refreshed by ``riverifica_firma``.
    Served only through ``documenti.views.risposta_download`` after the caller's permission check.
    """

    class Tipo(models.TextChoices):
        PDF = "pdf", "PDF"
        P7M = "p7m", "File firmato .p7m (CAdES)"

    class FirmaTipo(models.TextChoices):
        NESSUNA = "", "nessuna"
        PADES = "pades", "PAdES (PDF firmato)"
        CADES = "cades", "CAdES (.p7m)"

    file = models.FileField("file", storage=archivio_privato, upload_to=percorso_casuale, max_length=255)
    nome_originale = models.CharField("nome del file", max_length=255)
    tipo = models.CharField("tipo", max_length=3, choices=Tipo.choices)
    dimensione = models.PositiveBigIntegerField("dimensione (byte)")
    sha256 = models.CharField("impronta SHA-256 del file", max_length=64, db_index=True)
    contenuto_sha256 = models.CharField(
        "impronta SHA-256 del contenuto firmato",
        max_length=64,
        db_index=True,
        help_text="Per un .p7m il documento contenuto nella busta, per un PDF il file stesso.",
    )
    caricato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="caricato da",
    )
    caricato_il = models.DateTimeField("caricato il", default=timezone.now, editable=False)
    firmato = models.BooleanField("firmato digitalmente", default=False)
    firma_tipo = models.CharField("tipo di firma", max_length=5, choices=FirmaTipo.choices, blank=True, default="")
    firma_attendibile = models.BooleanField(
        "firma attendibile",
        default=False,
        help_text="Il certificato del firmatario è rilasciato da un'autorità di certificazione riconosciuta.",
    )
    firmatario_nome = models.CharField("firmatario", max_length=255, blank=True)
    firmatario_cf = models.CharField("codice fiscale del firmatario", max_length=32, blank=True)
    firmatari = models.JSONField("tutte le firme", default=list, blank=True)
    firma_verificata_il = models.DateTimeField("firma verificata il", null=True, blank=True)

    objects = DocumentoQuerySet.as_manager()

    class Meta:
        verbose_name = "documento privato"
        verbose_name_plural = "documenti privati"
        ordering = ["-caricato_il", "-pk"]

    def __str__(self):
        return self.nome_originale

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            originale = type(self).objects.filter(pk=self.pk).values(*CAMPI_IMMUTABILI).first()
            if originale is not None:
                cambiati = [
                    campo
                    for campo in CAMPI_IMMUTABILI
                    if (self.file.name if campo == "file" else getattr(self, campo)) != originale[campo]
                ]
                if cambiati:
                    raise DocumentoImmutabile(
                        f"Un documento salvato non si può modificare (campi: {', '.join(cambiati)})."
                    )
        super().save(*args, **kwargs)

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.tipo == self.Tipo.PDF else "application/pkcs7-mime"

    @property
    def revoca_non_verificabile(self) -> bool:
        """A trusted signature whose certificate's revocation could not be checked (see ``firme._esito_revoca``):
        shown as «revoca non verificabile» wherever the trust state is shown."""
        return self.firmato and any(
            f.get("attendibile") and f.get("revoca") == "non_verificabile" for f in self.firmatari
        )

    def firmato_da(self, codice_fiscale: str) -> bool:
        """Whether one of the intact signatures carries ``codice_fiscale`` (certificate serialNumber)."""
        cf = (codice_fiscale or "").strip().upper()
        return bool(cf) and any(f.get("codice_fiscale") == cf and f.get("intatta") for f in self.firmatari)
