"""The gate as views use it: decorator, mixin, direct call; the 403 page and its step-up links."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from identita import services

pytestmark = pytest.mark.urls("tests.identita.urls_prova")

CF_ADERENTE = "BNCLRA75E45G999M"


def _spid_simulato(client, username="aderente", livello=2, next_url=""):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    risposta = client.post("/identita/spid-simulato/", {"utente": user.pk, "livello": livello, "next": next_url})
    assert risposta.status_code == 302
    return risposta


def test_anonimo_va_al_login(client, demo):
    risposta = client.get("/prova/conferma-appalto/")
    assert risposta.status_code == 302
    assert risposta["Location"].startswith("/account/accedi/?next=/prova/conferma-appalto/")


def test_password_rifiutata_con_motivo_e_ingressi(client_as):
    client = client_as("aderente")
    risposta = client.get("/prova/conferma-appalto/")
    assert risposta.status_code == 403
    testo = risposta.content.decode()
    assert services.MSG_NON_FORTE.replace("'", "&#x27;") in testo
    assert 'data-motivo="non_forte"' in testo
    # The simulated SPID entry (tests and demo) comes back to the page, at the level the action needs.
    link = next(_link(testo, "spid-simulato"))
    query = parse_qs(urlparse(link).query)
    assert query["next"] == ["/prova/conferma-appalto/"] and query["livello"] == ["2"]


def _link(html, fonte):
    import re

    for trovato in re.finditer(r'href="([^"]+)" data-fonte="([^"]+)"', html):
        if trovato.group(2) == fonte:
            yield trovato.group(1).replace("&amp;", "&")


def test_rup_con_spid_passa_e_ritorna_alla_pagina(client, demo):
    risposta = _spid_simulato(client, next_url="/prova/conferma-appalto/")
    assert risposta["Location"] == "/prova/conferma-appalto/"
    assert client.get("/prova/conferma-appalto/").content == b"appalto confermato"


def test_altro_rup_rifiutato(client, demo):
    _spid_simulato(client, username="aderente2")
    risposta = client.get("/prova/conferma-appalto/")
    assert risposta.status_code == 403
    assert risposta.context["motivo"] == "codice_fiscale"
    assert "NREPLA82M50G999L" in risposta.content.decode()


def test_livello_insufficiente_e_step_up(client, demo):
    _spid_simulato(client, livello=2)
    risposta = client.get("/prova/livello-3/")
    assert risposta.status_code == 403 and risposta.context["motivo"] == "livello"
    link = next(_link(risposta.content.decode(), "spid-simulato"))
    assert parse_qs(urlparse(link).query)["livello"] == ["3"]
    _spid_simulato(client, livello=3)
    assert client.get("/prova/livello-3/").content == b"ok livello 3"


def test_autenticazione_scaduta(client, demo, settings):
    _spid_simulato(client)
    sessione = client.session
    dati = sessione[services.CHIAVE_SESSIONE]
    dati["quando"] = (timezone.now() - datetime.timedelta(minutes=settings.SCT_STRONG_AUTH_MAX_AGE_MIN + 1)).isoformat()
    sessione[services.CHIAVE_SESSIONE] = dati
    sessione.save()
    risposta = client.get("/prova/conferma-appalto/")
    assert risposta.status_code == 403 and risposta.context["motivo"] == "scaduta"
    assert "L&#x27;autenticazione forte è scaduta" in risposta.content.decode()


def test_mixin_post_torna_alla_pagina_del_modulo(client_as):
    client = client_as("aderente")
    risposta = client.post("/prova/acquisisci-cig/", HTTP_REFERER="http://testserver/contratti/sct/ordini/7/?passo=1")
    assert risposta.status_code == 403
    assert risposta.context["ritorno"] == "/contratti/sct/ordini/7/?passo=1"
    # A referer on another site is not used as the way back.
    risposta = client.post("/prova/acquisisci-cig/", HTTP_REFERER="https://evil.example/x")
    assert risposta.context["ritorno"] == "/prova/acquisisci-cig/"


def test_mixin_passa_con_spid(client, demo):
    _spid_simulato(client)
    assert client.post("/prova/acquisisci-cig/").content == b"CIG richiesto"


def test_chiamata_diretta_mostra_la_stessa_pagina(client_as, client):
    c = client_as("aderente")
    risposta = c.get("/prova/diretta/")
    assert risposta.status_code == 403
    assert risposta.context["motivo"] == "non_forte"
    assert "Autenticazione forte richiesta" in risposta.content.decode()
    _spid_simulato(c)
    assert c.get("/prova/diretta/").content == b"diretta ok"


def test_pagina_403_con_oidc_offre_spid_e_cie_forzati(client_as, settings):
    settings.SCT_OIDC_ENABLED = True
    client = client_as("aderente")
    html = client.get("/prova/livello-3/").content.decode()
    query = parse_qs(urlparse(next(_link(html, "cie"))).query)
    assert query == {"fonte": ["cie"], "livello": ["3"], "forza": ["1"], "next": ["/prova/livello-3/"]}
    # SPID: one link per identity provider of AgID's button, each with the provider chosen.
    import re

    link_spid = re.findall(r'href="([^"]+)" data-idp="([^"]+)"', html)
    assert link_spid
    for href, idp in link_spid:
        query = parse_qs(urlparse(href.replace("&amp;", "&")).query)
        assert query == {
            "fonte": ["spid"],
            "livello": ["3"],
            "forza": ["1"],
            "next": ["/prova/livello-3/"],
            "idp": [idp],
        }
