from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from contratti.models import valida_cig
from sct_site.cache.instradamento import RestrizioniInCacheMixin

from .rotte import RotteDatiAperti, RotteEsiti

SCELTA_CONTRAENTE_ADESIONE = "26-AFFIDAMENTO DIRETTO IN ADESIONE AD ACCORDO QUADRO/CONVENZIONE"


class AggiudicazioniIndexPage(RestrizioniInCacheMixin, RotteEsiti, RotteDatiAperti, Page):
    """ "Aggiudicazioni e affidamenti": the published esiti, their pages, the publication flow of the
    ente and the open data. Every sub-address is a route of this page (``esiti/rotte.py``), so the
    section keeps its stable address ``/aggiudicazioni-e-affidamenti/``."""

    intro = RichTextField("introduzione", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1
    allowed_http_methods = ["GET", "HEAD", "OPTIONS", "POST"]

    class Meta:
        verbose_name = "aggiudicazioni e affidamenti"


class EsitoQuerySet(models.QuerySet):
    def visibili(self):
        """What the public sees: published esiti, and withdrawn ones (marked as such)."""
        return self.filter(stato__in=[Esito.Stato.PUBBLICATO, Esito.Stato.RITIRATO])

    def in_vigore(self):
        """Published, not withdrawn and not cancelled: the esiti of the L.190 dataset."""
        return self.filter(stato=Esito.Stato.PUBBLICATO, annullato=False)

    def aggiorna_ricerca(self):
        """Recompute the full-text vector of these esiti (PostgreSQL; a no-op elsewhere).

        One UPDATE for the whole queryset: call it after ``bulk_create``. The services call it on
        every change of an esito.
        """
        from .ricerca import aggiorna_vettori  # circle: esiti.ricerca imports esiti.models

        return aggiorna_vettori(self)


class Esito(models.Model):
    """The published outcome of an ordinativo: a snapshot, so that what is published does not change
    when the order, the contract or the organisations change afterwards."""

    class Stato(models.TextChoices):
        BOZZA = "bozza", "Bozza"
        PUBBLICATO = "pubblicato", "Pubblicato"
        RITIRATO = "ritirato", "Ritirato"

    class Procedura(models.TextChoices):
        ADESIONE_AQ = "adesione-aq", "Affidamento diretto in adesione ad accordo quadro/convenzione"

    contratto = models.ForeignKey(
        "contratti.ContrattoPage", on_delete=models.PROTECT, related_name="esiti", verbose_name="contratto"
    )
    contratto_titolo = models.CharField("titolo del contratto", max_length=255)
    ente = models.ForeignKey(
        "organizzazioni.Ente", on_delete=models.PROTECT, related_name="esiti", verbose_name="struttura proponente"
    )
    ente_denominazione = models.CharField("struttura proponente", max_length=255)
    ente_codice_fiscale = models.CharField("codice fiscale della struttura proponente", max_length=16)

    cig = models.CharField("CIG derivato", max_length=10, blank=True, validators=[valida_cig])
    cig_accordo_quadro = models.CharField("CIG dell'accordo quadro/convenzione", max_length=10, validators=[valida_cig])
    ocid = models.CharField("identificativo OCDS (ocid)", max_length=64, blank=True, editable=False)
    oggetto = models.CharField("oggetto", max_length=250)
    procedura = models.CharField(
        "procedura di scelta del contraente", max_length=20, choices=Procedura.choices, default=Procedura.ADESIONE_AQ
    )
    importo_aggiudicazione = models.DecimalField(
        "importo di aggiudicazione",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    importo_somme_liquidate = models.DecimalField(
        "importo delle somme liquidate", max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    aggiudicatario_denominazione = models.CharField("aggiudicatario", max_length=255)
    aggiudicatario_codice_fiscale = models.CharField("codice fiscale dell'aggiudicatario", max_length=16, blank=True)
    data_aggiudicazione = models.DateField("data di aggiudicazione", null=True, blank=True)
    data_inizio = models.DateField("data di inizio", null=True, blank=True)
    data_ultimazione = models.DateField("data di ultimazione", null=True, blank=True)

    stato = models.CharField("stato", max_length=10, choices=Stato.choices, default=Stato.BOZZA)
    annullato = models.BooleanField(
        "annullato", default=False, help_text="L'ordinativo è stato annullato con una scheda ANN."
    )
    annullato_il = models.DateTimeField("annullato il", null=True, blank=True)

    creato_il = models.DateTimeField("creato il", default=timezone.now, editable=False)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    aggiornato_il = models.DateTimeField("aggiornato il", auto_now=True)
    pubblicato_il = models.DateTimeField("pubblicato il", null=True, blank=True)
    pubblicato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ritirato_il = models.DateTimeField("ritirato il", null=True, blank=True)
    ritirato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ritirato_motivo = models.TextField("motivo del ritiro", blank=True)

    # The source record (the ordinativo): generic, so this app does not depend on its model.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    riferimento = GenericForeignKey("content_type", "object_id")

    # PostgreSQL full-text vector (GIN index created by migration 0003 on PostgreSQL only),
    # maintained by EsitoQuerySet.aggiorna_ricerca(). Unused (NULL) on SQLite.
    vettore_ricerca = SearchVectorField(null=True, editable=False)

    objects = EsitoQuerySet.as_manager()

    class Meta:
        verbose_name = "esito"
        verbose_name_plural = "esiti"
        ordering = ["-pubblicato_il", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cig"], condition=models.Q(stato="pubblicato"), name="esito_cig_unico_tra_i_pubblicati"
            ),
        ]
        indexes = [
            models.Index(fields=["-pubblicato_il", "-id"], name="esito_pubblicazione"),
            models.Index(fields=["data_aggiudicazione", "id"], name="esito_data_aggiudicazione"),
            models.Index(fields=["importo_aggiudicazione", "id"], name="esito_importo"),
            models.Index(fields=["cig"], name="esito_cig"),
            models.Index(fields=["cig_accordo_quadro"], name="esito_cig_aq"),
            models.Index(fields=["ente", "data_aggiudicazione"], name="esito_ente_data"),
            models.Index(fields=["content_type", "object_id"], name="esito_riferimento"),
        ]

    def __str__(self):
        return f"Esito {self.cig or '(senza CIG)'} – {self.oggetto[:60]}"

    def get_absolute_url(self):
        from .indirizzi import url_esito  # circle: esiti.indirizzi imports esiti.models

        return url_esito(self.pk)

    @property
    def visibile_al_pubblico(self):
        return self.stato in (self.Stato.PUBBLICATO, self.Stato.RITIRATO)

    @property
    def ritirato(self):
        return self.stato == self.Stato.RITIRATO

    @property
    def scelta_contraente(self):
        return SCELTA_CONTRAENTE_ADESIONE

    @property
    def anno(self):
        return self.data_aggiudicazione.year if self.data_aggiudicazione else None


class PartecipanteEsito(models.Model):
    """A participant (here always also an aggiudicatario): the single supplier, or each member of the
    RTI with its role, as they were when the esito was drafted."""

    class Ruolo(models.TextChoices):
        MANDATARIA = "mandataria", "Mandataria"
        MANDANTE = "mandante", "Mandante"

    esito = models.ForeignKey(Esito, on_delete=models.CASCADE, related_name="partecipanti")
    ragione_sociale = models.CharField("ragione sociale", max_length=250)
    codice_fiscale = models.CharField("codice fiscale", max_length=16, blank=True)
    identificativo_estero = models.CharField("identificativo fiscale estero", max_length=64, blank=True)
    ruolo = models.CharField("ruolo nel raggruppamento", max_length=10, choices=Ruolo.choices, blank=True)
    aggiudicatario = models.BooleanField("aggiudicatario", default=True)
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "partecipante"
        verbose_name_plural = "partecipanti"
        ordering = ["esito", "ordine", "id"]

    def __str__(self):
        return f"{self.ragione_sociale} ({self.get_ruolo_display() or 'singolo'})"
