"""The whole ANN path end to end with a real Celery worker process and real HTTP to the ANAC
simulator: from "nuovo ordine" to the CIG, the banditore's approval, then "Crea nuova scheda" →
"salva e procedi" → "invia scheda" → "Verifica invio" → ordinativo "Annullato" (SQLite + filesystem
broker by default; the same test runs on PostgreSQL + Redis with DATABASE_URL / CELERY_BROKER_URL)."""

import pytest
from django.test import Client

from anac.services import trasmissioni_di
from comunicazioni.models import Messaggio
from contratti.models import Ordinativo, Scheda
from contratti.schede.views import BANNER_INVIO
from tests.ordinativi.aiuti import adesione_approvata, aggiungi_righe, crea_ordinativo, upload
from tests.utils import contenuto

from .aiuti import porta_a, spid, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _ricarica(oggetto, **attesi):
    def controlla():
        oggetto.refresh_from_db()
        return all(getattr(oggetto, campo) == valore for campo, valore in attesi.items())

    return controlla


def test_ann_con_worker_reale(demo, worker_celery, simulatore_anac):
    simulatore_anac.config(wt_polls=2)
    client = Client()
    client.force_login(demo.user("aderente"))
    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo))
    aggiungi_righe(client, demo, ordinativo, [("Servizio IaaS", "33,33", "3")])
    assert (
        client.post(
            sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"), {"doc_atto-adesione": upload()}
        ).status_code
        == 302
    )
    spid(client, demo)
    assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    worker_celery.attendi(
        lambda: client.get(sub(demo.sct, "ordinativo_stato", ordinativo.pk)).json()["stato"] == "appalto_confermato",
        timeout=60,
        messaggio="appalto confermato",
    )
    assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    worker_celery.attendi(
        _ricarica(ordinativo, stato=Ordinativo.Stato.CIG_ACQUISITO), timeout=60, messaggio="CIG acquisito"
    )
    ordinativo = porta_a(ordinativo, demo, Ordinativo.Stato.APPROVATO)

    risposta = client.post(
        sub(demo.sct, "scheda_nuova", ordinativo.pk, "ann"), {"cig": ordinativo.cig_derivato, "motivo": "1"}
    )
    assert risposta.status_code == 302
    scheda = Scheda.objects.get(ordinativo=ordinativo)
    risposta = client.post(sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk), follow=True)
    assert risposta.status_code == 200 and BANNER_INVIO in contenuto(risposta)
    worker_celery.attendi(_ricarica(scheda, stato=Scheda.Stato.INVIATA), timeout=60, messaggio="scheda inviata")
    assert scheda.id_scheda and scheda.errore_anac == ""

    # "Verifica invio": ANAC answers WT twice; the user verifies again until the outcome is there.
    for _ in range(5):
        assert client.post(sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)).status_code == 302
        worker_celery.attendi(_ricarica(scheda, verifica_in_corso=False), timeout=60, messaggio="verifica")
        if scheda.stato == Scheda.Stato.CONFERMATA:
            break
        assert scheda.stato == Scheda.Stato.INVIATA and scheda.esito_verifica == "WT", scheda.errore_anac
    assert scheda.stato == Scheda.Stato.CONFERMATA
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.ANNULLATO and ordinativo.annullato_il is not None
    assert "stato: <strong>Annullato</strong>" in contenuto(
        client.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk))
    )
    assert "Annullato" in contenuto(client.get(demo.sct.url))

    log = contenuto(client.get(sub(demo.sct, "scheda_log", ordinativo.pk, scheda.pk)))
    for servizio in ("Crea scheda", "Conferma scheda", "Esito operazione"):
        assert servizio in log
    registrate = list(trasmissioni_di(scheda).values_list("servizio", flat=True))
    inviate = [
        r["servizio"] for r in simulatore_anac.richieste() if r["servizio"] in ("crea-scheda", "conferma-scheda")
    ]
    assert sorted(inviate) == ["conferma-scheda", "crea-scheda"] and {"crea-scheda", "conferma-scheda"} <= set(
        registrate
    )
    assert Messaggio.objects.filter(evento="scheda_anac_confermata").count() == 1
