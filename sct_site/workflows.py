"""Workflow finish action for moderated records (adesioni, ordinativi).

Wagtail's default finish action publishes with a model-wide permission check, which fails for a
banditore who holds only the object permission. The approving task has already checked that
permission, so the finish action publishes without the model-wide check and then lets the model
react (``on_workflow_approved``) inside the same transaction.
"""


def finish_workflow(workflow_state, user=None):
    obj = workflow_state.content_object
    revision = obj.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
    obj = revision.content_object.__class__.objects.get(pk=obj.pk)
    hook = getattr(obj, "on_workflow_approved", None)
    if hook is not None:
        hook(user=user, workflow_state=workflow_state)
