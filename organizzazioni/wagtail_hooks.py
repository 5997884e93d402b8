from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from sct_site.admin_scelta import SnippetChooserViewSetPerPolicy

from .forms import IncaricoForm
from .models import Ente, Incarico, OperatoreEconomico


class EnteViewSet(SnippetViewSet):
    model = Ente
    icon = "group"
    menu_label = "Enti"
    list_display = ["denominazione", "codice_fiscale", "pec"]
    search_fields = ["denominazione", "codice_fiscale"]


class OperatoreViewSet(SnippetViewSet):
    model = OperatoreEconomico
    icon = "site"
    menu_label = "Operatori economici"
    list_display = ["denominazione", "codice_fiscale", "pec", "raggruppamento"]
    search_fields = ["denominazione", "codice_fiscale"]


class IncaricoViewSet(SnippetViewSet):
    model = Incarico
    icon = "user"
    menu_label = "Incarichi"
    # Who works where and in which role: only for who manages the incarichi (the editorial staff).
    chooser_viewset_class = SnippetChooserViewSetPerPolicy
    list_display = ["user", "ruolo", "ente", "operatore"]
    list_filter = ["ruolo"]
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("ente"), FieldPanel("operatore"), FieldPanel("ruolo")],
        base_form_class=IncaricoForm,
    )


class OrganizzazioniGroup(SnippetViewSetGroup):
    items = (EnteViewSet, OperatoreViewSet, IncaricoViewSet)
    menu_icon = "group"
    menu_label = "Organizzazioni"
    menu_name = "organizzazioni"


register_snippet(OrganizzazioniGroup)
