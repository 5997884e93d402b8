import functools

from django import forms
from django.core.exceptions import PermissionDenied
from wagtail.models import Task, TaskState


@functools.cache
def form_motivo_rifiuto():
    from wagtail.forms import TaskStateCommentForm

    class MotivoRifiutoForm(TaskStateCommentForm):
        comment = forms.CharField(
            label="Motivo della mancata approvazione",
            required=True,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={"required": "Indica il motivo della mancata approvazione."},
        )

    return MotivoRifiutoForm


class ValutazioneBanditoreTask(Task):
    """Approval by the banditore of the record's contract (RUP dell'AQ): only users holding the
    contract's object permission see the task and may act on it. The record decides what approval
    and rejection mean (``valutazione_approvata`` / ``valutazione_rifiutata``)."""

    class Meta:
        verbose_name = "valutazione del banditore"
        verbose_name_plural = "valutazioni del banditore"

    @classmethod
    def get_description(cls):
        return "Il banditore del contratto (utenti abilitati) approva o rifiuta."

    @staticmethod
    def _e_banditore(obj, user):
        from contratti.permessi import e_banditore

        return e_banditore(user, obj.contratto)

    def user_can_access_editor(self, obj, user):
        return self._e_banditore(obj, user)

    def locked_for_user(self, obj, user):
        return True

    def get_actions(self, obj, user):
        if self._e_banditore(obj, user):
            return [("approve", "Approva", False), ("reject", "Non approvare", True)]
        return []

    def get_form_for_action(self, action):
        return form_motivo_rifiuto() if action == "reject" else super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        obj = task_state.workflow_state.content_object
        if not self._e_banditore(obj, user):
            raise PermissionDenied
        commento = kwargs.get("comment", "")
        if action_name == "approve":
            obj.valutazione_approvata(utente=user, task_state=task_state, commento=commento)
        elif action_name == "reject":
            obj.valutazione_rifiutata(utente=user, task_state=task_state, motivo=commento)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from guardian.shortcuts import get_objects_for_user

        from contratti.models import Adesione, ContrattoPage
        from contratti.permessi import PERM_GESTISCI

        if not user.is_authenticated:
            return TaskState.objects.none()
        contratti = get_objects_for_user(user, PERM_GESTISCI, klass=ContrattoPage, accept_global_perms=False)
        adesioni = Adesione.objects.filter(contratto__in=contratti).values_list("pk", flat=True)
        stati = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return stati.filter(workflow_state__object_id__in=[str(pk) for pk in adesioni])
