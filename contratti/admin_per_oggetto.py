"""Snippets of a contract's records (adesioni, ordinativi) in the Wagtail admin, per object.

Wagtail's snippet views check only model-wide permissions; here every view of the viewset opens
only objects of contracts the user is banditore of, and the index lists only those. The banditore
decides through the workflow actions; the records are read-only in the admin."""

from django.http import Http404
from django.shortcuts import get_list_or_404
from guardian.shortcuts import get_objects_for_user
from wagtail.admin.auth import permission_denied
from wagtail.admin.panels import Panel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from sct_site.admin_scelta import SnippetChooserViewSetPerPolicy

from .permessi import PERM_GESTISCI, e_banditore

AZIONI_LETTURA = {"view", "change"}


def contratti_gestiti(user):
    from .models import ContrattoPage

    if not user.is_authenticated or not user.is_active:
        return ContrattoPage.objects.none()
    return get_objects_for_user(user, PERM_GESTISCI, klass=ContrattoPage, accept_global_perms=False)


class PolicyBanditore(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action in AZIONI_LETTURA and contratti_gestiti(user).exists()

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in AZIONI_LETTURA and e_banditore(user, instance.contratto)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not AZIONI_LETTURA & set(actions):
            return self.model.objects.none()
        return self.model.objects.filter(contratto__in=contratti_gestiti(user))

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model
        from guardian.models import UserObjectPermission

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
    chooser_viewset_class = SnippetChooserViewSetPerPolicy

    def __init__(self, *args, **kwargs):
        for nome in dir(type(self)):
            if nome.endswith("_view_class") and not isinstance(getattr(type(self), nome, None), property):
                classe = getattr(self, nome)
                if isinstance(classe, type) and hasattr(classe, "get_object") and not issubclass(classe, PerOggettoMixin):
                    setattr(self, nome, type(f"PerOggetto{classe.__name__}", (PerOggettoMixin, classe), {}))
        super().__init__(*args, **kwargs)

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
