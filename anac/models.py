import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class EsitoANAC(models.TextChoices):
    """The outcome of a call as ANAC states it (``OK``, ``KO``, ``WT``), or ``ERRORE`` when no answer
    came. Not to be confused with ``esiti.models.Esito``, the published esito of an affidamento."""

    OK = "OK", "Positivo"
    KO = "KO", "Negativo"
    WT = "WT", "In attesa"
    ERRORE = "ERRORE", "Errore di comunicazione"


class OperazioneANAC(models.Model):
    """An ANAC call to run (and retry) in the background, exactly once.

    ``chiave`` is the idempotency key chosen by the domain (e.g. ``ordinativo:42:conferma-appalto:1``):
    asking twice for the same key returns the same operation; once it is terminal (``ok``, ``ko``,
    ``errore``) the task never calls ANAC again for it. When it ends, the task calls the handler
    registered for the owner's kind (``anac.registro``) in the same DB transaction that records the
    end, so the domain state and the operation change together.
    """

    class Stato(models.TextChoices):
        IN_CODA = "in_coda", "In coda"
        IN_CORSO = "in_corso", "In corso"
        OK = "ok", "Completata"
        KO = "ko", "Rifiutata da ANAC"
        ERRORE = "errore", "Non riuscita"

    TERMINALI = (Stato.OK, Stato.KO, Stato.ERRORE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chiave = models.CharField("chiave di idempotenza", max_length=200, unique=True)
    servizio = models.CharField("servizio ANAC", max_length=50)
    parametri = models.JSONField("parametri", default=dict, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    oggetto = GenericForeignKey("content_type", "object_id")
    contratto_id = models.BigIntegerField("contratto", null=True, blank=True, db_index=True)
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    codice_fiscale = models.CharField("codice fiscale di chi opera", max_length=16, blank=True)
    stato = models.CharField("stato", max_length=10, choices=Stato.choices, default=Stato.IN_CODA, db_index=True)
    esito = models.CharField("esito ANAC", max_length=6, choices=EsitoANAC.choices, blank=True)
    risultato = models.JSONField("risposta di ANAC", null=True, blank=True)
    codice_errore = models.CharField("codice errore", max_length=50, blank=True)
    messaggio = models.TextField("messaggio", blank=True)
    tentativi = models.PositiveSmallIntegerField("tentativi", default=0)
    max_attese = models.PositiveSmallIntegerField(
        "nuove interrogazioni se ANAC risponde WT",
        default=0,
        help_text="Per esito-operazione: quante volte ripetere l'interrogazione finché l'esito è WT.",
    )
    attese = models.PositiveSmallIntegerField("interrogazioni con esito WT", default=0)
    in_esecuzione_fino = models.DateTimeField(null=True, blank=True)
    prossimo_tentativo_il = models.DateTimeField(null=True, blank=True)
    creata_il = models.DateTimeField("creata il", default=timezone.now, db_index=True)
    aggiornata_il = models.DateTimeField("aggiornata il", auto_now=True)
    completata_il = models.DateTimeField("completata il", null=True, blank=True)

    class Meta:
        verbose_name = "operazione ANAC"
        verbose_name_plural = "operazioni ANAC"
        ordering = ["-creata_il"]
        indexes = [models.Index(fields=["content_type", "object_id", "servizio"])]

    def __str__(self):
        return f"{self.servizio} ({self.get_stato_display()})"

    @property
    def terminale(self):
        return self.stato in self.TERMINALI


class Trasmissione(models.Model):
    """The Log Trasmissioni: one row per request to ANAC and its answer, failures included."""

    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    oggetto = GenericForeignKey("content_type", "object_id")
    contratto_id = models.BigIntegerField("contratto", null=True, blank=True, db_index=True)
    operazione = models.ForeignKey(
        OperazioneANAC, on_delete=models.SET_NULL, null=True, blank=True, related_name="trasmissioni"
    )
    servizio = models.CharField("servizio", max_length=50, db_index=True)
    metodo = models.CharField("metodo", max_length=6, blank=True)
    url = models.CharField("indirizzo", max_length=500, blank=True)
    richiesta = models.JSONField("richiesta", null=True, blank=True)
    risposta = models.JSONField("risposta", null=True, blank=True)
    http_status = models.PositiveSmallIntegerField("stato HTTP", null=True, blank=True)
    esito = models.CharField("esito", max_length=6, choices=EsitoANAC.choices)
    codice_errore = models.CharField("codice errore", max_length=50, blank=True)
    messaggio = models.TextField("messaggio", blank=True)
    transitorio = models.BooleanField("errore transitorio", default=False)
    risposta_duplicata = models.BooleanField("risposta duplicata", default=False)
    durata_ms = models.PositiveIntegerField("durata (ms)", default=0)
    tentativo = models.PositiveSmallIntegerField("tentativo", default=1)
    id_appalto = models.CharField("idAppalto", max_length=64, blank=True, db_index=True)
    id_scheda = models.CharField("idScheda", max_length=64, blank=True)
    cig = models.CharField("CIG", max_length=10, blank=True)
    creato_il = models.DateTimeField("data e ora", default=timezone.now, db_index=True)
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "trasmissione ad ANAC"
        verbose_name_plural = "log trasmissioni"
        ordering = ["-creato_il", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-creato_il"])]

    def __str__(self):
        return f"{self.creato_il:%d/%m/%Y %H:%M} {self.servizio} {self.esito}"

    @property
    def etichetta_servizio(self):
        return ETICHETTE_SERVIZI.get(self.servizio, self.servizio)


ETICHETTE_SERVIZI = {
    "crea-appalto": "Crea appalto",
    "modifica-appalto": "Modifica appalto",
    "conferma-appalto": "Conferma appalto",
    "esito-operazione": "Esito operazione",
    "recupera-cig": "Recupera CIG",
    "stato-appalto": "Stato appalto",
    "ricerca-appalto": "Ricerca appalto",
    "consulta-appalto": "Consulta appalto",
    "presa-carico": "Presa in carico",
    "crea-scheda": "Crea scheda",
    "conferma-scheda": "Conferma scheda",
    "ricerca-scheda": "Ricerca scheda",
    "cancella-scheda": "Cancella scheda",
}
