"""Snippets of a contract's records (adesioni, ordinativi) in the Wagtail admin, per object.

Wagtail's snippet views check only model-wide permissions; here every view of the viewset opens
only objects of contracts the user is banditore of, and the index lists only those. The banditore
decides through the workflow actions; the records are read-only in the admin."""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_list_or_404
from django.utils.functional import cached_property
from guardian.models import UserObjectPermission
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.panels import FieldPanel, Panel
from wagtail.admin.ui.components import MediaContainer
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.history import ActionColumn, HistoryFilterSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.action_menu import WorkflowMenuItem
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views.snippets import EditView, HistoryView, InspectView, SnippetViewSet

from organizzazioni.permessi import contratti_gestiti_ids
from sct_site.admin_scelta import SnippetChooserViewSetPerPolicy
from sct_site.templatetags.sct_tags import euro

from .ordinativi.permessi import INVIATI
from .permessi import PERM_GESTISCI, e_banditore

AZIONI_LETTURA = {"view", "change"}

# The banditore's words for the workflow's events, by the record's gender: (feminine, masculine).
ESITI_AZIONE = {"approve": ("approvata", "approvato"), "reject": ("non approvata", "non approvato")}
ETICHETTE_STORICO = {
    "wagtail.workflow.start": ("Inviata al banditore", "Inviato al banditore"),
    "wagtail.workflow.resume": ("Inviata di nuovo al banditore", "Inviato di nuovo al banditore"),
    "wagtail.workflow.approve": ("Approvata", "Approvato"),
    "wagtail.workflow.reject": ("Non approvata", "Non approvato"),
}
# Wagtail's technical entries (a revision saved when the record is sent, the publication that
# follows an approval, the workflow closed after a non-approval or a withdrawal): the entries above
# and the audit trail ("ritirata") already say what happened.
AZIONI_STORICO_NASCOSTE = {
    "wagtail.create",
    "wagtail.edit",
    "wagtail.publish",
    "wagtail.unpublish",
    "wagtail.revert",
    "wagtail.rename",
    "wagtail.workflow.cancel",
}


# model -> its viewset's ``femminile`` (filled by ``SnippetViewSetPerContratto``).
GENERE = {}


def parola(modello, coppia):
    """The feminine or masculine form of ``coppia`` for ``modello`` (a model or an instance)."""
    modello = modello if isinstance(modello, type) else type(modello)
    return coppia[0] if GENERE.get(modello, False) else coppia[1]


def sola_lettura(nome, **kwargs):
    return FieldPanel(nome, read_only=True, disable_comments=True, **kwargs)


