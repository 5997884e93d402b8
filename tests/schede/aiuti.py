"""Helpers of the schede tests: an ordinativo with its derived CIG (through the real pages and the
ANAC simulator), brought to the state a test needs through the ordinativo's own services."""

from contratti.models import Scheda
from tests.ordinativi.aiuti import (
    RUP_FIRENZE,
    buyer_firenze,
    ordinativo_con_cig,
    ordinativo_senza_cig,
    porta_a,
    spid,
    sub,
)

__all__ = [
    "DATI_SC1",
    "RUP_FIRENZE",
    "buyer_firenze",
    "crea_scheda",
    "ordinativo_con_cig",
    "ordinativo_senza_cig",
    "porta_a",
    "spid",
    "sub",
]

DATI_SC1 = {
    "data_stipula": "2026-10-05",
    "data_decorrenza": "2026-10-05",
    "data_scadenza": "2027-10-04",
    "importo_cauzione": "0,00",
}


def crea_scheda(client, demo, ordinativo, tipo, **dati):
    """ "Crea nuova scheda" → "salva e procedi" through the page; returns the new Scheda."""
    if tipo == "SC1":
        dati = {**DATI_SC1, **dati}
    risposta = client.post(
        sub(demo.sct, "scheda_nuova", ordinativo.pk, tipo.lower()), {"cig": ordinativo.cig_derivato, **dati}
    )
    assert risposta.status_code == 302, risposta.content.decode()[:3000]
    return Scheda.objects.filter(ordinativo=ordinativo).latest("pk")
