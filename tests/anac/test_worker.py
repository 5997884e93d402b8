"""The real thing: a task queued by this process runs in a separate ``celery worker`` process on
the test database and the same broker (filesystem broker + SQLite by default, Redis + PostgreSQL
with ``CELERY_BROKER_URL`` / ``DATABASE_URL``), calls the simulator and leaves its effects in the DB."""

import pytest

from anac.models import EsitoANAC, OperazioneANAC
from anac.tasks import avvia_operazione
from tests.anac.helpers import RUP_FIRENZE, ad4

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _terminata(operazione):
    def controlla():
        operazione.refresh_from_db()
        return operazione.terminale

    return controlla


def test_operazione_eseguita_dal_worker(demo, worker_celery, simulatore_anac):
    operazione = avvia_operazione(
        demo.sct, "crea-appalto", ad4(), chiave="worker:crea-appalto", utente=demo.user("aderente"), contratto=demo.sct
    )
    worker_celery.attendi(_terminata(operazione), messaggio="crea-appalto eseguita dal worker")

    assert (operazione.stato, operazione.esito, operazione.tentativi) == ("ok", EsitoANAC.OK, 1)
    [trasmissione] = operazione.trasmissioni.all()
    assert trasmissione.id_appalto == operazione.risultato["idAppalto"]
    assert (trasmissione.utente, trasmissione.contratto_id) == (demo.user("aderente"), demo.sct.pk)
    # The simulator was called once, by the RUP; the task ran in the worker process.
    assert [(r["servizio"], r["cf"]) for r in simulatore_anac.richieste()] == [("crea-appalto", RUP_FIRENZE)]
    assert "anac.esegui_operazione[" in worker_celery.coda_log(200)


def test_worker_ritenta_e_riconcilia(demo, worker_celery, simulatore_anac):
    """503, then an answer lost in a timeout (the worker waits 2 s, ANAC answers after 3 s): the
    worker retries with backoff and finds the appalto created by the lost request."""
    simulatore_anac.guasto(servizio="crea-appalto", tipo="errore_http", status=503)
    simulatore_anac.guasto(servizio="crea-appalto", tipo="timeout", ritardo=3)
    operazione = avvia_operazione(demo.sct, "crea-appalto", ad4(), chiave="worker:ritenta", codice_fiscale=RUP_FIRENZE)
    worker_celery.attendi(_terminata(operazione), timeout=30, messaggio="crea-appalto dopo i guasti")

    assert (operazione.stato, operazione.tentativi, operazione.risultato["recuperata"]) == ("ok", 3, True)
    assert list(operazione.trasmissioni.order_by("pk").values_list("servizio", "esito", "codice_errore")) == [
        ("crea-appalto", "ERRORE", "HTTP_503"),
        ("crea-appalto", "ERRORE", "TIMEOUT"),
        ("crea-appalto", "KO", "ERR38"),
        ("ricerca-appalto", "OK", ""),
    ]
    assert OperazioneANAC.objects.count() == 1


def test_operazione_rimasta_aperta_riparte(demo, worker_celery, simulatore_anac):
    """A worker died in the middle (lease expired, message lost): the management command queues the
    operation again and a live worker completes it."""
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    operazione = OperazioneANAC.objects.create(
        chiave="worker:ferma",
        servizio="crea-appalto",
        parametri={"args": [ad4()], "kwargs": {}},
        oggetto=demo.sct,
        codice_fiscale=RUP_FIRENZE,
        stato="in_corso",
        tentativi=1,
    )
    passato = timezone.now() - timedelta(minutes=30)
    OperazioneANAC.objects.filter(pk=operazione.pk).update(aggiornata_il=passato, in_esecuzione_fino=passato)
    uscita = StringIO()
    call_command("riaccoda_operazioni_anac", stdout=uscita)
    assert "rimesse in coda: 1" in uscita.getvalue()
    worker_celery.attendi(_terminata(operazione), messaggio="operazione riaccodata")
    assert (operazione.stato, operazione.tentativi) == ("ok", 2)
    assert len(simulatore_anac.richieste("crea-appalto")) == 1
