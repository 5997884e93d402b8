import functools

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.models import Task, TaskState, WorkflowContentType

from contratti.permessi import e_banditore

from .adesioni import Adesione
from .ordinativi import Ordinativo


def _form_commento(nome, **campo):
    """Wagtail's task comment form with our own "comment" field (label, required, help, errors)."""
    from wagtail.forms import TaskStateCommentForm  # wagtail.forms needs the app registry ready

    class Form(TaskStateCommentForm):
        comment = forms.CharField(max_length=4000, **campo)

    Form.__name__ = Form.__qualname__ = nome
    return Form


@functools.cache
def form_motivo_rifiuto():
    return _form_commento(
        "MotivoRifiutoForm",
        label="Motivo della mancata approvazione",
        required=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indica il motivo della mancata approvazione."},
    )


@functools.cache
def form_conferma_approvazione():
    return _form_commento(
        "ConfermaApprovazioneForm",
        label="Nota (facoltativa)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Confermi l'approvazione? La nota resta nello storico e nel registro di audit.",
    )


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
        return e_banditore(user, obj.contratto)

    def user_can_access_editor(self, obj, user):
        return self._e_banditore(obj, user)

    def locked_for_user(self, obj, user):
        return True

    def get_actions(self, obj, user):
        if self._e_banditore(obj, user):
            # Both open a dialog: approval asks for confirmation (also from the dashboard's menu).
            return [("approve", "Approva", True), ("reject", "Non approvare", True)]
        return []

    def get_form_for_action(self, action):
        if action == "reject":
            return form_motivo_rifiuto()
        if action == "approve":
            return form_conferma_approvazione()
        return super().get_form_for_action(action)

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
        from organizzazioni.permessi import contratti_gestiti_ids  # guardian's models: not while models load

        contratti = contratti_gestiti_ids(user)
        condizione = Q(pk__in=[])
        for modello in (Adesione, Ordinativo):
            ids = modello.objects.filter(contratto__in=contratti).values_list("pk", flat=True)
            condizione |= Q(
                workflow_state__base_content_type=ContentType.objects.get_for_model(modello),
                workflow_state__object_id__in=[str(pk) for pk in ids],
            )
        return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).filter(condizione)


def workflow_di(modello):
    """The active workflow attached to ``modello`` (adesioni, ordinativi), or None."""

    wct = (
        WorkflowContentType.objects.filter(content_type=ContentType.objects.get_for_model(modello))
        .select_related("workflow")
        .first()
    )
    return wct.workflow if wct is not None and wct.workflow.active else None
