from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from sct_site.cache.instradamento import RestrizioniInCacheMixin, pubbliche

from .blocks import CorpoBlock


class DocumentazioneIndexPage(RestrizioniInCacheMixin, Page):
    intro = RichTextField("introduzione", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["documentazione.DocumentazionePage"]
    max_count = 1

    class Meta:
        verbose_name = "indice della documentazione"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["pagine"] = pubbliche(DocumentazionePage.objects.child_of(self).live()).order_by("path")
        return context


class DocumentazionePage(RestrizioniInCacheMixin, Page):
    class Categoria(models.TextChoices):
        GUIDA = "guida", "Guida"
        FAQ = "faq", "FAQ"
        ISTRUZIONI = "istruzioni", "Istruzioni"
        MODELLI = "modelli", "Modelli"

    categoria = models.CharField("categoria", max_length=12, choices=Categoria.choices, default=Categoria.GUIDA)
    sommario = models.CharField("sommario", max_length=500, blank=True)
    corpo = StreamField(CorpoBlock(), verbose_name="contenuto", blank=True)

    content_panels = Page.content_panels + [FieldPanel("categoria"), FieldPanel("sommario"), FieldPanel("corpo")]
    search_fields = Page.search_fields + [index.SearchField("sommario"), index.SearchField("corpo")]
    parent_page_types = ["documentazione.DocumentazioneIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "pagina di documentazione"
        verbose_name_plural = "pagine di documentazione"
