import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from contratti.adesioni.services import crea_bozza
from organizzazioni.models import Ente, Incarico
from organizzazioni.services import assegna_incarico
from organizzazioni.validators import controllo_numerico

N = 20


def _enti_e_utenti(django_user_model):
    coppie = []
    for i in range(N):
        base = f"9{i:09d}"
        ente = Ente.objects.create(denominazione=f"Comune di prova {i}", codice_fiscale=base + controllo_numerico(base))
        user = django_user_model.objects.create(username=f"buyer{i}")
        assegna_incarico(user, ente, Incarico.Ruolo.RESPONSABILE)
        coppie.append((ente, user))
    return coppie


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_venti_invii_in_parallelo_codici_distinti_e_consecutivi(demo, django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("La concorrenza reale si verifica su PostgreSQL (SQLite serializza le scritture).")
    contratto = demo.sct
    coppie = _enti_e_utenti(django_user_model)
    barriera = threading.Barrier(N)
    codici, errori = [], []

    def lavora(ente, user):
        try:
            barriera.wait(timeout=30)
            adesione = crea_bozza(
                contratto=contratto,
                ente=ente,
                utente=user,
                ipotesi="A",
                importo=Decimal("100.00"),
                scadenza=contratto.scadenza_adesioni_suggerita,
                files={},
            )
            codici.append(adesione.numero)
        except Exception as exc:  # noqa: BLE001 - reported below
            errori.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lavora, args=c) for c in coppie]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errori == []
    assert len(codici) == N
    assert sorted(codici) == list(range(min(codici), min(codici) + N))
