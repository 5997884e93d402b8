"""Only the RUP of the ente, with SPID/CIE/CNS, sends a scheda or verifies its sending: a password
login, a too-low SPID level or another user gets 403 with the reason, and nothing changes."""

import pytest
from django.test import Client

from contratti.models import Ordinativo, Scheda
from contratti.schede import permessi
from identita.services import MSG_NON_FORTE
from tests.utils import contenuto

from .aiuti import buyer_firenze, crea_scheda, ordinativo_con_cig, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _client(demo, accesso):
    client = Client()
    if accesso == "password":
        client.force_login(demo.user("aderente"))
    elif accesso == "spid_l1":
        risposta = client.post(
            "/identita/spid-simulato/", {"utente": demo.user("aderente").pk, "livello": 1, "next": "/"}
        )
        assert risposta.status_code == 302
    elif accesso == "buyer":
        client.force_login(buyer_firenze(demo))
    elif accesso == "spid":
        risposta = client.post(
            "/identita/spid-simulato/", {"utente": demo.user("aderente").pk, "livello": 2, "next": "/"}
        )
        assert risposta.status_code == 302
    return client


@pytest.mark.parametrize(
    ("accesso", "motivo"),
    [
        ("password", MSG_NON_FORTE),
        ("spid_l1", "livello di autenticazione almeno 2"),
        ("buyer", permessi.MSG_SOLO_RUP),
    ],
)
def test_invio_e_verifica_solo_del_rup_con_autenticazione_forte(client, demo, commit, simulatore_anac, accesso, motivo):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    scheda = crea_scheda(client, demo, ordinativo, "ANN")
    altro = _client(demo, accesso)
    url_invia = sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk)
    url_verifica = sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)
    richieste = len(simulatore_anac.richieste())

    with commit():
        risposta = altro.post(url_invia)
    assert risposta.status_code == 403 and motivo in contenuto(risposta)
    scheda.refresh_from_db()
    assert (scheda.stato, scheda.tentativo_invio, scheda.id_scheda) == ("bozza", 0, "")
    assert len(simulatore_anac.richieste()) == richieste

    with commit():  # the RUP with SPID sends; the other one cannot verify
        assert client.post(url_invia).status_code == 302
    scheda.refresh_from_db()
    assert scheda.stato == Scheda.Stato.INVIATA
    richieste = len(simulatore_anac.richieste())
    with commit():
        risposta = altro.post(url_verifica)
    assert risposta.status_code == 403 and motivo in contenuto(risposta)
    scheda.refresh_from_db()
    ordinativo.refresh_from_db()
    assert (scheda.stato, scheda.tentativo_verifica, ordinativo.stato) == ("inviata", 0, "approvato")
    assert len(simulatore_anac.richieste()) == richieste
    with commit():
        assert client.post(url_verifica).status_code == 302
    scheda.refresh_from_db()
    assert scheda.stato == Scheda.Stato.CONFERMATA


def test_il_buyer_prepara_ed_elimina_le_bozze_ma_non_invia(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    buyer = Client()
    buyer.force_login(buyer_firenze(demo))
    scheda = crea_scheda(buyer, demo, ordinativo, "SC1")
    assert scheda.creata_da.username == "buyer"
    elenco = contenuto(buyer.get(sub(demo.sct, "schede_elenco", ordinativo.pk)))
    assert '<button type="button" class="btn btn-primary btn-sm" disabled>invia scheda' in elenco
    assert "devono essere compiute dal RUP dell'amministrazione aderente autenticato con SPID, CIE o CNS" in elenco
    assert buyer.post(sub(demo.sct, "scheda_elimina", ordinativo.pk, scheda.pk)).status_code == 302
    scheda.refresh_from_db()
    assert scheda.stato == Scheda.Stato.ELIMINATA
