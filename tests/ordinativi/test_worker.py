"""End to end with a real Celery worker process and real HTTP to the ANAC simulator: from "nuovo
ordine" to the banditore's approval and the OE's view (SQLite + filesystem broker by default; the
CI runs it again on PostgreSQL + Redis)."""

import pytest
from django.test import Client
from django.urls import reverse

from contratti.models import Ordinativo
from documenti.firma_prova import firma_pades
from tests.utils import contenuto, corpo

from .aiuti import adesione_approvata, aggiungi_righe, crea_ordinativo, spid, sub, task_state, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _client(demo, username):
    client = Client()
    client.force_login(demo.user(username))
    return client


def _stato(ordinativo, atteso):
    def controlla():
        ordinativo.refresh_from_db()
        return ordinativo.stato == atteso and not ordinativo.cig_in_recupero

    return controlla


def test_ordinativo_con_worker_reale(demo, worker_celery, simulatore_anac):
    simulatore_anac.config(wt_polls=2)
    adesione = adesione_approvata(demo)
    aderente = _client(demo, "aderente")
    ordinativo = crea_ordinativo(aderente, demo, adesione)
    aggiungi_righe(aderente, demo, ordinativo, [("Servizio IaaS", "33,33", "3")])
    assert (
        aderente.post(
            sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"), {"doc_atto-adesione": upload()}
        ).status_code
        == 302
    )
    spid(aderente, demo)

    assert aderente.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato in (Ordinativo.Stato.CONFERMA_IN_CORSO, Ordinativo.Stato.APPALTO_CONFERMATO)
    pagina = contenuto(aderente.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    if ordinativo.stato == Ordinativo.Stato.CONFERMA_IN_CORSO:
        assert "La richiesta di conferma appalto è in corso" in pagina
    # The open page polls the state (read only); the worker asks ANAC again while the answer is WT.
    worker_celery.attendi(
        lambda: aderente.get(sub(demo.sct, "ordinativo_stato", ordinativo.pk)).json()["stato"] == "appalto_confermato",
        timeout=60,
        messaggio="appalto confermato",
    )
    assert aderente.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    worker_celery.attendi(_stato(ordinativo, Ordinativo.Stato.CIG_ACQUISITO), timeout=60, messaggio="CIG acquisito")
    assert len(ordinativo.cig_derivato) == 10

    pdf = corpo(aderente.get(sub(demo.sct, "ordinativo_scheda", ordinativo.pk)))
    firmata = firma_pades(pdf, nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M")
    assert (
        aderente.post(
            sub(demo.sct, "ordinativo_passo2", ordinativo.pk), {"scheda": upload("scheda.pdf", firmata)}
        ).status_code
        == 302
    )
    assert aderente.post(sub(demo.sct, "ordinativo_invia", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.INVIATO
    assert _client(demo, "oe").get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)).status_code == 404

    banditore = _client(demo, "banditore")
    url = reverse(
        "wagtailsnippets_contratti_ordinativo:workflow_action",
        args=(ordinativo.pk, "approve", task_state(ordinativo).pk),
    )
    assert banditore.post(url).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO
    oe = _client(demo, "oe")
    pagina = contenuto(oe.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    assert ordinativo.cig_derivato in pagina
    servizi = [r["servizio"] for r in simulatore_anac.richieste()]
    assert servizi[0] == "crea-appalto" and "recupera-cig" in servizi and servizi.count("esito-operazione") >= 1
    from anac.services import trasmissioni_di

    registrate = list(trasmissioni_di(ordinativo).values_list("servizio", flat=True))
    assert sorted(set(registrate)) == sorted(set(servizi)) and len(registrate) == len(servizi)
