from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index

from sct_site.validatori import valida_codice_istat, valida_codice_nuts

from .validators import valida_codice_fiscale, valida_partita_iva


class Organizzazione(models.Model):
    """What Ente and OperatoreEconomico share: a name, a PEC and a Django group of its users.

    Object permissions on records of the organisation (adesioni, ordinativi, messages) are granted
    to that group, so a user gains or loses them with the membership alone.
    """

    denominazione = models.CharField("denominazione", max_length=255)
    pec = models.EmailField("PEC", blank=True)
    gruppo = models.OneToOneField(Group, on_delete=models.PROTECT, editable=False, null=True, related_name="+")

    class Meta:
        abstract = True

    def __str__(self):
        return self.denominazione

    def save(self, *args, **kwargs):
        if self.gruppo_id is None:
            self.gruppo = Group.objects.create(name=f"{self._meta.model_name}:{self.codice_fiscale}")
        super().save(*args, **kwargs)


class Ente(index.Indexed, Organizzazione):
    codice_fiscale = models.CharField("codice fiscale", max_length=16, unique=True, validators=[valida_codice_fiscale])
    indirizzo = models.CharField("indirizzo", max_length=255, blank=True)
    codice_istat = models.CharField(
        "codice ISTAT del comune",
        max_length=6,
        blank=True,
        validators=[valida_codice_istat],
        help_text="6 cifre, ad esempio 048017 (Firenze).",
    )
    codice_nuts = models.CharField(
        "codice NUTS",
        max_length=5,
        blank=True,
        default="ITI1",
        validators=[valida_codice_nuts],
        help_text="Ad esempio ITI1 (Toscana) o ITI14 (Firenze).",
    )

    panels = [
        FieldPanel("denominazione"),
        FieldPanel("codice_fiscale"),
        FieldPanel("pec"),
        FieldPanel("indirizzo"),
        FieldPanel("codice_istat"),
        FieldPanel("codice_nuts"),
    ]
    search_fields = [index.SearchField("denominazione"), index.FilterField("codice_fiscale")]

    class Meta:
        verbose_name = "ente"
        verbose_name_plural = "enti"
        ordering = ["denominazione"]


class OperatoreEconomico(index.Indexed, ClusterableModel, Organizzazione):
    """The supplier: a single company or an RTI (mandataria + mandanti)."""

    codice_fiscale = models.CharField(
        "codice fiscale",
        max_length=16,
        unique=True,
        validators=[valida_codice_fiscale],
        help_text="Per un RTI, il codice fiscale della mandataria.",
    )
    raggruppamento = models.BooleanField("RTI (raggruppamento temporaneo di imprese)", default=False)

    panels = [
        FieldPanel("denominazione"),
        FieldPanel("codice_fiscale"),
        FieldPanel("pec"),
        FieldPanel("raggruppamento"),
        InlinePanel("membri", label="membri del raggruppamento"),
    ]
    search_fields = [index.SearchField("denominazione"), index.FilterField("codice_fiscale")]

    class Meta:
        verbose_name = "operatore economico"
        verbose_name_plural = "operatori economici"
        ordering = ["denominazione"]

    @property
    def mandataria(self):
        return next((m for m in self.membri.all() if m.ruolo == MembroRTI.Ruolo.MANDATARIA), None)


class MembroRTI(Orderable):
    class Ruolo(models.TextChoices):
        MANDATARIA = "mandataria", "Mandataria"
        MANDANTE = "mandante", "Mandante"

    operatore = ParentalKey(OperatoreEconomico, on_delete=models.CASCADE, related_name="membri")
    ragione_sociale = models.CharField("ragione sociale", max_length=255)
    codice_fiscale = models.CharField("codice fiscale", max_length=16, validators=[valida_codice_fiscale])
    partita_iva = models.CharField("partita IVA", max_length=11, validators=[valida_partita_iva])
    pec = models.EmailField("PEC", blank=True)
    ruolo = models.CharField("ruolo", max_length=10, choices=Ruolo.choices)

    class Meta(Orderable.Meta):
        verbose_name = "membro del raggruppamento"
        verbose_name_plural = "membri del raggruppamento"

    def __str__(self):
        return f"{self.ragione_sociale} ({self.get_ruolo_display()})"


class Profilo(models.Model):
    class Notifiche(models.TextChoices):
        IMMEDIATE = "immediate", "Una e-mail per ogni notifica"
        DIGEST = "digest", "Un riepilogo giornaliero"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profilo")
    codice_fiscale = models.CharField("codice fiscale", max_length=16, blank=True, validators=[valida_codice_fiscale])
    notifiche_email = models.CharField(
        "notifiche via e-mail", max_length=10, choices=Notifiche.choices, default=Notifiche.IMMEDIATE
    )

    class Meta:
        verbose_name = "profilo"
        verbose_name_plural = "profili"

    def __str__(self):
        return f"Profilo di {self.user}"


class Incarico(models.Model):
    """A user's membership in an organisation, with a role."""

    class Ruolo(models.TextChoices):
        RESPONSABILE = "responsabile", "Responsabile/Buyer"
        RUP = "rup", "RUP"
        OPERATORE = "operatore", "Operatore"
        # Who may sign for the organisation without operating on the site (organizzazioni.firmatari).
        LEGALE_RAPPRESENTANTE = "legale_rappresentante", "Legale rappresentante"
        DELEGATO_FIRMA = "delegato_firma", "Delegato alla firma"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incarichi")
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, null=True, blank=True, related_name="incarichi")
    operatore = models.ForeignKey(
        OperatoreEconomico, on_delete=models.CASCADE, null=True, blank=True, related_name="incarichi"
    )
    ruolo = models.CharField("ruolo", max_length=25, choices=Ruolo.choices)

    class Meta:
        verbose_name = "incarico"
        verbose_name_plural = "incarichi"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(ente__isnull=False, operatore__isnull=True))
                | (models.Q(ente__isnull=True, operatore__isnull=False)),
                name="incarico_una_organizzazione",
            ),
            models.UniqueConstraint(fields=["user", "ente", "ruolo"], name="incarico_unico_ente"),
            models.UniqueConstraint(fields=["user", "operatore", "ruolo"], name="incarico_unico_oe"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_ruolo_display()} – {self.organizzazione}"

    @property
    def organizzazione(self):
        return self.ente or self.operatore
