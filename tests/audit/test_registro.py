"""audit never imports the apps above it: they register what the trail shows (audit/registro.py)."""

import pytest
from django.contrib.auth import get_user_model

from audit import registro
from audit.services import registra
from audit.visibilita import voci_del_contratto
from contratti.models import ContrattoPage
from contratti.permessi import e_banditore

pytestmark = pytest.mark.django_db


def test_ogni_dominio_registra_le_sue_regole():
    assert registro.modello_contratto() is ContrattoPage
    assert set(registro.regole()) == {
        "contratti.contrattopage",
        "contratti.adesione",
        "contratti.ordinativo",
        "comunicazioni.chiarimentopubblicato",
        "comunicazioni.messaggio",
        "esiti.esito",
    }
    assert len(registro.funzioni_documenti()) == 2  # contratti (adesioni, ordinativi), comunicazioni (allegati)


def test_il_lettore_e_il_banditore(demo):
    contratto = demo.sct
    for utente in get_user_model().objects.all():
        assert registro.puo_leggere(utente, contratto) == e_banditore(utente, contratto), utente.username


def test_un_tipo_non_registrato_non_si_vede_nemmeno_dal_superutente(demo):
    contratto = demo.sct
    voce = registra("prova.ente_modificato", demo.firenze, contratto=contratto)  # organizzazioni.Ente: no rule
    visibile = registra("prova.senza_oggetto", contratto=contratto)
    superutente = get_user_model().objects.create_superuser("radice-registro", "r@example.it", "x")
    voci = voci_del_contratto(superutente, contratto)
    assert visibile in voci and voce not in voci
