"""The banditore's approval workflow for adesioni (a single ValutazioneBanditoreTask)."""

from django.db import migrations


def crea_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    Task = apps.get_model("contratti.ValutazioneBanditoreTask")

    ct_task, _ = ContentType.objects.get_or_create(app_label="contratti", model="valutazionebanditoretask")
    ct_adesione, _ = ContentType.objects.get_or_create(app_label="contratti", model="adesione")
    task = Task.objects.create(name="Valutazione del RUP dell'AQ", content_type=ct_task, active=True)
    workflow = Workflow.objects.create(name="Approvazione delle adesioni", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.create(content_type=ct_adesione, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [("contratti", "0003_adesioni"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(crea_workflow, migrations.RunPython.noop)]
