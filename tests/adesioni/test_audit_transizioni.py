"""Every transition of the adesione is in the audit trail: who, when, from which state, to which
state, why. The flow runs through the site (aderente) and the admin (banditore); the expected
entries are a table, in order."""

import pytest
from django.utils import timezone

from audit.services import verifica_catena, voci_per

from .conftest import dpa
from .helpers import crea_via_web, decidi, invia_web, sub

pytestmark = pytest.mark.django_db

MOTIVO_ROUND_1 = "Il Data Protection Agreement non è firmato"
MOTIVO_ROUND_0 = "La manifestazione non è firmata dal Responsabile"

# (azione, utente, da, a, motivo, round) for the first adesione (ipotesi B): invia, ritira, invia, approvazione
# del round 0 (with a comment), round 1 inviato, non approvato, nuova versione e nuovo invio,
# approvazione finale.
ATTESE_ITER = [
    ("adesione.creata", "aderente", "", "bozza", "", None),
    ("adesione.inviata", "aderente", "bozza", "in_valutazione", "", 0),
    ("adesione.ritirata", "aderente", "in_valutazione", "bozza", "", 0),
    ("adesione.inviata", "aderente", "bozza", "in_valutazione", "", 0),
    ("adesione.round_approvato", "banditore", "in_valutazione", "round_approvato", "Manifestazione conforme", 0),
    ("adesione.inviata", "aderente", "round_approvato", "in_valutazione", "", 1),
    ("adesione.round_non_approvato", "banditore", "in_valutazione", "non_approvata", MOTIVO_ROUND_1, 1),
    ("adesione.reinviata", "aderente", "non_approvata", "in_valutazione", "", 1),
    ("adesione.round_approvato", "banditore", "in_valutazione", "approvata", "", 1),
]
# The second one: non approvazione of the round 0, then "elimina bozza".
ATTESE_ELIMINATA = [
    ("adesione.creata", "aderente", "", "bozza", "", None),
    ("adesione.inviata", "aderente", "bozza", "in_valutazione", "", 0),
    ("adesione.round_non_approvato", "banditore", "in_valutazione", "non_approvata", MOTIVO_ROUND_0, 0),
    ("adesione.bozza_eliminata", "aderente", "non_approvata", "eliminata", "", 0),
]


def _transizioni(adesione):
    voci = voci_per(adesione).exclude(azione="adesione.documento_caricato").order_by("pk")
    return list(voci)


def _confronta(voci, attese, inizio, fine):
    ottenute = [(v.azione, v.utente.username, v.stato_da, v.stato_a, v.motivo, v.dati.get("round")) for v in voci]
    assert ottenute == attese
    for voce in voci:
        assert voce.utente_repr == voce.utente.username
        assert inizio <= voce.creato_il <= fine, voce


def test_ogni_transizione_nel_registro_con_chi_quando_da_a_e_motivo(client_as, demo, dati_passo1, dati_ipotesi_b):
    inizio = timezone.now().replace(microsecond=0)
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_ipotesi_b())
    invia_web(aderente, adesione)
    assert aderente.post(sub(demo.sct, "adesione_ritira", adesione.pk)).status_code == 302
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "approve", comment="Manifestazione conforme")
    aderente = client_as("aderente")
    aderente.post(sub(demo.sct, "adesione_documenti", adesione.pk), dpa("DPA v1"))
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "reject", comment=MOTIVO_ROUND_1)
    aderente = client_as("aderente")
    aderente.post(sub(demo.sct, "adesione_documenti", adesione.pk), dpa("DPA v2"))
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "approve")

    seconda = crea_via_web(client_as("aderente"), demo.sct, dati_passo1())
    invia_web(client_as("aderente"), seconda)
    decidi(client_as("banditore"), seconda, "reject", comment=MOTIVO_ROUND_0)
    assert client_as("aderente").post(sub(demo.sct, "adesione_elimina", seconda.pk)).status_code == 302
    fine = timezone.now()

    _confronta(_transizioni(adesione), ATTESE_ITER, inizio, fine)
    _confronta(_transizioni(seconda), ATTESE_ELIMINATA, inizio, fine)
    # Every entry is written with the contract (the banditore's trail) and the chain is intact.
    assert {v.contratto_id for v in _transizioni(adesione) + _transizioni(seconda)} == {demo.sct.pk}
    assert verifica_catena() == []
    # The documents: each upload, and what each sending sent.
    caricati = voci_per(adesione).filter(azione="adesione.documento_caricato").order_by("pk")
    assert [(v.dati["round"], v.dati.get("versione", 1), v.dati.get("sostituito_inviato")) for v in caricati] == [
        (0, 1, None),
        (0, 1, None),
        (0, 1, None),
        (1, 1, None),
        (1, 2, True),
    ]
    reinvio = voci_per(adesione).get(azione="adesione.reinviata")
    assert reinvio.dati["documenti"] == [adesione.documenti.get(round=1, corrente=True).documento.sha256]
