"""SPID/CIE through an OIDC gateway, against a real (local, fake) OpenID provider over HTTP."""

import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import override_settings

from audit.models import VoceAudit
from identita import services

from .fake_op import CLIENT_ID, FakeOP

CF_ADERENTE = "BNCLRA75E45G999M"


@pytest.fixture(scope="module")
def op_server():
    op = FakeOP().avvia()
    yield op
    op.ferma()


@pytest.fixture
def op(op_server, demo):
    op_server.guasto = None
    op_server.prossima_identita = {}
    op_server.richieste_autorizzazione.clear()
    with override_settings(**op_server.impostazioni()):
        yield op_server


def accedi(client, op, parametri="fonte=spid&livello=2&next=/area-riservata/"):
    """Browser round trip: our start URL → the provider's /authorize (real HTTP) → our callback."""
    avvio = client.get(f"/identita/oidc/avvia/?{parametri}")
    assert avvio.status_code == 302
    assert avvio["Location"].startswith(f"{op.issuer}/authorize?")
    dal_provider = requests.get(avvio["Location"], allow_redirects=False, timeout=5)
    assert dal_provider.status_code == 302
    callback = urlparse(dal_provider.headers["Location"])
    assert callback.path == "/identita/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def test_accesso_spid_livello_2(client, op):
    risposta = accedi(client, op)
    assert risposta.status_code == 302 and risposta["Location"] == "/area-riservata/"
    auth = client.get("/identita/").context["autenticazione"]
    assert (auth.fonte, auth.livello, auth.codice_fiscale, auth.simulata) == ("spid", 2, CF_ADERENTE, False)
    assert auth.forte
    assert client.session["_auth_user_id"] == str(services.utente_per_codice_fiscale(CF_ADERENTE).pk)
    voce = VoceAudit.objects.filter(azione="identita.accesso").latest("pk")
    assert voce.dati["fonte"] == "spid" and voce.dati["codice_fiscale"] == CF_ADERENTE
    # What we asked the provider: code flow with PKCE, a nonce, the SPID levels >= 2.
    richiesta = op.richieste_autorizzazione[-1]
    assert richiesta["client_id"] == CLIENT_ID and richiesta["response_type"] == "code"
    assert richiesta["code_challenge_method"] == "S256" and richiesta["nonce"]
    assert richiesta["acr_values"] == "https://www.spid.gov.it/SpidL2 https://www.spid.gov.it/SpidL3"
    assert "prompt" not in richiesta


def test_accesso_cie_livello_3_con_cf_nel_token(client, op):
    op.prossima_identita = {"acr": "CIE_L3"}
    op.guasto = "cf-nel-token"
    assert accedi(client, op, "fonte=cie&livello=3").status_code == 302
    auth = client.get("/identita/").context["autenticazione"]
    assert (auth.fonte, auth.livello, auth.codice_fiscale) == ("cie", 3, CF_ADERENTE)
    assert op.richieste_autorizzazione[-1]["acr_values"] == "CIE_L3"


def test_tempo_di_autenticazione_dal_provider(client, op):
    momento = int(time.time()) - 600
    op.prossima_identita = {"auth_time": momento}
    accedi(client, op)
    auth = client.get("/identita/").context["autenticazione"]
    assert int(auth.quando.timestamp()) == momento


def test_step_up_forza_nuovo_login(client, op):
    accedi(client, op, "fonte=spid&livello=3&forza=1")
    richiesta = op.richieste_autorizzazione[-1]
    assert richiesta["prompt"] == "login" and richiesta["max_age"] == "0"
    assert richiesta["acr_values"] == "https://www.spid.gov.it/SpidL3"


def test_step_up_rifiuta_autenticazione_vecchia(client, op):
    """The provider reused an old SSO session instead of authenticating again: refused."""
    op.prossima_identita = {"acr": "https://www.spid.gov.it/SpidL3", "auth_time": int(time.time()) - 3600}
    risposta = accedi(client, op, "fonte=spid&livello=3&forza=1")
    assert risposta.status_code == 403
    assert "non ha chiesto una nuova autenticazione" in risposta.content.decode()
    assert "_auth_user_id" not in client.session


