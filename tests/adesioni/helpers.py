from django.urls import reverse
from wagtail.models import TaskState

from contratti.models import Adesione


def sub(contratto, nome, *args):
    return contratto.url + contratto.reverse_subpage(nome, args=args)


def crea_via_web(client, contratto, dati):
    risposta = client.post(sub(contratto, "adesione_nuova"), dati)
    assert risposta.status_code == 302, risposta.content.decode()[:3000]
    return Adesione.objects.latest("pk")


def task_state(adesione):
    return TaskState.objects.get(workflow_state__object_id=str(adesione.pk), status=TaskState.STATUS_IN_PROGRESS)


def azione_admin(client, adesione, azione, **dati):
    ts = task_state(adesione)
    url = reverse("wagtailsnippets_contratti_adesione:workflow_action", args=(adesione.pk, azione, ts.pk))
    return client.post(url, dati)
