"""Data shared by the ANAC tests: the demo's Comune di Firenze and its RUP."""

import datetime
import itertools
from decimal import Decimal

from anac.services import payload_ad4

CF_FIRENZE = "01307110484"
RUP_FIRENZE = "BNCLRA75E45G999M"  # the demo user "aderente"
RUP_PRATO = "NREPLA82M50G999L"  # the demo user "aderente2", RUP of another ente
CIG_SCT = "7154112FF8"

_numeri = itertools.count(1)


def codice_appalto():
    return f"SCT-TEST-{datetime.datetime.now():%H%M%S%f}-{next(_numeri):05d}"


def ad4(**campi):
    valori = {
        "cig_accordo_quadro": CIG_SCT,
        "data_adesione": datetime.date(2025, 3, 1),
        "codice_appalto": codice_appalto(),
        "oggetto": "Servizi cloud IaaS per il Comune di Firenze",
        "importo": Decimal("99.99"),
        "cpv": "72000000-5",
        "codice_istat": "048017",
        "codice_nuts": "ITI14",
        "durata_mesi": 12,
        "finanziamenti": [("A", Decimal("99.99"))],
        "cf_stazione_appaltante": CF_FIRENZE,
        "partecipanti": [
            {"codice_fiscale": "00488410010", "denominazione": "Telecom Italia S.p.A.", "ruolo": "mandataria"},
            {"codice_fiscale": "07396190964", "denominazione": "Mandante S.r.l.", "ruolo": "mandante"},
        ],
    }
    valori.update(campi)
    return payload_ad4(**valori)