def test_livello_inferiore_a_quello_chiesto_rifiutato(client, op):
    op.prossima_identita = {"acr": "https://www.spid.gov.it/SpidL1"}
    risposta = accedi(client, op, "fonte=spid&livello=2")
    assert risposta.status_code == 403
    assert "livello 1, inferiore al livello 2 richiesto" in risposta.content.decode()
    assert "_auth_user_id" not in client.session


def test_livello_1_registrato_ma_non_forte(client, op):
    op.prossima_identita = {"acr": "https://www.spid.gov.it/SpidL1"}
    assert accedi(client, op, "fonte=spid&livello=1").status_code == 302
    auth = client.get("/identita/").context["autenticazione"]
    assert auth.livello == 1 and not auth.forte


def test_acr_sconosciuto_rifiutato(client, op):
    op.prossima_identita = {"acr": "urn:qualcosa:password"}
    risposta = accedi(client, op)
    assert (
        risposta.status_code == 403 and "livello di autenticazione SPID o CIE riconosciuto" in risposta.content.decode()
    )


def test_codice_fiscale_sconosciuto_nessun_utente_creato(client, op, django_user_model):
    utenti = django_user_model.objects.count()
    op.prossima_identita = {"fiscalNumber": "TINIT-RSSMRA85T10A562S"}
    risposta = accedi(client, op)
    assert risposta.status_code == 403
    testo = risposta.content.decode()
    assert "Nessun utente del Negozio Elettronico è associato al codice fiscale RSSMRA85T10A562S" in testo
    assert django_user_model.objects.count() == utenti
    assert "_auth_user_id" not in client.session
    voce = VoceAudit.objects.filter(azione="identita.accesso_rifiutato").latest("pk")
    assert voce.dati["codice_fiscale"] == "RSSMRA85T10A562S"


def test_utente_disattivato_non_entra(client, op, demo):
    utente = demo.user("aderente")
    utente.is_active = False
    utente.save()
    assert accedi(client, op).status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("guasto", "stato"),
    [
        ("firma", 400),  # signed with a key that is not the provider's
        ("nonce-sbagliato", 400),
        ("exp-sbagliato", 400),  # expired ID token
        ("iss-sbagliato", 403),
        ("aud-sbagliato", 403),
        ("senza-exp", 403),
        ("token-500", 502),
        ("annulla", 403),  # the user cancelled at the provider
    ],
)
def test_risposte_non_valide_mai_500_e_nessun_accesso(client, op, guasto, stato):
    op.guasto = guasto
    risposta = accedi(client, op)
    assert risposta.status_code == stato
    assert "_auth_user_id" not in client.session
    assert "Accesso con SPID/CIE non riuscito" in risposta.content.decode()


def test_stato_sconosciuto_rifiutato(client, op):
    client.get("/identita/oidc/avvia/?fonte=spid")
    risposta = client.get("/identita/oidc/callback/?code=x&state=inventato")
    assert risposta.status_code == 400
    assert "_auth_user_id" not in client.session


def test_codice_riusato_rifiutato(client, op):
    avvio = client.get("/identita/oidc/avvia/?fonte=spid")
    callback = urlparse(requests.get(avvio["Location"], allow_redirects=False, timeout=5).headers["Location"])
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    client.logout()
    risposta = client.get(f"{callback.path}?{callback.query}")
    assert risposta.status_code in (400, 403)
    assert "_auth_user_id" not in client.session


def test_provider_irraggiungibile(client, op):
    with override_settings(OIDC_OP_TOKEN_ENDPOINT="http://127.0.0.1:9/token", OIDC_TIMEOUT=2):
        risposta = accedi(client, op)
    assert risposta.status_code == 502
    assert "non ha risposto correttamente" in risposta.content.decode()


