from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from wagtail.models import DraftStateMixin, RevisionMixin, WorkflowMixin


class Contatore(models.Model):
    """Last number given in a series (e.g. "adesione:2026"); locked while a new number is assigned,
    so that concurrent requests get distinct, consecutive numbers."""

    chiave = models.CharField(max_length=40, primary_key=True)
    ultimo = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "contatore"
        verbose_name_plural = "contatori"

    def __str__(self):
        return f"{self.chiave}: {self.ultimo}"

    @classmethod
    def prossimo(cls, chiave):
        """The next number of the series; call inside a transaction."""
        contatore, _ = cls.objects.select_for_update().get_or_create(chiave=chiave)
        contatore.ultimo += 1
        contatore.save(update_fields=["ultimo"])
        return contatore.ultimo


class AdesioneQuerySet(models.QuerySet):
    def non_eliminate(self):
        """Adesioni the lists show: an adesione eliminated after being sent stays only for the audit."""
        return self.exclude(stato="eliminata")

    def ordinabili(self):
        """Adesioni whose round for ordering (``ContrattoPage.round_per_ordinare``) is approved: the ente
        may issue ordinativi on them, even while a later round (e.g. ipotesi B's round 1) is in course."""
        return self.filter(approvata_il__isnull=False).exclude(stato="eliminata")


class Adesione(WorkflowMixin, DraftStateMixin, RevisionMixin, models.Model):
    """An ente's adesione to a contract, sent round by round and approved by the banditore."""

    class Ipotesi(models.TextChoices):
        A = "A", "Ipotesi A – proroga semplificata"
        B = "B", "Ipotesi B"

    class Stato(models.TextChoices):
        BOZZA = "bozza", "Bozza"
        IN_VALUTAZIONE = "in_valutazione", "Inviata – in attesa di approvazione"
        ROUND_APPROVATO = "round_approvato", "Round approvato – da inviare il round successivo"
        NON_APPROVATA = "non_approvata", "Non approvata – tornata in bozza"
        APPROVATA = "approvata", "Approvata"
        ELIMINATA = "eliminata", "Eliminata dall'ente"

    contratto = models.ForeignKey(
        "contratti.ContrattoPage", on_delete=models.PROTECT, related_name="adesioni", verbose_name="contratto"
    )
    ente = models.ForeignKey(
        "organizzazioni.Ente", on_delete=models.PROTECT, related_name="adesioni", verbose_name="ente aderente"
    )
    anno = models.PositiveSmallIntegerField("anno")
    numero = models.PositiveIntegerField("numero")
    codice = models.CharField("codice adesione", max_length=14, unique=True)
    ipotesi = models.CharField(
        "ipotesi",
        max_length=1,
        choices=Ipotesi.choices,
        blank=True,
        help_text="Solo nei contratti che prevedono le ipotesi A e B (Sistema Cloud Toscana).",
    )
    importo = models.DecimalField(
        "importo di adesione", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    scadenza = models.DateField("scadenza dell'adesione")
    importo_piano_fabbisogni = models.DecimalField(
        "importo del piano dei fabbisogni", max_digits=14, decimal_places=2, null=True, blank=True
    )
    data_piano_fabbisogni = models.DateField("data del piano dei fabbisogni", null=True, blank=True)
    stato = models.CharField("stato", max_length=20, choices=Stato.choices, default=Stato.BOZZA, db_index=True)
    round_corrente = models.PositiveSmallIntegerField("round corrente", default=0)
    creata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="creata da"
    )
    creata_il = models.DateTimeField("creata il", auto_now_add=True)
    inviata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The sending in effect ("Data di invio"): a withdrawal brings back the previous one, or none.
    inviata_il = models.DateTimeField("data di invio", null=True, blank=True)
    prima_inviata_il = models.DateTimeField("primo invio il", null=True, blank=True)
    # Set when the contract's round for ordering is approved: from then on "nuovo ordine" may use it.
    approvata_il = models.DateTimeField("approvata il", null=True, blank=True)
    motivo_rifiuto = models.TextField("motivo della mancata approvazione", blank=True)
    rifiutata_il = models.DateTimeField("non approvata il", null=True, blank=True)
    eliminata_il = models.DateTimeField("eliminata il", null=True, blank=True)
    eliminata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="eliminata da",
    )

    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="adesione",
        for_concrete_model=False,
    )
    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="adesione",
        for_concrete_model=False,
    )

    objects = AdesioneQuerySet.as_manager()

    class Meta:
        verbose_name = "adesione"
        verbose_name_plural = "adesioni"
        ordering = ["-anno", "-numero"]
        constraints = [models.UniqueConstraint(fields=["anno", "numero"], name="adesione_numero_unico_per_anno")]

    def __str__(self):
        return f"Adesione {self.codice} – {self.ente}"

    def valutazione_approvata(self, *, utente, task_state, commento=""):
        from contratti.adesioni.services import approva_round  # circle: the services import contratti.models

        approva_round(self, utente=utente, task_state=task_state, commento=commento)

    def valutazione_rifiutata(self, *, utente, task_state, motivo):
        from contratti.adesioni.services import rifiuta_round  # circle: the services import contratti.models

        rifiuta_round(self, utente=utente, task_state=task_state, motivo=motivo)

    @staticmethod
    def formatta_codice(numero, anno):
        return f"A{numero:06d}/{anno}"

    @property
    def rounds(self):
        """The rounds this adesione goes through (see ``ContrattoPage.round_adesione``)."""
        return self.contratto.round_adesione(self.ipotesi)

    @property
    def ultimo_round(self):
        return max(self.rounds)

    def prossimo_round(self, numero_round):
        return next((r for r in self.rounds if r > numero_round), None)

    @property
    def descrizione_round(self):
        """The round as users read it everywhere: 0-based like the manual, with how many rounds."""
        return f"round {self.round_corrente} (su {len(self.rounds)})"

    @property
    def ordinabile(self):
        """The round for ordering is approved: "nuovo ordine" may use this adesione."""
        return self.approvata_il is not None and self.stato != self.Stato.ELIMINATA

    @property
    def descrizione_stato(self):
        """The state as users read it: an adesione usable for ordering with a later round in course
        says both (e.g. ipotesi B after round 0: "Approvata per gli ordinativi – round 1 da inviare")."""
        if self.ordinabile and self.stato != self.Stato.APPROVATA:
            fase = {
                self.Stato.IN_VALUTAZIONE: "in attesa di approvazione",
                self.Stato.NON_APPROVATA: "non approvato, da inviare di nuovo",
            }.get(self.stato, "da inviare")
            return f"Approvata per gli ordinativi – round {self.round_corrente} {fase}"
        return self.get_stato_display()

    def richieste_round(self, numero_round=None):
        """Requested documents of a round that apply to this adesione's ipotesi."""
        numero_round = self.round_corrente if numero_round is None else numero_round
        richieste = self.contratto.richieste_per_round().get(numero_round, [])
        return [r for r in richieste if self.contratto.richiesta_per_ipotesi(r, self.ipotesi)]

    def documenti_correnti(self):
        return [d for d in self.documenti.all() if d.corrente]

    @property
    def in_corso(self):
        """Not yet usable for ordering (its importo is not yet in the massimale's approved total)."""
        return self.stato != self.Stato.ELIMINATA and not self.ordinabile

    @property
    def mai_inviata(self):
        """Never sent to the banditore (not even once, then withdrawn): nothing of it is in his hands."""
        return self.prima_inviata_il is None

    @property
    def modificabile(self):
        """Passo 1 may be edited only before the first sending."""
        return self.stato == self.Stato.BOZZA and self.inviata_il is None and self.round_corrente == 0

    @property
    def round_approvati(self):
        """At least one round was approved (round 0 is the first one)."""
        return self.round_corrente > 0 or self.approvata_il is not None

    @property
    def eliminabile(self):
        """ "elimina bozza": only while no round has been approved and the adesione is with the ente
        (a draft, a draft whose sending was withdrawn, round 0 not approved)."""
        return self.stato in (self.Stato.BOZZA, self.Stato.NON_APPROVATA) and not self.round_approvati

    @property
    def inviabile(self):
        return self.stato in (self.Stato.BOZZA, self.Stato.ROUND_APPROVATO, self.Stato.NON_APPROVATA)

    @property
    def ritirabile(self):
        return self.stato == self.Stato.IN_VALUTAZIONE

    @property
    def documenti_caricabili(self):
        """Documents of the current round can be (re)uploaded while it is not sent: a round ≥ 1 still
        to send, or not approved (the new version replaces the sent one, which stays in the history).
        The round 0 documents change only in passo 1, before the first sending."""
        return self.stato == self.Stato.ROUND_APPROVATO or (
            self.stato == self.Stato.NON_APPROVATA and self.round_corrente > 0
        )

    @property
    def round_da_reinviare(self):
        """The current round was not approved and may be sent again (after replacing its documents)."""
        return self.stato == self.Stato.NON_APPROVATA and self.round_corrente > 0


