from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
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
            ContrattoPage.objects.live().public().select_related("banditore").order_by("-first_published_at")[:4]
        )
        context["sezioni"] = {
            "contratti": _figlia(self, "contratti.ContrattiIndexPage"),
            "documentazione": _figlia(self, "documentazione.DocumentazioneIndexPage"),
            "aggiudicazioni": _figlia(self, "esiti.AggiudicazioniIndexPage"),
        }
        return context


def _figlia(page, model_label):
    from django.apps import apps

    model = apps.get_model(model_label)
    return model.objects.child_of(page).live().first()
