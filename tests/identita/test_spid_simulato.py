"""Simulated SPID (demo and tests only) and the system check that keeps it out of production."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from identita import checks, services

CF_ADERENTE = "BNCLRA75E45G999M"


def test_pagina_elenca_le_identita_dimostrative_con_codice_fiscale(client, demo):
    risposta = client.get("/identita/spid-simulato/?next=/area-riservata/&livello=3")
    assert risposta.status_code == 200
    testo = risposta.content.decode()
    assert "AUTENTICAZIONE SIMULATA" in testo
    assert f"C.F. {CF_ADERENTE}" in testo
    nomi = {u.username for u in risposta.context["form"].fields["utente"].queryset}
    assert {"aderente", "aderente2", "banditore", "oe"} <= nomi
    assert "editor" not in nomi  # no codice fiscale, no SPID identity
    assert risposta.context["form"].initial["livello"] == "3"
    assert '<input type="radio" name="livello" value="3" id="id_livello_2" required checked>' in testo


@pytest.mark.parametrize("livello", [1, 2, 3])
def test_accesso_simulato_registra_spid_livello_e_cf(client, demo, livello):
    aderente = demo.user("aderente")
    risposta = client.post(
        "/identita/spid-simulato/", {"utente": aderente.pk, "livello": livello, "next": "/area-riservata/"}
    )
    assert risposta.status_code == 302 and risposta["Location"] == "/area-riservata/"
    auth = client.get("/identita/").context["autenticazione"]
    assert (auth.fonte, auth.livello, auth.codice_fiscale, auth.simulata) == ("spid", livello, CF_ADERENTE, True)
    assert auth.forte is (livello >= 2)
    assert int(client.session["_auth_user_id"]) == aderente.pk


def test_next_esterno_ignorato(client, demo):
    risposta = client.post(
        "/identita/spid-simulato/", {"utente": demo.user("aderente").pk, "livello": 2, "next": "https://evil.example/"}
    )
    assert risposta["Location"] == "/area-riservata/"


def test_identita_senza_codice_fiscale_rifiutata(client, demo):
    risposta = client.post("/identita/spid-simulato/", {"utente": demo.user("editor").pk, "livello": 2})
    assert risposta.status_code == 200
    assert "Scegli una delle identità dimostrative elencate." in risposta.content.decode()
    assert "_auth_user_id" not in client.session


def test_livello_non_valido_rifiutato(client, demo):
    risposta = client.post("/identita/spid-simulato/", {"utente": demo.user("aderente").pk, "livello": 4})
    assert risposta.status_code == 200 and risposta.context["form"].errors["livello"]
    assert "_auth_user_id" not in client.session


def test_e_simulata_marca_la_sessione(client, demo, rf):
    client.post("/identita/spid-simulato/", {"utente": demo.user("aderente").pk, "livello": 2})
    request = rf.get("/")
    request.session = client.session
    request.user = demo.user("aderente")
    assert services.e_simulata(request)


@override_settings(SCT_SIMULATED_SPID=False)
def test_404_quando_spento(client, demo):
    assert client.get("/identita/spid-simulato/").status_code == 404
    assert (
        client.post("/identita/spid-simulato/", {"utente": demo.user("aderente").pk, "livello": 2}).status_code == 404
    )
    assert "_auth_user_id" not in client.session
    assert 'data-fonte="spid-simulato"' not in client.get("/account/accedi/").content.decode()


@override_settings(SCT_SIMULATED_SPID=True, DEBUG=False, SCT_ENVIRONMENT="production")
def test_pagina_inaccessibile_se_debug_spento_fuori_dai_test(client, demo):
    assert client.get("/identita/spid-simulato/").status_code == 404


def test_login_mostra_ingresso_simulato(client, demo):
    testo = client.get("/account/accedi/?next=/area-riservata/").content.decode()
    assert 'data-fonte="spid-simulato"' in testo
    assert "/identita/spid-simulato/?livello=2&amp;next=%2Farea-riservata%2F" in testo
    assert "Accedi con SPID, CIE o CNS" in testo


# --- system check identita.E001 ---------------------------------------------------------------


def _errori_simulazione():
    return [m for m in checks.spid_simulato(None) if m.id == "identita.E001"]


@pytest.mark.parametrize(
    ("simulato", "debug", "ambiente", "errore"),
    [
        (True, False, "production", True),
        (True, False, "dev", True),
        (True, False, "base", True),
        (True, True, "dev", False),
        (True, False, "test", False),
        (False, False, "production", False),
    ],
)
def test_check_spid_simulato(simulato, debug, ambiente, errore):
    with override_settings(SCT_SIMULATED_SPID=simulato, DEBUG=debug, SCT_ENVIRONMENT=ambiente):
        assert bool(_errori_simulazione()) is errore


def test_check_registrato_e_fallisce_come_errore():
    with override_settings(SCT_SIMULATED_SPID=True, DEBUG=False, SCT_ENVIRONMENT="production"):
        messaggi = [m for m in run_checks() if m.id == "identita.E001"]
    assert len(messaggi) == 1 and messaggi[0].is_serious()
    assert "SCT_SIMULATED_SPID" in messaggi[0].msg
