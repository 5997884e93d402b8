import datetime
import itertools
from decimal import Decimal

import pytest

from esiti import services

URL = "/aggiudicazioni-e-affidamenti/"
_cig = itertools.count(1)


def nuovo_cig():
    return f"T{next(_cig):09d}"


class Fabbrica:
    """Esiti made through the services, as the ente would make them."""

    def __init__(self, demo):
        self.demo = demo

    def utente_di(self, ente):
        return self.demo.user("aderente2" if ente.pk == self.demo.prato.pk else "aderente")

    def bozza(self, *, contratto=None, ente=None, **dati):
        contratto = contratto or self.demo.sct
        ente = ente or self.demo.firenze
        valori = {
            "cig": nuovo_cig(),
            "oggetto": "Servizi di hosting cloud per il Comune",
            "importo_aggiudicazione": Decimal("125000.00"),
        }
        valori.update(dati)
        return services.crea_bozza(contratto=contratto, ente=ente, utente=self.utente_di(ente), **valori)

    def pubblicato(self, **dati):
        valori = {
            "data_aggiudicazione": datetime.date(2025, 3, 10),
            "data_inizio": datetime.date(2025, 4, 1),
            "data_ultimazione": datetime.date(2026, 10, 2),
        }
        valori.update(dati)
        esito = self.bozza(**valori)
        return services.pubblica(esito, utente=self.utente_di(esito.ente))


@pytest.fixture(autouse=True)
def cache_pulita():
    """The list caches facts per version of the esiti; a rolled-back test must not leave them behind."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fabbrica(demo):
    return Fabbrica(demo)
