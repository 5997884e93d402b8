"""Messages inside a contract, between parties, and their per-user delivery records.

A message goes from a *party* (the contract's banditore, an ente aderente, the OE aggiudicatario,
or the system for automatic notifications) to one or more parties: the banditore, the OE, a set
of enti (one, or every aderente of the contract), or specific users (automatic notifications
only). Who may read a message is derived from those parties at reading time (a colleague who joins
an ente later sees its history); who received it, and when it was delivered, e-mailed and read,
is recorded per user in ``Consegna`` at sending time.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Parte(models.TextChoices):
    BANDITORE = "banditore", "CdC_Banditore"
    ENTE = "ente", "Ente aderente"
    OPERATORE = "operatore", "OE aggiudicatario"
    SISTEMA = "sistema", "Sistema (notifica automatica)"


class Messaggio(models.Model):
    class Tipo(models.TextChoices):
        COMUNICAZIONE = "comunicazione", "Comunicazione"
        CHIARIMENTO = "chiarimento", "Chiarimento"

    contratto = models.ForeignKey(
        "contratti.ContrattoPage", on_delete=models.CASCADE, related_name="messaggi", verbose_name="contratto"
    )
    tipo = models.CharField("tipo", max_length=15, choices=Tipo.choices, default=Tipo.COMUNICAZIONE)
    oggetto = models.CharField("oggetto", max_length=255)
    testo = models.TextField("testo")
    automatica = models.BooleanField("notifica automatica", default=False)
    evento = models.CharField("evento", max_length=50, blank=True, db_index=True)
    creato_il = models.DateTimeField("inviato il", default=timezone.now, db_index=True)

    # sender
    mittente_parte = models.CharField("parte mittente", max_length=10, choices=Parte.choices)
    mittente_ente = models.ForeignKey(
        "organizzazioni.Ente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ente mittente",
    )
    mittente_utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="utente mittente",
    )

    # recipients (parties)
    dest_banditore = models.BooleanField("al CdC_Banditore", default=False)
    dest_operatore = models.BooleanField("all'OE aggiudicatario", default=False)
    dest_tutti_aderenti = models.BooleanField("a tutti gli enti aderenti", default=False)
    dest_enti = models.ManyToManyField(
        "organizzazioni.Ente", blank=True, related_name="+", verbose_name="enti destinatari"
    )
    dest_utenti = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="utenti destinatari"
    )

    # thread
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messaggi_thread",
        verbose_name="primo messaggio della conversazione",
    )
    risposta_a = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="risposte", verbose_name="in risposta a"
    )

    # what an automatic notification is about
    riferimento_tipo = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    riferimento_id = models.CharField(max_length=64, blank=True)
    riferimento = GenericForeignKey("riferimento_tipo", "riferimento_id")

    class Meta:
        verbose_name = "messaggio"
        verbose_name_plural = "messaggi"
        ordering = ["-creato_il", "-pk"]
        indexes = [models.Index(fields=["contratto", "creato_il"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mittente_parte="ente") | models.Q(mittente_ente__isnull=False),
                name="messaggio_ente_mittente",
            )
        ]

    def __str__(self):
        return self.oggetto

    @property
    def radice(self):
        return self.thread if self.thread_id else self

    @property
    def radice_id(self):
        return self.thread_id or self.pk

    @property
    def mittente_etichetta(self):
        if self.mittente_parte == Parte.ENTE:
            return str(self.mittente_ente)
        if self.mittente_parte == Parte.OPERATORE:
            return f"OE aggiudicatario – {self.contratto.aggiudicatario}"
        return self.get_mittente_parte_display()

    @property
    def mittente_persona(self):
        if self.mittente_utente is None:
            return ""
        return self.mittente_utente.get_full_name() or self.mittente_utente.get_username()

    def destinatari_etichette(self):
        """Every recipient party, for the sender and the banditore."""
        etichette = []
        if self.dest_banditore:
            etichette.append(Parte.BANDITORE.label)
        if self.dest_operatore:
            etichette.append(f"OE aggiudicatario – {self.contratto.aggiudicatario}")
        if self.dest_tutti_aderenti:
            etichette.append(f"Tutti gli enti aderenti ({self.dest_enti.count()})")
        else:
            etichette.extend(str(e) for e in self.dest_enti.all())
        etichette.extend(u.get_full_name() or u.get_username() for u in self.dest_utenti.all())
        return etichette


class Consegna(models.Model):
    """One recipient user of a message: delivered in the site, e-mailed, read."""

    class StatoEmail(models.TextChoices):
        IN_CODA = "in_coda", "In invio"
        INVIATA = "inviata", "Inviata"
        ERRORE = "errore", "Invio non riuscito"
        RIEPILOGO = "riepilogo", "Nel riepilogo giornaliero"
        NESSUN_INDIRIZZO = "nessun_indirizzo", "Nessun indirizzo e-mail"

    messaggio = models.ForeignKey(Messaggio, on_delete=models.CASCADE, related_name="consegne")
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consegne_comunicazioni"
    )
    consegnato_il = models.DateTimeField("consegnato il", default=timezone.now)
    letto_il = models.DateTimeField("letto il", null=True, blank=True)
    email_stato = models.CharField("e-mail", max_length=20, choices=StatoEmail.choices, default=StatoEmail.IN_CODA)
    email_indirizzo = models.EmailField("indirizzo e-mail", blank=True)
    email_inviata_il = models.DateTimeField("e-mail inviata il", null=True, blank=True)
    email_tentativi = models.PositiveSmallIntegerField("tentativi di invio", default=0)
    email_errore = models.TextField("ultimo errore di invio", blank=True)
    email_id_esp = models.CharField("identificativo del fornitore e-mail", max_length=255, blank=True)

    class Meta:
        verbose_name = "consegna"
        verbose_name_plural = "consegne"
        ordering = ["messaggio", "utente__last_name", "utente__username"]
        constraints = [models.UniqueConstraint(fields=["messaggio", "utente"], name="consegna_unica")]
        indexes = [models.Index(fields=["utente", "letto_il"]), models.Index(fields=["email_stato"])]

    def __str__(self):
        return f"{self.messaggio} → {self.utente}"


class Allegato(models.Model):
    """A private attachment of a message: a ``documenti.DocumentoPrivato`` validated by content,
    served only to who may read the message."""

    messaggio = models.ForeignKey(Messaggio, on_delete=models.CASCADE, related_name="allegati")
    documento = models.ForeignKey("documenti.DocumentoPrivato", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "allegato"
        verbose_name_plural = "allegati"
        ordering = ["pk"]

    def __str__(self):
        return self.documento.nome_originale

    @property
    def nome(self):
        return self.documento.nome_originale


class ChiarimentoPubblicato(models.Model):
    """A question and its answer published by the banditore in the contract's public "Chiarimenti" tab.

    Anonymised: it stores no reference to the asker that the public page could show; the link to the
    original conversation is for the banditore only.
    """

    contratto = models.ForeignKey(
        "contratti.ContrattoPage", on_delete=models.CASCADE, related_name="chiarimenti_pubblicati"
    )
    conversazione = models.OneToOneField(
        Messaggio, on_delete=models.SET_NULL, null=True, blank=True, related_name="pubblicazione"
    )
    domanda = models.TextField("domanda")
    risposta = models.TextField("risposta")
    pubblicato_il = models.DateTimeField("pubblicato il", default=timezone.now)
    pubblicato_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "chiarimento pubblicato"
        verbose_name_plural = "chiarimenti pubblicati"
        ordering = ["-pubblicato_il", "-pk"]

    def __str__(self):
        return self.domanda[:80]