class CampoImporto(FieldPanel):
    """A read-only amount in euro, Italian style (``€ 120.000,00``)."""

    def __init__(self, field_name, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("disable_comments", True)
        super().__init__(field_name, **kwargs)

    def format_value_for_display(self, value):
        return euro(value)


def colonna_importo(nome, etichetta):
    return Column(nome, label=etichetta, accessor=lambda obj: euro(getattr(obj, nome)), sort_key=nome)


def _visibili_al_banditore(modello):
    """The records of its contracts the banditore reads: every adesione, the ordinativi once sent."""
    return INVIATI if modello._meta.model_name == "ordinativo" else Q()


class PolicyBanditore(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action in AZIONI_LETTURA and bool(contratti_gestiti_ids(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if self.model._meta.model_name == "ordinativo" and instance.inviato_il is None:
            return False
        return action in AZIONI_LETTURA and e_banditore(user, instance.contratto)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not AZIONI_LETTURA & set(actions):
            return self.model.objects.none()
        return self.model.objects.filter(_visibili_al_banditore(self.model), contratto__in=contratti_gestiti_ids(user))

    def users_with_any_permission(self, actions):
        ids = UserObjectPermission.objects.filter(permission__codename=PERM_GESTISCI.split(".")[1]).values("user_id")
        return get_user_model().objects.filter(pk__in=ids, is_active=True)


class PerOggettoMixin:
    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is None:
            return obj
        policy = PolicyBanditore(type(obj))
        if not policy.user_has_any_permission_for_instance(self.request.user, AZIONI_LETTURA, obj):
            raise Http404("Oggetto non trovato.")
        return obj


class EditSolaLettura(EditView):
    """The record is read-only here. The one POST accepted is a workflow action that the current task
    offers the user, run without saving the form: Wagtail's edit view would first save the posted form
    as a new revision, which the approval then publishes. Reverting to a revision is refused (the
    revert view is built on this class)."""

    def get_object(self, queryset=None):
        # Wagtail's edit view shows the latest revision, saved when the record was sent: the state
        # changes after it (decisions, withdrawal, elimination) are only on the live record, which is
        # what this read-only view must show.
        obj = super().get_object(queryset)
        if self.view_name == "edit" and getattr(self, "live_object", None) is not None:
            return self.live_object
        return obj

    def post(self, request, *args, **kwargs):
        if self.view_name != "edit" or self.action != "workflow-action":
            return permission_denied(request)
        self.workflow_action_action()
        return self.save_action()

    def get_success_message(self, instance=None):
        # "Adesione A000001/2026 – Comune di Firenze approvata." (the name already says the kind).
        esito = ESITI_AZIONE.get(getattr(self, "workflow_action", None))
        if self.action == "workflow-action" and esito:
            obj = type(self.object).objects.get(pk=(instance or self.object).pk)
            if getattr(obj, "stato", None) == "round_approvato":
                # An adesione with more rounds: this round is approved, not the adesione.
                return f"{obj}: round {obj.round_corrente - 1} approvato."
            return f"{obj} {parola(self.model, esito)}."
        return super().get_success_message(instance)

    def get_success_buttons(self):
        return [messages.button(self.get_edit_url(), "Apri")]

    def get_side_panels(self):
        # Wagtail's status panel speaks of publication, live versions and usage: the "Riepilogo"
        # panel says the record's state in the domain's words, the history is in the header.
        return MediaContainer([])

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.autosave_enabled = False  # nothing to save: no "Salvataggio in corso…" indicator


class IspezionaDominio(InspectView):
    """The record's fields (``inspect_view_fields`` of the viewset), amounts in euro."""

    def get_field_display_value(self, field_name, field):
        if isinstance(field, models.DecimalField):
            return euro(getattr(self.object, field_name))
        return super().get_field_display_value(field_name, field)


class ColonnaAzioneStorico(ActionColumn):
    def get_value(self, instance):
        coppia = ETICHETTE_STORICO.get(instance.action)
        return parola(self.object, coppia) if coppia else instance.message

    def get_status(self, instance, parent_context):
        return None

    def get_actions(self, instance, parent_context):
        return []


class FiltriStorico(HistoryFilterSet):
    def __init__(self, *args, oggetto=None, **kwargs):
        self.oggetto = oggetto
        super().__init__(*args, **kwargs)

    def get_action_choices(self):
        presenti = set(self.queryset.get_actions())
        return [
            (azione, parola(self.oggetto, coppia)) for azione, coppia in ETICHETTE_STORICO.items() if azione in presenti
        ]


class StoricoDominio(HistoryView):
    """The record's history in the banditore's words: sent, approved, not approved (the comment is the
    reason), without Wagtail's revisions and publications."""

    filterset_class = FiltriStorico

    def get_base_queryset(self):
        return super().get_base_queryset().exclude(action__in=AZIONI_STORICO_NASCOSTE)

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "oggetto": self.object}

    @cached_property
    def columns(self):
        colonne = super().columns
        vecchia = colonne[0]
        colonne[0] = ColonnaAzioneStorico(
            "message", label="Azione", object=self.object, url_names=vecchia.url_names, user_can_unschedule=False
        )
        return colonne


class EliminaMultiplaPerContratto(DeleteBulkAction):
    """Wagtail's bulk delete names every selected record, also those the user may not see. Here it
    looks only among the records the user reads (and nobody may delete them: ``PolicyBanditore``)."""

    def get_queryset(self, model, object_ids):
        visibili = PolicyBanditore(model).instances_user_has_any_permission_for(self.request.user, AZIONI_LETTURA)
        return get_list_or_404(visibili, pk__in=[pk for pk in object_ids if str(pk).isdigit()])


class SnippetViewSetPerContratto(SnippetViewSet):
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    edit_view_class = EditSolaLettura
    history_view_class = StoricoDominio
    inspect_view_class = IspezionaDominio
    chooser_viewset_class = SnippetChooserViewSetPerPolicy
    femminile = False  # gender of the record's name, for the messages ("approvata" / "approvato")

    def __init__(self, *args, **kwargs):
        for nome in dir(type(self)):
            if nome.endswith("_view_class") and not isinstance(getattr(type(self), nome, None), property):
                classe = getattr(self, nome)
                if (
                    isinstance(classe, type)
                    and hasattr(classe, "get_object")
                    and not issubclass(classe, PerOggettoMixin)
                ):
                    setattr(self, nome, type(f"PerOggetto{classe.__name__}", (PerOggettoMixin, classe), {}))
        super().__init__(*args, **kwargs)
        GENERE[self.model] = self.femminile

    def get_queryset(self, request):
        return PolicyBanditore(self.model).instances_user_has_any_permission_for(request.user, AZIONI_LETTURA)


class RiepilogoPanel(Panel):
    """A read-only summary rendered by a template of the record (documents, massimale, warnings)."""

    def __init__(self, template_name, context_fn, **kwargs):
        super().__init__(**kwargs)
        self.template_name = template_name
        self.context_fn = context_fn

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs.update(template_name=self.template_name, context_fn=self.context_fn)
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        @property
        def template_name(self):
            return self.panel.template_name

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            if self.instance is not None and self.instance.pk:
                context.update(self.panel.context_fn(self.instance))
            return context


def menu_azioni_solo_workflow(menu_items, request, context):
    """``construct_snippet_action_menu`` hook: on the records of a contract the footer offers only the
    workflow's decisions, with the task's own labels ("Approva", not Wagtail's "Approva e Pubblica"):
    no save, submit, publish or cancel (the record is read-only, ``EditSolaLettura``)."""
    if context.get("model") not in GENERE:
        return
    istanza = context.get("instance")
    task = istanza.current_workflow_task if istanza is not None else None
    etichette = {nome: etichetta for nome, etichetta, _ in task.get_actions(istanza, request.user)} if task else {}
    tenuti = [item for item in menu_items if isinstance(item, WorkflowMenuItem) and item.name in etichette]
    for item in tenuti:
        item.label = etichette[item.name]
    menu_items[:] = tenuti
