from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

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
    ]

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        from contratti.models import ContrattoPage

        context = super().get_context(request, *args, **kwargs)
        context["contratti_recenti"] = (
            pubbliche(ContrattoPage.objects.live()).select_related("banditore").order_by("-first_published_at")[:4]
        )
        figlie = {}
        for figlia in Page.objects.child_of(self).live().order_by("path").only("id", "path", "url_path", "content_type_id"):
            figlie.setdefault(figlia.content_type_id, figlia)
        context["sezioni"] = {
            nome: figlie.get(ContentType.objects.get_for_model(apps.get_model(modello)).pk)
            for nome, modello in (("contratti", "contratti.ContrattiIndexPage"),
                                  ("documentazione", "documentazione.DocumentazioneIndexPage"),
                                  ("aggiudicazioni", "esiti.AggiudicazioniIndexPage"))
        }
        return context
