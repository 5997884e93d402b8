"""The scheda's state has one owner (``contratti.schede.stati``): its transition table, checked for
every pair (action, state) — a legal transition saves, records the audit entry and sends its signal;
an illegal one raises and leaves nothing behind; and a scan of the code for any other assignment."""

import pytest

from contratti.models import Scheda
from contratti.schede import segnali, stati
from contratti.schede.stati import TRANSIZIONI, OperazioneNonConsentita
from tests.proprietari_stato import fuori_dal_proprietario, prova_ogni_coppia

from .aiuti import ordinativo_senza_cig

pytestmark = pytest.mark.django_db

S = Scheda.Stato
ATTESA = {
    "invia": ({S.BOZZA}, S.INVIO_IN_CORSO, "scheda.invio_richiesto", segnali.scheda_invio_richiesto),
    "elimina": ({S.BOZZA}, S.ELIMINATA, "scheda.eliminata", segnali.scheda_eliminata),
    "inviata": ({S.INVIO_IN_CORSO}, S.INVIATA, "scheda.inviata", segnali.scheda_inviata),
    "anac_ko": ({S.INVIO_IN_CORSO, S.INVIATA}, S.BOZZA, "scheda.anac_ko", segnali.scheda_anac_ko),
    "conferma": ({S.INVIATA}, S.CONFERMATA, "scheda.confermata", segnali.scheda_confermata),
}


def test_nessuna_assegnazione_dello_stato_fuori_dal_proprietario():
    trovate = fuori_dal_proprietario(
        "contratti/schede/stati.py", "contratti/", campi={"stato"}, nomi=("scheda",), modello="Scheda"
    )
    assert trovate == [], "Lo stato della scheda si cambia solo con contratti.schede.stati.transita"


def test_tabella_delle_transizioni():
    assert {azione: (set(t.da), *t.a, t.azione, t.segnale) for azione, t in TRANSIZIONI.items()} == ATTESA


def test_ogni_coppia_azione_stato(client, demo):
    ordinativo = ordinativo_senza_cig(client, demo)
    scheda = Scheda.objects.create(ordinativo=ordinativo, tipo=Scheda.Tipo.SC1, cig="B123456789")
    prova_ogni_coppia(
        Scheda,
        scheda,
        stati.transita,
        TRANSIZIONI,
        OperazioneNonConsentita,
        leggi=lambda pk: Scheda.objects.select_related("ordinativo").get(pk=pk),
    )
