from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin_per_oggetto import PolicyBanditore, RiepilogoPanel, SnippetViewSetPerContratto
from .models import Adesione


def _contesto_adesione(adesione):
    from .adesioni.services import massimale, supera_massimale

    contratto = adesione.contratto
    documenti = list(adesione.documenti.filter(corrente=True).select_related("documento"))
    for d in documenti:
        d.url = contratto.url + contratto.reverse_subpage("adesione_documento", args=(adesione.pk, d.pk))
    return {
        "adesione": adesione,
        "massimale": massimale(contratto),
        "supera_massimale": supera_massimale(adesione),
        "documenti": documenti,
        "url_riepilogo": contratto.url + contratto.reverse_subpage("adesione_riepilogo", args=(adesione.pk,)),
    }


register_permission_policy(Adesione, PolicyBanditore(Adesione))


class AdesioneViewSet(SnippetViewSetPerContratto):
    model = Adesione
    icon = "tasks"
    menu_label = "Adesioni"
    menu_order = 210
    list_display = ["codice", "ente", "contratto", "ipotesi", "importo", "round_corrente", "stato", "inviata_il"]
    list_filter = ["stato", "ipotesi"]
    search_fields = ["codice"]
    edit_handler = ObjectList(
        [
            RiepilogoPanel("contratti/admin/riepilogo_adesione.html", _contesto_adesione, heading="Riepilogo"),
            FieldPanel("codice", read_only=True),
            FieldPanel("ente", read_only=True),
            FieldPanel("ipotesi", read_only=True),
            FieldPanel("importo", read_only=True),
            FieldPanel("scadenza", read_only=True),
            FieldPanel("stato", read_only=True),
            FieldPanel("round_corrente", read_only=True),
        ]
    )


register_snippet(AdesioneViewSet)
