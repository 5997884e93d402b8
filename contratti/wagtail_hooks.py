from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView

from sct_site.rotte import url_rotta

from .adesioni.services import massimale, supera_massimale
from .admin_per_oggetto import (
    CampoImporto,
    EliminaMultiplaPerContratto,
    PolicyBanditore,
    RiepilogoPanel,
    SnippetViewSetPerContratto,
    colonna_importo,
    menu_azioni_solo_workflow,
    sola_lettura,
)
from .models import Adesione, Ordinativo


def _contesto_adesione(adesione):
    contratto = adesione.contratto
    tutti = list(adesione.documenti.select_related("documento").order_by("round", "codice_richiesta", "-versione"))
    for d in tutti:
        d.url = url_rotta(contratto, "adesione_documento", adesione.pk, d.pk)
    return {
        "adesione": adesione,
        "massimale": massimale(contratto),
        "supera_massimale": supera_massimale(adesione),
        "documenti": [d for d in tutti if d.corrente],
        "storico": [d for d in tutti if not d.corrente],
        "url_riepilogo": url_rotta(contratto, "adesione_riepilogo", adesione.pk),
    }


register_permission_policy(Adesione, PolicyBanditore(Adesione))


class IndiceAdesioni(IndexView):
    """The list leaves out the adesioni eliminated by the ente (kept for the audit because they were
    sent) unless the filter "Stato" asks for them; each one stays readable through its own views."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        filtri = self.filters
        stato = filtri.form.cleaned_data.get("stato") if filtri is not None and filtri.is_valid() else None
        if stato != Adesione.Stato.ELIMINATA:
            queryset = queryset.exclude(stato=Adesione.Stato.ELIMINATA)
        return queryset


class AdesioneViewSet(SnippetViewSetPerContratto):
    model = Adesione
    index_view_class = IndiceAdesioni
    icon = "tasks"
    menu_label = "Adesioni"
    menu_order = 210
    femminile = True
    list_display = [
        "codice",
        "ente",
        "contratto",
        "ipotesi",
        colonna_importo("importo", "Importo di adesione"),
        "round_corrente",
        "stato",
        "inviata_il",
    ]
    list_filter = ["stato", "ipotesi"]
    # "Controlla": the record's data, not Wagtail's publication fields (live, go live at, …).
    inspect_view_fields = [
        "codice",
        "contratto",
        "ente",
        "ipotesi",
        "importo",
        "scadenza",
        "stato",
        "round_corrente",
        "inviata_il",
    ]
    search_fields = ["codice"]
    edit_handler = ObjectList(
        [
            RiepilogoPanel("contratti/admin/riepilogo_adesione.html", _contesto_adesione, heading="Riepilogo"),
            sola_lettura("codice"),
            sola_lettura("ente"),
            sola_lettura("ipotesi"),
            CampoImporto("importo"),
            sola_lettura("scadenza"),
            sola_lettura("stato"),
            sola_lettura("round_corrente"),
        ]
    )


register_snippet(AdesioneViewSet)


def _contesto_ordinativo(ordinativo):
    contratto = ordinativo.contratto

    def url(nome, *args):
        return url_rotta(contratto, nome, ordinativo.pk, *args)

    documenti = list(ordinativo.documenti.filter(corrente=True).select_related("documento"))
    for d in documenti:
        d.url = url("ordinativo_documento", d.pk)
    return {
        "o": ordinativo,
        "righe": list(ordinativo.righe.all()),
        "documenti": documenti,
        "url_scheda": url("ordinativo_documento", 0) if ordinativo.scheda_firmata_id else "",
        "url_riepilogo": url("ordinativo_passo3"),
        "url_log": url("ordinativo_log"),
    }


register_permission_policy(Ordinativo, PolicyBanditore(Ordinativo))


class OrdinativoViewSet(SnippetViewSetPerContratto):
    model = Ordinativo
    icon = "doc-full-inverse"
    menu_label = "Ordinativi"
    menu_order = 220
    list_display = [
        "codice",
        "ente",
        "contratto",
        "cig_derivato",
        colonna_importo("importo_totale", "Importo totale dell'ordine (lotto)"),
        "stato",
        "inviato_il",
    ]
    list_filter = ["stato"]
    search_fields = ["codice", "cig_derivato", "oggetto"]
    inspect_view_fields = [
        "codice",
        "contratto",
        "ente",
        "adesione",
        "oggetto",
        "importo_totale",
        "cig_derivato",
        "stato",
        "inviato_il",
    ]
    edit_handler = ObjectList(
        [
            RiepilogoPanel("contratti/admin/riepilogo_ordinativo.html", _contesto_ordinativo, heading="Riepilogo"),
            sola_lettura("codice"),
            sola_lettura("ente"),
            sola_lettura("oggetto"),
            CampoImporto("importo_totale"),
            sola_lettura("cig_derivato"),
            sola_lettura("stato"),
        ]
    )


register_snippet(OrdinativoViewSet)


# After Wagtail's own registration (same model and action type: the later one wins).
@hooks.register("register_bulk_action", order=100)
class EliminaMultiplaAdesioniOrdinativi(EliminaMultiplaPerContratto):
    models = [Adesione, Ordinativo]


hooks.register("construct_snippet_action_menu", menu_azioni_solo_workflow)
