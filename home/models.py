from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from contratti.models import ContrattoPage
from sct_site.cache.instradamento import InstradamentoInCacheMixin, RestrizioniInCacheMixin, pubbliche


class HomePage(InstradamentoInCacheMixin, RestrizioniInCacheMixin, Page):
    intro = RichTextField("introduzione", blank=True)
    avviso = models.CharField("avviso in evidenza", max_length=500, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("avviso")]
    max_count = 1
    subpage_types = [
        "contratti.ContrattiIndexPage",
        "documentazione.DocumentazioneIndexPage",
        "esiti.AggiudicazioniIndexPage",
        "home.PaginaInformativa",
    ]

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["contratti_recenti"] = (
            pubbliche(ContrattoPage.objects.live()).select_related("banditore").order_by("-first_published_at")[:4]
        )
        figlie = {}
        for figlia in (
            Page.objects.child_of(self).live().order_by("path").only("id", "path", "url_path", "content_type_id")
        ):
            figlie.setdefault(figlia.content_type_id, figlia)
        context["sezioni"] = {
            nome: figlie.get(ContentType.objects.get_for_model(apps.get_model(modello)).pk)
            for nome, modello in (
                ("contratti", "contratti.ContrattiIndexPage"),
                ("documentazione", "documentazione.DocumentazioneIndexPage"),
                ("aggiudicazioni", "esiti.AggiudicazioniIndexPage"),
            )
        }
        return context


class PaginaInformativa(Page):
    """A page of text kept by editors: privacy notice, note legali, cookie information."""

    aggiornata_il = models.DateField("aggiornata il", null=True, blank=True)
    corpo = RichTextField("testo", features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])

    content_panels = Page.content_panels + [FieldPanel("aggiornata_il"), FieldPanel("corpo")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    template = "home/pagina_informativa.html"

    class Meta:
        verbose_name = "pagina informativa"
        verbose_name_plural = "pagine informative"


@register_setting(icon="site")
class ImpostazioniSito(BaseGenericSetting):
    """What a PA site shows in its footer (the ente's data, the mandatory links, the support)."""

    ente_nome = models.CharField("ente titolare del sito", max_length=200, default="Regione Toscana – Giunta Regionale")
    ente_indirizzo = models.CharField(
        "indirizzo", max_length=300, blank=True, default="Piazza del Duomo 10, 50122 Firenze"
    )
    ente_codice_fiscale = models.CharField(
        "codice fiscale / partita IVA", max_length=16, blank=True, default="01386030488"
    )
    ente_pec = models.EmailField("PEC", blank=True, default="regionetoscana@postacert.toscana.it")
    ente_sito = models.URLField("sito istituzionale", blank=True, default="https://www.regione.toscana.it")
    descrizione = models.CharField(
        "descrizione del sito",
        max_length=300,
        blank=True,
        default="Adesioni e ordinativi di fornitura dell'Accordo Quadro Sistema Cloud Toscana.",
    )
    supporto_telefono = models.CharField(
        "telefono del Customer Support", max_length=40, blank=True, default="055.642259"
    )
    supporto_orari = models.CharField(
        "orari del Customer Support",
        max_length=200,
        blank=True,
        default="da lunedì a venerdì dalle ore 08:30 alle ore 18:30",
    )
    supporto_email = models.EmailField("e-mail del Customer Support", blank=True, default="start.sa@pamercato.it")
    url_dichiarazione_accessibilita = models.URLField(
        "indirizzo della Dichiarazione di accessibilità",
        blank=True,
        default="https://form.agid.gov.it/",
        help_text="La dichiarazione pubblicata sul sito di AgID (form.agid.gov.it) per questo sito.",
    )
    pagina_privacy = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="informativa privacy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pagina_note_legali = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="note legali",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pagina_cookie = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="informativa cookie",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("ente_nome"),
                FieldPanel("ente_indirizzo"),
                FieldPanel("ente_codice_fiscale"),
                FieldPanel("ente_pec"),
                FieldPanel("ente_sito"),
                FieldPanel("descrizione"),
            ],
            heading="Ente titolare",
        ),
        MultiFieldPanel(
            [FieldPanel("supporto_telefono"), FieldPanel("supporto_orari"), FieldPanel("supporto_email")],
            heading="Informazioni e chiarimenti (Customer Support)",
        ),
        MultiFieldPanel(
            [
                FieldPanel("url_dichiarazione_accessibilita"),
                FieldPanel("pagina_privacy"),
                FieldPanel("pagina_note_legali"),
                FieldPanel("pagina_cookie"),
            ],
            heading="Collegamenti obbligatori",
        ),
    ]

    class Meta:
        verbose_name = "dati del sito e piè di pagina"


@register_setting(icon="list-ul")
class MenuPrincipale(ClusterableModel, BaseGenericSetting):
    """The main menu, in the editors' order ("Area riservata" is added for logged-in users)."""

    panels = [InlinePanel("voci", heading="Voci del menu", label="voce")]

    class Meta:
        verbose_name = "menu principale"


class VoceMenu(Orderable):
    menu = ParentalKey(MenuPrincipale, on_delete=models.CASCADE, related_name="voci")
    etichetta = models.CharField("etichetta", max_length=60)
    pagina = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="pagina del sito",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    indirizzo = models.CharField(
        "oppure indirizzo",
        max_length=300,
        blank=True,
        help_text="Un indirizzo del sito (che inizia con /) o esterno (https://…).",
    )

    panels = [FieldPanel("etichetta"), FieldPanel("pagina"), FieldPanel("indirizzo")]

    class Meta(Orderable.Meta):
        verbose_name = "voce del menu"
        verbose_name_plural = "voci del menu"

    def clean(self):
        super().clean()
        if bool(self.pagina_id) == bool(self.indirizzo):
            raise ValidationError("Indica una pagina del sito oppure un indirizzo, non entrambi né nessuno dei due.")
        if self.indirizzo and not (self.indirizzo.startswith("/") or self.indirizzo.startswith("https://")):
            raise ValidationError({"indirizzo": "L'indirizzo deve iniziare con / oppure con https://."})

    @property
    def href(self):
        return self.pagina.url if self.pagina_id else self.indirizzo
