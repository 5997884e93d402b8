"""The ordinativo's state has one owner (``contratti.ordinativi.stati``): its transition table,
checked for every pair (action, state) — a legal transition saves, records the audit entry and sends
its signal; an illegal one raises and leaves nothing behind — and a scan (tests/proprietari_stato.py)
that fails when ``stato`` is assigned anywhere else in contratti/, or on an ordinativo elsewhere."""

import pytest

from contratti.models import Ordinativo
from contratti.ordinativi import stati
from contratti.ordinativi.stati import TRANSIZIONI, OperazioneNonConsentita
from tests.proprietari_stato import assegnazioni, fuori_dal_proprietario, prova_ogni_coppia

from .aiuti import ordinativo_senza_cig

pytestmark = pytest.mark.django_db

S = Ordinativo.Stato
# The table as the manual and docs/architecture.md describe it: action → (from, to, audit action).
ATTESA = {
    "conferma_appalto": ({S.BOZZA}, S.CONFERMA_IN_CORSO, "ordinativo.conferma_appalto"),
    "conferma_non_riuscita": ({S.CONFERMA_IN_CORSO}, S.BOZZA, "ordinativo.anac_ko"),
    "appalto_confermato": ({S.CONFERMA_IN_CORSO}, S.APPALTO_CONFERMATO, "ordinativo.appalto_confermato"),
    "cig_non_acquisito": ({S.APPALTO_CONFERMATO}, S.APPALTO_CONFERMATO, "ordinativo.anac_ko"),
    "cig_acquisito": ({S.APPALTO_CONFERMATO}, S.CIG_ACQUISITO, "ordinativo.cig_acquisito"),
    "invia": ({S.CIG_ACQUISITO}, S.INVIATO, "ordinativo.inviato"),
    "reinvia": ({S.RIFIUTATO}, S.INVIATO, "ordinativo.reinviato"),
    "approva": ({S.INVIATO}, S.APPROVATO, "ordinativo.approvato"),
    "rifiuta": ({S.INVIATO}, S.RIFIUTATO, "ordinativo.rifiutato"),
    "chiudi": ({S.RIFIUTATO}, S.CHIUSO, "ordinativo.chiuso"),
    "annulla": ({S.CIG_ACQUISITO, S.INVIATO, S.APPROVATO, S.RIFIUTATO, S.CHIUSO}, S.ANNULLATO, "ordinativo.annullato"),
}


def test_tabella_delle_transizioni():
    assert {azione: (set(t.da), *t.a, t.azione) for azione, t in TRANSIZIONI.items()} == ATTESA
    assert not {stato for t in TRANSIZIONI.values() for stato in t.da | t.a} - set(S.values)


def test_ogni_coppia_azione_stato(client, demo):
    ordinativo = ordinativo_senza_cig(client, demo)
    prova_ogni_coppia(Ordinativo, ordinativo, stati.transita, TRANSIZIONI, OperazioneNonConsentita)


# --- one owner: nobody else assigns ``stato`` -----------------------------------------------------


def test_lo_scanner_trova_le_assegnazioni():
    sorgente = (
        "ordinativo.stato = 'x'\n"
        "a, o.stato = 1, 2\n"
        "setattr(o, 'stato', 'x')\n"
        "Ordinativo.objects.filter(pk=1).update(stato='x')\n"
        "Ordinativo(stato='bozza')\n"
        "Ordinativo.objects.create(stato='bozza')\n"
        "Ordinativo.objects.filter(stato='x').exclude(stato='y')\n"
        "stato = ordinativo.stato\n"
        "scheda.stato = 'x'\n"
    )
    trovate = assegnazioni(sorgente, campi={"stato"}, nomi=("ordinativ",), modello="Ordinativo")
    assert sorted(riga for riga, _ in trovate) == [1, 4, 5, 6]
    # In contratti/ any write of a ``stato`` counts, whatever the variable's name.
    trovate = assegnazioni(
        sorgente, campi={"stato"}, nomi=("ordinativ",), modello="Ordinativo", cartella_del_modello=True
    )
    assert sorted(riga for riga, _ in trovate) == [1, 2, 3, 4, 5, 6, 9]


def test_solo_il_proprietario_assegna_lo_stato():
    trovate = fuori_dal_proprietario(
        "contratti/ordinativi/stati.py", "contratti/", campi={"stato"}, nomi=("ordinativ",), modello="Ordinativo"
    )
    assert trovate == [], "stato assegnato fuori da stati.py (usa stati.transita): " + ", ".join(trovate)
