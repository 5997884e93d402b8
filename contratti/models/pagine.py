from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from sct_site.cache import memorizzato
from sct_site.cache.instradamento import RestrizioniInCacheMixin, pubbliche
from sct_site.paginazione import pagina_richiesta

from ..adesioni.rotte import RotteAdesioni
from ..ordinativi.rotte import RotteOrdinativi
from ..schede.rotte import RotteSchede

valida_cig = RegexValidator(r"^[0-9A-Z]{10}$", "Il CIG è composto da 10 caratteri alfanumerici maiuscoli.")
valida_cup = RegexValidator(r"^[0-9A-Z]{15}$", "Il CUP è composto da 15 caratteri alfanumerici maiuscoli.")


class ContrattiIndexPage(RestrizioniInCacheMixin, Page):
    """ "Elenco contratti" with the manual's "parametri di ricerca"."""

    intro = RichTextField("introduzione", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["contratti.ContrattoPage"]
    parent_page_types = ["home.HomePage"]
    max_count = 1
    per_pagina = 10

    class Meta:
        verbose_name = "elenco contratti"

    def get_context(self, request, *args, **kwargs):
        from ..forms import RicercaContrattiForm  # circle: contratti.forms imports contratti.models

        context = super().get_context(request, *args, **kwargs)
        form = RicercaContrattiForm(request.GET or None)
        contratti = form.filtra(pubbliche(ContrattoPage.objects.child_of(self).live()))
        # The ordered ids of each search, once per version of the public data (the join and sort of
        # every contract otherwise); the page's contracts are then read by id.
        ids = memorizzato(
            f"contratti:elenco:{self.pk}:{form.chiave()}", lambda: list(contratti.values_list("pk", flat=True))
        )
        paginator = Paginator(ids, self.per_pagina)
        pagina, avviso, query = pagina_richiesta(paginator, request)
        per_id = contratti.order_by().in_bulk(list(pagina.object_list))
        if avviso:
            context["avviso_pagina"] = avviso
        context.update(
            form=form,
            pagina=pagina,
            contratti=[per_id[pk] for pk in pagina.object_list if pk in per_id],
            query_senza_pagina=query,
        )
        return context


class ContrattoPage(RestrizioniInCacheMixin, RotteAdesioni, RotteOrdinativi, RotteSchede, Page):
    """A contract; its member pages (adesioni, ordinativi, schede) are the routes of the mixins, declared
    in each feature's ``rotte.py``."""

    class Tipo(models.TextChoices):
        ACCORDO_QUADRO = "aq", "Accordo Quadro"
        CONVENZIONE = "convenzione", "Convenzione"

    tipo = models.CharField("tipo", max_length=12, choices=Tipo.choices, default=Tipo.ACCORDO_QUADRO)
    descrizione = RichTextField("descrizione", blank=True)
    cig = models.CharField("CIG principale", max_length=10, validators=[valida_cig])
    cup = models.CharField("CUP", max_length=15, blank=True, validators=[valida_cup])
    cpv = models.CharField("CPV", max_length=12, blank=True, help_text="Es. 72000000-5")
    banditore = models.ForeignKey(
        "organizzazioni.Ente", on_delete=models.PROTECT, related_name="contratti_banditi", verbose_name="banditore"
    )
    aggiudicatario = models.ForeignKey(
        "organizzazioni.OperatoreEconomico",
        on_delete=models.PROTECT,
        related_name="contratti_aggiudicati",
        verbose_name="aggiudicatario",
    )
    importo_massimale = models.DecimalField(
        "importo del contratto (massimale)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    data_stipula = models.DateField("data di stipula", null=True, blank=True)
    data_decorrenza = models.DateField("decorrenza", null=True, blank=True)
    data_scadenza = models.DateField("scadenza", null=True, blank=True)
    scadenza_adesioni_suggerita = models.DateField(
        "scadenza suggerita delle adesioni",
        null=True,
        blank=True,
        help_text="Proposta come scadenza di ogni nuova adesione.",
    )
    note_scadenza = RichTextField("note sulla scadenza", blank=True)
    round_per_ordinare = models.PositiveSmallIntegerField(
        "round da approvare per ordinare",
        null=True,
        blank=True,
        help_text="L'ultimo round di adesione che deve essere approvato perché l'ente possa emettere l'ordinativo "
        "(“nuovo ordine”); i round successivi restano da inviare solo se contengono documenti obbligatori per "
        "l'ipotesi dell'adesione. Vuoto: tutti i round. Sistema Cloud Toscana: 0 (la manifestazione di interesse).",
    )
    prevede_ipotesi = models.BooleanField(
        "prevede le ipotesi A e B",
        default=False,
        help_text="Adesione in ipotesi A (proroga semplificata) o B, con i documenti “SOLO NEL CASO DI IPOTESI B” "
        "(Sistema Cloud Toscana). Senza le ipotesi ogni documento richiesto vale per tutte le adesioni.",
    )
    adeguamento_listino = models.BooleanField(
        "calcolo dell'importo con l'incremento del 4,9%",
        default=False,
        help_text="Propone il calcolo dell'importo di adesione dal piano dei fabbisogni, aumentato del 4,9% se "
        "redatto prima di aprile 2023 (decreto n. 6687 del 04/04/2023; Sistema Cloud Toscana).",
    )

    search_fields = Page.search_fields + [
        index.SearchField("descrizione"),
        index.SearchField("cig"),
        index.FilterField("tipo"),
        index.FilterField("data_scadenza"),
        index.FilterField("banditore"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("tipo"),
        FieldPanel("descrizione"),
        FieldRowPanel([FieldPanel("cig"), FieldPanel("cup"), FieldPanel("cpv")], heading="codici"),
        FieldRowPanel([FieldPanel("banditore"), FieldPanel("aggiudicatario")], heading="parti"),
        FieldPanel("importo_massimale"),
        MultiFieldPanel(
            [
                FieldPanel("data_stipula"),
                FieldPanel("data_decorrenza"),
                FieldPanel("data_scadenza"),
                FieldPanel("scadenza_adesioni_suggerita"),
                FieldPanel("note_scadenza"),
            ],
            heading="scadenza",
        ),
        InlinePanel("documenti_allegati", label="documentazione allegata"),
    ]
    procedura_panels = [
        MultiFieldPanel(
            [FieldPanel("round_per_ordinare"), FieldPanel("prevede_ipotesi"), FieldPanel("adeguamento_listino")],
            heading="iter di adesione",
        ),
        InlinePanel(
            "richieste_documenti",
            label="documenti richiesti (round di adesione e ordinativi)",
            help_text="Ogni riga è un documento richiesto in un round di adesione o per gli ordinativi di fornitura.",
        ),
        InlinePanel("utenti_abilitati", label="utenti abilitati ad operare sulla procedura"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Contratto"),
            ObjectList(procedura_panels, heading="Procedura"),
            ObjectList(Page.promote_panels, heading="Promozione"),
            ObjectList(Page.settings_panels, heading="Impostazioni"),
        ]
    )

    parent_page_types = ["contratti.ContrattiIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "contratto"
        verbose_name_plural = "contratti"
        permissions = [("gestisci_contratto", "Può gestire adesioni e ordinativi del contratto (banditore)")]

    @property
    def attivo(self):
        return self.data_scadenza is None or self.data_scadenza >= timezone.localdate()

    @property
    def stato_label(self):
        return "Attivo" if self.attivo else "Scaduto"

    @cached_property
    def _richieste(self):
        return list(self.richieste_documenti.all())

    def richieste_per_round(self):
        """{round: [RichiestaDocumento, ...]} for the adesione rounds, in order."""
        rounds = {}
        for richiesta in self._richieste:
            if richiesta.fase == RichiestaDocumento.Fase.ADESIONE:
                rounds.setdefault(richiesta.round, []).append(richiesta)
        return dict(sorted(rounds.items()))

    def richieste_ordinativo(self):
        return [r for r in self._richieste if r.fase == RichiestaDocumento.Fase.ORDINATIVO]

    @property
    def numero_round(self):
        return len(self.richieste_per_round())

    def round_adesione(self, ipotesi=""):
        """The rounds an adesione goes through: every round up to ``round_per_ordinare`` (all of them
        when it is empty); after it, only the rounds with a mandatory document for the ipotesi."""
        rounds = []
        for numero, richieste in self.richieste_per_round().items():
            if self.round_per_ordinare is None or numero <= self.round_per_ordinare:
                rounds.append(numero)
            elif any(r.obbligatorio and self.richiesta_per_ipotesi(r, ipotesi) for r in richieste):
                rounds.append(numero)
        return rounds or [0]

    def richiesta_per_ipotesi(self, richiesta, ipotesi):
        """A request marked "solo ipotesi B" applies only to ipotesi B, and only where the contract has
        the ipotesi A/B; elsewhere every request applies to every adesione."""
        return not (self.prevede_ipotesi and richiesta.solo_ipotesi_b) or ipotesi == "B"

    @property
    def round_per_ordinare_effettivo(self):
        """The round whose approval allows ordering (the last round when the field is empty)."""
        if self.round_per_ordinare is not None:
            return self.round_per_ordinare
        rounds = self.richieste_per_round()
        return max(rounds) if rounds else 0

    def get_context(self, request, *args, **kwargs):
        from ..tabs import contesto_tabs  # circle: contratti.tabs imports the services, which import contratti.models

        context = super().get_context(request, *args, **kwargs)
        context.update(contesto_tabs(self, request))
        return context


class DocumentoAllegato(Orderable):
    contratto = ParentalKey(ContrattoPage, on_delete=models.CASCADE, related_name="documenti_allegati")
    titolo = models.CharField("titolo", max_length=255)
    documento = models.ForeignKey("wagtaildocs.Document", on_delete=models.PROTECT, related_name="+")
    descrizione = models.CharField("descrizione", max_length=500, blank=True)

    panels = [FieldPanel("titolo"), FieldPanel("documento"), FieldPanel("descrizione")]

    class Meta(Orderable.Meta):
        verbose_name = "documento allegato"
        verbose_name_plural = "documentazione allegata"


class RichiestaDocumento(Orderable):
    """A document requested in an adesione round, or for every ordinativo."""

    class Fase(models.TextChoices):
        ADESIONE = "adesione", "Adesione (round)"
        ORDINATIVO = "ordinativo", "Ordinativo di fornitura"

    contratto = ParentalKey(ContrattoPage, on_delete=models.CASCADE, related_name="richieste_documenti")
    fase = models.CharField("fase", max_length=10, choices=Fase.choices, default=Fase.ADESIONE)
    round = models.PositiveSmallIntegerField("round", default=0, help_text="Solo per la fase di adesione: 0, 1, …")
    codice = models.SlugField(
        "codice", max_length=50, help_text="Identificativo stabile, es. manifestazione-interesse, piano-fabbisogni."
    )
    etichetta = models.CharField("etichetta", max_length=255)
    descrizione = models.CharField("descrizione", max_length=500, blank=True)
    obbligatorio = models.BooleanField("obbligatorio", default=True)
    solo_ipotesi_b = models.BooleanField("solo ipotesi B", default=False)
    firma_digitale = models.BooleanField("firmato digitalmente", default=True)

    panels = [
        FieldRowPanel([FieldPanel("fase"), FieldPanel("round")]),
        FieldPanel("codice"),
        FieldPanel("etichetta"),
        FieldPanel("descrizione"),
        FieldRowPanel([FieldPanel("obbligatorio"), FieldPanel("solo_ipotesi_b"), FieldPanel("firma_digitale")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "documento richiesto"
        verbose_name_plural = "documenti richiesti"

    def __str__(self):
        return self.etichetta


class UtenteAbilitato(Orderable):
    """A user of the banditore allowed to act on this contract (e.g. the RUP dell'AQ)."""

    class Ruolo(models.TextChoices):
        RUP = "rup", "RUP dell'accordo quadro"
        OPERATORE = "operatore", "Operatore del banditore"

    contratto = ParentalKey(ContrattoPage, on_delete=models.CASCADE, related_name="utenti_abilitati")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contratti_abilitati")
    ruolo = models.CharField("ruolo", max_length=10, choices=Ruolo.choices, default=Ruolo.RUP)

    panels = [FieldPanel("user"), FieldPanel("ruolo")]

    class Meta(Orderable.Meta):
        verbose_name = "utente abilitato"
        verbose_name_plural = "utenti abilitati"

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} ({self.get_ruolo_display()})"
