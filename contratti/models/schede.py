"""Schede ANAC sent after the derived CIG of an ordinativo: ANN (annullamento procedura) and SC1
(sottoscrizione del contratto, fase di esecuzione). Rules and transitions: ``contratti.schede``."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

MOTIVO_ERRATA_COMUNICAZIONE = "1"


class Scheda(models.Model):
    """One scheda of one ordinativo, on one CIG (the ordinativo's ``cig_derivato``)."""

    class Tipo(models.TextChoices):
        ANN = "ANN", "Annullamento procedura – ANN"
        SC1 = "SC1", "Sottoscrizione del contratto – SC1"

    class Stato(models.TextChoices):
        BOZZA = "bozza", "Bozza"
        INVIO_IN_CORSO = "invio_in_corso", "Invio in corso"
        INVIATA = "inviata", "Inviata"
        CONFERMATA = "confermata", "Confermata"
        ELIMINATA = "eliminata", "Eliminata"

    class Motivo(models.TextChoices):
        ERRATA_COMUNICAZIONE = MOTIVO_ERRATA_COMUNICAZIONE, "1 – Errata comunicazione"

    # Schede of the execution phase: once one is sent, ANAC refuses the ANN.
    TIPI_ESECUZIONE = (Tipo.SC1,)
    # A scheda "sent" for ANAC's rules: the confirmation is requested, under way or positive.
    STATI_INVIATA = (Stato.INVIO_IN_CORSO, Stato.INVIATA, Stato.CONFERMATA)

    ordinativo = models.ForeignKey("contratti.Ordinativo", on_delete=models.PROTECT, related_name="schede")
    tipo = models.CharField("tipo di scheda", max_length=3, choices=Tipo.choices)
    cig = models.CharField("CIG", max_length=10)
    motivo = models.CharField("motivo dell'annullamento", max_length=2, choices=Motivo.choices, blank=True)
    stato = models.CharField("stato", max_length=20, choices=Stato.choices, default=Stato.BOZZA, db_index=True)

    # SC1 – datiContratto
    data_stipula = models.DateField("data di stipula", null=True, blank=True)
    data_decorrenza = models.DateField("data di decorrenza", null=True, blank=True)
    data_scadenza = models.DateField("data di scadenza", null=True, blank=True)
    data_esecutivita = models.DateField("data di esecutività", null=True, blank=True)
    importo_cauzione = models.DecimalField(
        "importo della cauzione",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )

    # ANAC
    id_scheda = models.CharField("id scheda ANAC", max_length=64, blank=True)
    tentativo_invio = models.PositiveSmallIntegerField(default=0)
    tentativo_verifica = models.PositiveSmallIntegerField(default=0)
    verifica_in_corso = models.BooleanField(default=False)
    esito_verifica = models.CharField("ultimo esito della verifica", max_length=6, blank=True)
    errore_anac = models.TextField("errore ANAC", blank=True)
    autenticazione_simulata = models.BooleanField(default=False)

    creata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    creata_il = models.DateTimeField("creata il", auto_now_add=True)
    aggiornata_il = models.DateTimeField("aggiornata il", auto_now=True)
    inviata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    inviata_il = models.DateTimeField("inviata il", null=True, blank=True)
    confermata_il = models.DateTimeField("confermata il", null=True, blank=True)
    eliminata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    eliminata_il = models.DateTimeField("eliminata il", null=True, blank=True)

    class Meta:
        verbose_name = "scheda ANAC"
        verbose_name_plural = "schede ANAC"
        ordering = ["creata_il", "pk"]
        constraints = [
            # One scheda per type and ordinativo (a second ANN, a second SC1): eliminated drafts aside.
            models.UniqueConstraint(
                fields=["ordinativo", "tipo"],
                condition=~models.Q(stato="eliminata"),
                name="scheda_una_per_tipo_e_ordinativo",
            ),
            models.CheckConstraint(
                condition=~models.Q(tipo="ANN") | models.Q(motivo=MOTIVO_ERRATA_COMUNICAZIONE),
                name="scheda_ann_solo_errata_comunicazione",
            ),
            models.CheckConstraint(condition=~models.Q(cig=""), name="scheda_con_cig"),
        ]

    def __str__(self):
        return f"{self.get_tipo_display()} – CIG {self.cig}"

    @property
    def nome(self):
        return self.get_tipo_display()

    @property
    def inviata(self):
        return self.stato in self.STATI_INVIATA

    @property
    def modificabile(self):
        return self.stato == self.Stato.BOZZA
