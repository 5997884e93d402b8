from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from wagtail.models import DraftStateMixin, RevisionMixin, WorkflowMixin

from organizzazioni.validators import valida_codice_fiscale

CENTESIMO = Decimal("0.01")


class Ordinativo(WorkflowMixin, DraftStateMixin, RevisionMixin, models.Model):
    """An ordinativo di fornitura (atto di adesione / contratto attuativo) with its derived CIG."""

    class Stato(models.TextChoices):
        BOZZA = "bozza", "Bozza"
        CONFERMA_IN_CORSO = "conferma_in_corso", "Conferma appalto in corso"
        APPALTO_CONFERMATO = "appalto_confermato", "Appalto confermato"
        CIG_ACQUISITO = "cig_acquisito", "CIG acquisito"
        INVIATO = "inviato", "Inviato"
        APPROVATO = "approvato", "Approvato"
        RIFIUTATO = "rifiutato", "Rifiutato"
        CHIUSO = "chiuso", "Chiuso dall'ente"
        ANNULLATO = "annullato", "Annullato"

    class Categoria(models.TextChoices):
        SERVIZI = "FS", "Fornitura di servizi"
        BENI = "FB", "Fornitura di beni"

    class Finanziamento(models.TextChoices):
        BILANCIO_SA = "A", "Fondi di bilancio della stazione appaltante"
        BILANCIO_AMMINISTRAZIONE = "B", "Fondi di bilancio dell'amministrazione competente"
        COMUNITARIO = "C01", "Entrate con destinazione vincolata – pubblica comunitaria"
        NAZIONALE = "C02", "Entrate con destinazione vincolata – pubblica nazionale centrale"
        REGIONALE = "C03", "Entrate con destinazione vincolata – pubblica nazionale regionale"
        MUTUO = "D", "Mutuo"
        ALTRO = "I", "Altro"

    class Tracciabilita(models.TextChoices):
        MANDATARIA = "mandataria", "Pagamento alla sola mandataria"
        OGNI_MEMBRO = "ogni_membro", "Pagamento a ciascun soggetto del RTI"

    contratto = models.ForeignKey("contratti.ContrattoPage", on_delete=models.PROTECT, related_name="ordinativi")
    ente = models.ForeignKey("organizzazioni.Ente", on_delete=models.PROTECT, related_name="ordinativi")
    adesione = models.ForeignKey("contratti.Adesione", on_delete=models.PROTECT, related_name="ordinativi")
    anno = models.PositiveSmallIntegerField("anno")
    numero = models.PositiveIntegerField("numero")
    codice = models.CharField("codice ordinativo", max_length=14, unique=True)

    # "Richiedi CIG": the data ANAC needs for the derived CIG (scheda AD4).
    oggetto = models.CharField("oggetto", max_length=250)
    importo_totale = models.DecimalField(
        "importo totale dell'ordine (lotto)", max_digits=14, decimal_places=2, validators=[MinValueValidator(CENTESIMO)]
    )
    cpv = models.CharField(
        "CPV", max_length=12, validators=[RegexValidator(r"^\d{8}-\d$", "CPV nel formato 72000000-5.")]
    )
    codice_istat = models.CharField(
        "luogo di esecuzione (codice ISTAT)",
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", "Il codice ISTAT ha 6 cifre.")],
    )
    codice_nuts = models.CharField(
        "luogo di esecuzione (NUTS)",
        max_length=5,
        validators=[RegexValidator(r"^IT[A-Z0-9]{1,3}$", "Codice NUTS italiano, es. ITI14.")],
    )
    durata_mesi = models.PositiveSmallIntegerField("durata (mesi)", validators=[MinValueValidator(1)])
    categoria = models.CharField("categoria", max_length=2, choices=Categoria.choices, default=Categoria.SERVIZI)
    finanziamento = models.CharField(
        "finanziamento", max_length=3, choices=Finanziamento.choices, default=Finanziamento.BILANCIO_SA
    )
    cf_rup = models.CharField("codice fiscale del RUP", max_length=16, validators=[valida_codice_fiscale])
    cig_accordo_quadro = models.CharField("CIG dell'accordo quadro", max_length=10)
    data_adesione = models.DateField("data adesione")
    codice_appalto = models.CharField("codice appalto", max_length=64, unique=True, validators=[MinLengthValidator(8)])
    tracciabilita = models.CharField(
        "comunicazione dati tracciabilità",
        max_length=12,
        choices=Tracciabilita.choices,
        default=Tracciabilita.MANDATARIA,
    )

    stato = models.CharField("stato", max_length=20, choices=Stato.choices, default=Stato.BOZZA, db_index=True)
    id_appalto = models.CharField("id appalto ANAC", max_length=64, blank=True)
    cig_derivato = models.CharField("CIG derivato", max_length=10, blank=True, db_index=True)
    tentativo_conferma = models.PositiveSmallIntegerField(default=0)
    tentativo_cig = models.PositiveSmallIntegerField(default=0)
    attesa_esito = models.PositiveSmallIntegerField(default=0)
    cig_in_recupero = models.BooleanField(default=False)
    modifiche_da_trasmettere = models.BooleanField(
        "dati di Richiedi CIG da trasmettere ad ANAC",
        default=False,
        help_text="Dati modificati dopo la creazione dell'appalto su ANAC: la prossima “Conferma appalto” li invia con modifica-appalto.",
    )
    errore_anac = models.TextField("errore ANAC", blank=True)
    autenticazione_simulata = models.BooleanField(default=False)

    scheda_generata = models.ForeignKey(
        "documenti.DocumentoPrivato", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheda_firmata = models.ForeignKey(
        "documenti.DocumentoPrivato", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    creato_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    creato_il = models.DateTimeField(auto_now_add=True)
    inviato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    inviato_il = models.DateTimeField("data di invio", null=True, blank=True)
    approvato_il = models.DateTimeField("approvato il", null=True, blank=True)
    motivo_rifiuto = models.TextField("motivo del rifiuto", blank=True)
    rifiutato_il = models.DateTimeField(null=True, blank=True)
    chiuso_il = models.DateTimeField("chiuso il", null=True, blank=True)
    chiuso_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    annullato_il = models.DateTimeField(null=True, blank=True)

    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="ordinativo",
        for_concrete_model=False,
    )
    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="ordinativo",
        for_concrete_model=False,
    )

    class Meta:
        verbose_name = "ordinativo di fornitura"
        verbose_name_plural = "ordinativi di fornitura"
        ordering = ["-anno", "-numero"]
        constraints = [
            models.UniqueConstraint(fields=["anno", "numero"], name="ordinativo_numero_unico_per_anno"),
            models.UniqueConstraint(
                fields=["cig_derivato"], condition=~models.Q(cig_derivato=""), name="cig_derivato_unico"
            ),
        ]

    def __str__(self):
        return f"Ordinativo {self.codice} – {self.ente}"

    @staticmethod
    def formatta_codice(numero, anno):
        return f"O{numero:06d}/{anno}"

    @property
    def totale_righe(self):
        return sum((r.importo for r in self.righe.all()), Decimal("0.00"))

    @property
    def righe_modificabili(self):
        return self.stato == self.Stato.BOZZA

    @property
    def operazione_anac_in_corso(self):
        return self.stato == self.Stato.CONFERMA_IN_CORSO or self.cig_in_recupero

    def valutazione_approvata(self, *, utente, task_state, commento=""):
        from contratti.ordinativi.services import approva  # circle: the services import contratti.models

        approva(self, utente=utente, task_state=task_state, commento=commento)

    def valutazione_rifiutata(self, *, utente, task_state, motivo):
        from contratti.ordinativi.services import rifiuta  # circle: the services import contratti.models

        rifiuta(self, utente=utente, task_state=task_state, motivo=motivo)