class DocumentoAdesione(models.Model):
    """A file uploaded for a requested document of a round. A new version becomes the current one
    and the old one stays (``corrente=False``); a sent version (``inviato``) is replaced only in a
    round ≥ 1 not yet approved, and stays in the history as it was."""

    adesione = models.ForeignKey(Adesione, on_delete=models.CASCADE, related_name="documenti")
    richiesta = models.ForeignKey(
        "contratti.RichiestaDocumento", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    round = models.PositiveSmallIntegerField("round")
    codice_richiesta = models.SlugField(max_length=50)
    etichetta = models.CharField("documento", max_length=255)
    documento = models.ForeignKey("documenti.DocumentoPrivato", on_delete=models.PROTECT, related_name="+")
    versione = models.PositiveSmallIntegerField(default=1)
    corrente = models.BooleanField(default=True)
    inviato = models.BooleanField("inviato", default=False)
    # When this version was sent. "ritira invio adesione" makes the versions of that sending "da
    # inviare" again (``inviato`` false) and keeps the date: the banditore had them.
    inviato_il = models.DateTimeField("inviato il", null=True, blank=True)

    class Meta:
        verbose_name = "documento dell'adesione"
        verbose_name_plural = "documenti dell'adesione"
        ordering = ["round", "codice_richiesta", "-versione"]
        constraints = [
            models.UniqueConstraint(
                fields=["adesione", "round", "codice_richiesta"],
                condition=models.Q(corrente=True),
                name="un_documento_corrente_per_richiesta",
            )
        ]

    def __str__(self):
        return f"{self.etichetta} (v{self.versione})"
