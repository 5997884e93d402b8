from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class AggiudicazioniIndexPage(Page):
    """"Aggiudicazioni e affidamenti": the published esiti."""

    intro = RichTextField("introduzione", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "aggiudicazioni e affidamenti"