class RigaOrdinativo(models.Model):
    ordinativo = models.ForeignKey(Ordinativo, on_delete=models.CASCADE, related_name="righe")
    descrizione = models.CharField("descrizione", max_length=500)
    importo_unitario = models.DecimalField(
        "importo unitario", max_digits=14, decimal_places=2, validators=[MinValueValidator(CENTESIMO)]
    )
    quantita = models.DecimalField(
        "quantità", max_digits=12, decimal_places=2, validators=[MinValueValidator(CENTESIMO)]
    )

    class Meta:
        verbose_name = "riga dell'ordine"
        verbose_name_plural = "righe dell'ordine"
        ordering = ["pk"]

    def __str__(self):
        return self.descrizione

    @property
    def importo(self):
        return (self.importo_unitario * self.quantita).quantize(CENTESIMO, rounding=ROUND_HALF_UP)


class DocumentoOrdinativo(models.Model):
    """A file of the ordinativo: the atto di adesione (aderente), or the DPA countersigned and the
    comunicazione dati tracciabilità (OE, after approval)."""

    class Caricato(models.TextChoices):
        ADERENTE = "aderente", "Ente aderente"
        OE = "oe", "Operatore economico"

    ordinativo = models.ForeignKey(Ordinativo, on_delete=models.CASCADE, related_name="documenti")
    richiesta = models.ForeignKey(
        "contratti.RichiestaDocumento", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    codice_richiesta = models.SlugField(max_length=64)
    etichetta = models.CharField("documento", max_length=255)
    documento = models.ForeignKey("documenti.DocumentoPrivato", on_delete=models.PROTECT, related_name="+")
    caricato_da = models.CharField(max_length=10, choices=Caricato.choices, default=Caricato.ADERENTE)
    versione = models.PositiveSmallIntegerField(default=1)
    corrente = models.BooleanField(default=True)
    inviato = models.BooleanField(default=False)

    class Meta:
        verbose_name = "documento dell'ordinativo"
        verbose_name_plural = "documenti dell'ordinativo"
        ordering = ["codice_richiesta", "-versione"]
        constraints = [
            models.UniqueConstraint(
                fields=["ordinativo", "codice_richiesta"],
                condition=models.Q(corrente=True),
                name="un_documento_corrente_per_richiesta_ordinativo",
            )
        ]

    def __str__(self):
        return f"{self.etichetta} (v{self.versione})"