def test_step_up_dello_stesso_utente_aggiorna_il_livello(client, op):
    accedi(client, op)
    op.prossima_identita = {"acr": "https://www.spid.gov.it/SpidL3"}
    accedi(client, op, "fonte=spid&livello=3&forza=1")
    auth = client.get("/identita/").context["autenticazione"]
    assert auth.livello == 3


def test_spento_404(client, demo):
    assert client.get("/identita/oidc/avvia/?fonte=spid").status_code == 404
    assert client.get("/identita/oidc/callback/?code=x&state=y").status_code == 404


def test_login_mostra_spid_e_cie_quando_attivo(client, op):
    testo = client.get("/account/accedi/?next=/area-riservata/").content.decode()
    assert "Entra con SPID" in testo and "Entra con CIE" in testo
    assert "/identita/oidc/avvia/?fonte=spid&amp;livello=2&amp;next=%2Farea-riservata%2F" in testo


def test_next_esterno_non_seguito(client, op):
    risposta = accedi(client, op, "fonte=spid&next=https://evil.example/")
    assert risposta.status_code == 302 and "evil.example" not in risposta["Location"]


def test_parametri_richiesti_registrati_per_state(client, op):
    avvio = client.get("/identita/oidc/avvia/?fonte=cie&livello=3&forza=1")
    state = parse_qs(urlparse(avvio["Location"]).query)["state"][0]
    richiesta = client.session["identita_oidc_richieste"][state]
    assert (richiesta["fonte"], richiesta["livello"], richiesta["forza"]) == ("cie", 3, True)


def _provider_nel_pulsante(html):
    import re

    return [
        (idp.replace("&amp;", "&"), href.replace("&amp;", "&"))
        for href, idp in re.findall(r'<a class="dropdown-item list-item" href="([^"]+)" data-idp="([^"]+)"', html)
    ]


def test_pulsante_spid_ufficiale_con_i_gestori_nel_login_e_nell_intestazione(client, op):
    from identita.spid_idp import PROVIDER

    html = client.get("/account/accedi/?next=/area-riservata/").content.decode()
    voci = _provider_nel_pulsante(html)
    assert sorted(idp for idp, _ in voci) == sorted(p[1] for p in PROVIDER)
    for idp, href in voci:
        query = parse_qs(urlparse(href).query)
        assert query["idp"] == [idp] and query["fonte"] == ["spid"] and query["next"] == ["/area-riservata/"]
    assert "Non hai SPID?" in html and 'data-fonte="cie"' in html
    assert 'alt="Poste Italiane SpA"' in html  # each provider's logo has its name as text
    intestazione = client.get("/contratti/").content.decode()
    intestazione = intestazione[: intestazione.index("</header>")]
    assert "Entra con SPID" in intestazione and "Entra con CIE" in intestazione
    assert len(_provider_nel_pulsante(intestazione)) == len(PROVIDER)


def test_il_gestore_scelto_arriva_al_gateway(client, op):
    accedi(client, op, "fonte=spid&livello=2&idp=https://posteid.poste.it")
    assert op.richieste_autorizzazione[-1]["idp_hint"] == "https://posteid.poste.it"


@pytest.mark.parametrize("parametri", ["fonte=spid&idp=https://evil.example", "fonte=cie&idp=https://posteid.poste.it"])
def test_gestore_sconosciuto_400_con_messaggio(client, op, parametri):
    risposta = client.get(f"/identita/oidc/avvia/?{parametri}")
    assert risposta.status_code == 400
    assert "Gestore dell&#x27;identità SPID non riconosciuto" in risposta.content.decode()
    assert not op.richieste_autorizzazione


def test_senza_spid_cie_nessun_pulsante_ufficiale(client, demo):
    html = client.get("/account/accedi/").content.decode()
    assert "italia-it-button" not in html
