"""Snippet choosers that open only what the model's permission policy lets the user see.

Wagtail's chooser views list and return every object of the model to any admin user; the choosers
of the contracts' records (adesioni, ordinativi) and of the incarichi go through the policy that
is registered for the model (``wagtail.permissions.register_permission_policy``)."""

from django.http import Http404
from wagtail.admin.auth import permission_denied
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser

AZIONI_SCELTA = ("view", "change")


class FiltroPolicyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not self.policy_scelta.user_has_any_permission(request.user, AZIONI_SCELTA):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def policy_scelta(self):
        return policy_registry.get_by_type(self.model_class)

    def oggetti_visibili(self):
        return self.policy_scelta.instances_user_has_any_permission_for(self.request.user, AZIONI_SCELTA)


class ChooseView(FiltroPolicyMixin, chooser.ChooseView):
    def get_object_list(self):
        return self.oggetti_visibili()


class ChooseResultsView(FiltroPolicyMixin, chooser.ChooseResultsView):
    def get_object_list(self):
        return self.oggetti_visibili()


class ChosenView(FiltroPolicyMixin, chooser.SnippetChosenView):
    def get_object(self, pk):
        try:
            return self.oggetti_visibili().get(pk=pk)
        except (self.model_class.DoesNotExist, ValueError) as e:
            raise Http404 from e


class ChosenMultipleView(FiltroPolicyMixin, chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        richiesti = set(pks)
        oggetti = list(self.oggetti_visibili().filter(pk__in=[pk for pk in richiesti if str(pk).isdigit()]))
        if len(oggetti) != len(richiesti):  # as ChosenView: an object the user cannot see is not found
            raise Http404
        return oggetti


class SnippetChooserViewSetPerPolicy(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
