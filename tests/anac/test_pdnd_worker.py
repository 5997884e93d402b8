"""End to end in PDND mode: the real Celery worker (``SCT_ANAC_AUTH=pdnd``, the test keys) and real
HTTP to the simulator in PDND mode, which issues the voucher and checks every ModI header. The
ordinativo's CIG sequence (crea-appalto → conferma-appalto → esito-operazione → recupera-cig), then
the scheda ANN (crea-scheda → conferma-scheda → esito-operazione)."""

import pytest
from django.test import Client

from audit.models import VoceAudit
from contratti.models import Ordinativo, Scheda
from tests.ordinativi.aiuti import adesione_approvata, aggiungi_righe, crea_ordinativo, porta_a, spid, sub, upload

from .helpers import RUP_FIRENZE

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _ricarica(oggetto, **attesi):
    def controlla():
        oggetto.refresh_from_db()
        return all(getattr(oggetto, campo) == valore for campo, valore in attesi.items())

    return controlla


def test_cig_e_scheda_ann_in_modalita_pdnd(demo, worker_pdnd, simulatore_pdnd):
    simulatore_pdnd.config(wt_polls=1)
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
    spid(client, demo, livello=3)  # the RUP steps up with SPID level 3: the tracking evidence says so

    assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    worker_pdnd.attendi(
        lambda: client.get(sub(demo.sct, "ordinativo_stato", ordinativo.pk)).json()["stato"] == "appalto_confermato",
        timeout=60,
        messaggio="appalto confermato",
    )
    assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    worker_pdnd.attendi(
        _ricarica(ordinativo, stato=Ordinativo.Stato.CIG_ACQUISITO), timeout=60, messaggio="CIG acquisito"
    )
    assert len(ordinativo.cig_derivato) == 10

    ordinativo = porta_a(ordinativo, demo, Ordinativo.Stato.APPROVATO)
    assert (
        client.post(
            sub(demo.sct, "scheda_nuova", ordinativo.pk, "ann"), {"cig": ordinativo.cig_derivato, "motivo": "1"}
        ).status_code
        == 302
    )
    scheda = Scheda.objects.get(ordinativo=ordinativo)
    assert client.post(sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk)).status_code == 302
    worker_pdnd.attendi(_ricarica(scheda, stato=Scheda.Stato.INVIATA), timeout=60, messaggio="scheda inviata")
    for _ in range(5):
        assert client.post(sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)).status_code == 302
        worker_pdnd.attendi(_ricarica(scheda, verifica_in_corso=False), timeout=60, messaggio="verifica")
        if scheda.stato == Scheda.Stato.CONFERMATA:
            break
    assert scheda.stato == Scheda.Stato.CONFERMATA, scheda.errore_anac
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.ANNULLATO

    richieste = simulatore_pdnd.richieste()
    pcp = [r for r in richieste if r["servizio"] != "token"]
    servizi = [r["servizio"] for r in pcp]
    for servizio in (
        "crea-appalto",
        "conferma-appalto",
        "esito-operazione",
        "recupera-cig",
        "crea-scheda",
        "conferma-scheda",
    ):
        assert servizio in servizi
    # Every PCP request passed the voucher, tracking evidence and integrity checks, as the RUP at SPID L3.
    assert all(r["errore"] is None for r in richieste), [r for r in richieste if r["errore"]]
    assert {r["cf"] for r in pcp} == {RUP_FIRENZE}
    assert {r["loa"] for r in pcp} == {"https://www.spid.gov.it/SpidL3"}
    # One voucher for the whole sequence (the worker's cache), and its request in the audit log.
    assert [r["servizio"] for r in richieste].count("token") == 1
    voce = VoceAudit.objects.get(azione="anac.voucher")
    assert voce.dati["esito"] == "ok" and voce.dati["purpose_id"] == simulatore_pdnd.chiavi.PURPOSE_ID
