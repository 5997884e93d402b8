"""The banditore's approval workflow for ordinativi (the Region's nulla osta)."""

from django.db import migrations


def crea_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    Task = apps.get_model("contratti.ValutazioneBanditoreTask")

    ct_task, _ = ContentType.objects.get_or_create(app_label="contratti", model="valutazionebanditoretask")
    ct_ordinativo, _ = ContentType.objects.get_or_create(app_label="contratti", model="ordinativo")
    task = Task.objects.create(name="Nulla osta del RUP dell'AQ", content_type=ct_task, active=True)
    workflow = Workflow.objects.create(name="Approvazione degli ordinativi di fornitura", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.create(content_type=ct_ordinativo, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [("contratti", "0005_ordinativi"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(crea_workflow, migrations.RunPython.noop)]
