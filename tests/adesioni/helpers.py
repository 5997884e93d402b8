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


def invia_web(client, adesione):
    risposta = client.post(sub(adesione.contratto, "adesione_invia", adesione.pk))
    assert risposta.status_code == 302, risposta.content.decode()[:3000]
    adesione.refresh_from_db()
    return adesione


def decidi(client, adesione, azione, **dati):
    """The banditore's "Approva" / "Non approvare" in the admin; the adesione reloaded."""
    risposta = azione_admin(client, adesione, azione, **dati)
    assert risposta.status_code == 302, risposta.content.decode()[:3000]
    adesione.refresh_from_db()
    return adesione


def fotografia(adesione):
    """What a refused request must leave as it was: the adesione's fields and its documents."""
    a = Adesione.objects.get(pk=adesione.pk)
    campi = {
        nome: getattr(a, nome)
        for nome in (
            "stato",
            "round_corrente",
            "ipotesi",
            "importo",
            "scadenza",
            "importo_piano_fabbisogni",
            "data_piano_fabbisogni",
            "inviata_il",
            "motivo_rifiuto",
            "codice",
        )
    }
    documenti = sorted(
        (d.pk, d.round, d.codice_richiesta, d.versione, d.corrente, d.inviato, d.documento_id, d.documento.sha256)
        for d in a.documenti.select_related("documento")
    )
    return campi, documenti
