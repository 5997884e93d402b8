"""The e-mails of a notification leave through a real Celery worker (separate process, same test
database and broker), after the commit of the transaction that created it."""

import pytest
from django.db import transaction

from comunicazioni import eventi
from comunicazioni.models import Consegna
from comunicazioni.services import notifica

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_email_inviate_dal_worker_dopo_il_commit(demo, worker_celery):
    with transaction.atomic():
        [m] = notifica(
            demo.sct,
            evento=eventi.ADESIONE_INVIATA,
            **eventi.componi(
                eventi.ADESIONE_INVIATA, codice="A000001/2025", ente=demo.firenze, contratto=demo.sct.title, round=0
            ),
            utenti=[demo.user("aderente")],
            banditore=True,
        )
        # nothing leaves before the commit
        assert set(m.consegne.values_list("email_stato", flat=True)) == {Consegna.StatoEmail.IN_CODA}

    def inviate():
        stati = dict(m.consegne.values_list("utente__username", "email_stato"))
        return stati == {"aderente": "inviata", "banditore": "inviata"}

    worker_celery.attendi(inviate, timeout=30, messaggio="e-mail della notifica inviate dal worker")
    assert all(c.email_inviata_il and c.email_tentativi == 1 for c in m.consegne.all())
    assert "comunicazioni.invia_email_consegna[" in worker_celery.coda_log(400)
