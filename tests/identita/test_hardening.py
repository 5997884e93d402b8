"""Hardening: login throttling, CSP, security headers, idle timeout, `check --deploy` in production."""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory, override_settings

from identita.middleware import CHIAVE_ATTIVITA
from identita.rete import ip_cliente

ROOT = Path(__file__).resolve().parents[2]


# --- django-axes ------------------------------------------------------------------------------


def _tentativo(client, password, ip="192.0.2.10", username="aderente"):
    return client.post("/account/accedi/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_troppi_tentativi_bloccano_utente_da_quell_indirizzo(client, demo, settings):
    limite = settings.AXES_FAILURE_LIMIT
    for _ in range(limite - 1):
        risposta = _tentativo(client, "sbagliata")
        assert risposta.status_code == 200
        assert "Nome utente o password non corretti" in risposta.content.decode()
    bloccato = _tentativo(client, "sbagliata")
    assert bloccato.status_code == 429
    testo = bloccato.content.decode()
    assert "Troppi tentativi di accesso non riusciti" in testo and "Riprova tra 15 minuti" in testo
    # Even the right password is refused while locked…
    assert _tentativo(client, settings.SCT_DEMO_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # …but not from another address, nor for another user from the same address.
    assert _tentativo(client, settings.SCT_DEMO_PASSWORD, ip="192.0.2.99").status_code == 302
    client.logout()
    assert _tentativo(client, settings.SCT_DEMO_PASSWORD, username="aderente2").status_code == 302


def test_accesso_riuscito_azzera_i_tentativi(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _tentativo(client, "sbagliata")
    assert _tentativo(client, settings.SCT_DEMO_PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _tentativo(client, "sbagliata").status_code == 200


def test_client_login_senza_request_funziona_ancora(client, demo, settings):
    assert client.login(username="aderente", password=settings.SCT_DEMO_PASSWORD)


def test_ip_cliente_dietro_proxy_fidato():
    rf = RequestFactory()
    with override_settings(SCT_TRUSTED_PROXIES=["10.0.0.0/24"]):
        # Behind our proxy: the right-most address the proxy appended, not what the client prepended.
        r = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20")
        assert ip_cliente(r) == "198.51.100.20"
        r = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20, 10.0.0.7")
        assert ip_cliente(r) == "198.51.100.20"
        # Not from our proxy: the header is ignored.
        r = rf.get("/", REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
        assert ip_cliente(r) == "203.0.113.1"
    with override_settings(SCT_TRUSTED_PROXIES=[]):
        r = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20")
        assert ip_cliente(r) == "10.0.0.5"


# --- CSP and headers --------------------------------------------------------------------------


def _direttive(risposta):
    intestazione = risposta["Content-Security-Policy"]
    return {parti.split()[0]: parti.split()[1:] for parti in intestazione.split("; ")}


@pytest.mark.parametrize("url", ["/", "/contratti/", "/account/accedi/", "/identita/spid-simulato/"])
def test_csp_rigorosa_sulle_pagine_pubbliche(client, demo, url):
    risposta = client.get(url)
    assert risposta.status_code == 200
    csp = _direttive(risposta)
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'self'"]
    assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"]


def test_pagine_pubbliche_senza_script_inline(client, demo):
    """The strict CSP would block them in the browser: every <script> must have src or the nonce."""
    import re

    for url in ("/", "/contratti/", "/account/accedi/", "/documentazione/"):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=\"", html), url  # no inline event handlers


def test_csp_admin_permette_cio_che_serve_a_wagtail(client_as):
    client = client_as("editor")
    risposta = client.get("/admin/")
    assert risposta.status_code == 200
    csp = _direttive(risposta)
    assert "'unsafe-inline'" in csp["script-src"] and "'unsafe-inline'" in csp["style-src"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'self'"]


def test_csp_solo_sui_documenti_html(client, demo):
    from wagtail.documents import get_document_model

    # JSON: no policy of ours.
    assert "Content-Security-Policy" not in client.get("/health/")
    # PDF: Wagtail's own "default-src 'none'" for served documents, left untouched (ours would add
    # object-src 'none', which stops the browser's PDF viewer).
    documento = get_document_model().objects.filter(file__endswith=".pdf").first()
    risposta = client.get(documento.url)
    assert risposta.status_code == 200 and risposta["Content-Type"] == "application/pdf"
    assert risposta["Content-Security-Policy"] == "default-src 'none'"


def test_intestazioni_di_sicurezza(client, demo):
    risposta = client.get("/")
    assert risposta["X-Content-Type-Options"] == "nosniff"
    assert risposta["Referrer-Policy"] == "same-origin"
    assert risposta["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in risposta["Permissions-Policy"] and "geolocation=()" in risposta["Permissions-Policy"]


# --- session idle timeout ---------------------------------------------------------------------


def test_sessione_scade_per_inattivita(client_as, settings):
    settings.SCT_SESSION_IDLE_TIMEOUT_MIN = 30
    client = client_as("aderente")
    assert client.get("/area-riservata/").status_code == 200
    sessione = client.session
    assert isinstance(sessione[CHIAVE_ATTIVITA], int)
    sessione[CHIAVE_ATTIVITA] = int(time.time()) - 31 * 60
    sessione.save()
    risposta = client.get("/area-riservata/", follow=True)
    assert risposta.redirect_chain[0][0].startswith("/account/accedi/")
    assert "La sessione è scaduta per inattività" in risposta.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessione_attiva_non_scade(client_as, settings):
    settings.SCT_SESSION_IDLE_TIMEOUT_MIN = 30
    client = client_as("aderente")
    client.get("/area-riservata/")
    sessione = client.session
    sessione[CHIAVE_ATTIVITA] = int(time.time()) - 29 * 60
    sessione.save()
    assert client.get("/area-riservata/").status_code == 200
    assert client.session[CHIAVE_ATTIVITA] >= int(time.time()) - 5  # refreshed


# --- production settings ----------------------------------------------------------------------


def _ambiente_produzione(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCT_", "DJANGO_", "OIDC_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sct_site.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "sct.example.it",
            "SCT_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **extra,
        }
    )
    return env


def _manage(env, *argomenti):
    return subprocess.run(
        [sys.executable, "manage.py", *argomenti], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_pulito_in_produzione(tmp_path):
    esito = _manage(_ambiente_produzione(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert esito.returncode == 0, esito.stdout + esito.stderr
    assert "System check identified no issues" in esito.stdout


def test_check_deploy_pulito_con_spid_cie_e_cns_configurati(tmp_path):
    env = _ambiente_produzione(
        tmp_path,
        SCT_OIDC_ENABLED="1",
        OIDC_RP_CLIENT_ID="sct",
        OIDC_RP_CLIENT_SECRET="segreto",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://gateway.example.it/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://gateway.example.it/token",
        OIDC_OP_JWKS_ENDPOINT="https://gateway.example.it/jwks",
        SCT_CNS_ENABLED="1",
        SCT_TRUSTED_PROXIES="10.0.0.0/24",
    )
    esito = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert esito.returncode == 0, esito.stdout + esito.stderr


def test_produzione_rifiuta_oidc_incompleto(tmp_path):
    esito = _manage(_ambiente_produzione(tmp_path, SCT_OIDC_ENABLED="1"), "check", "--deploy")
    assert esito.returncode != 0
    assert "identita.E002" in esito.stderr + esito.stdout


def test_produzione_rifiuta_spid_simulato(tmp_path):
    esito = _manage(_ambiente_produzione(tmp_path, SCT_SIMULATED_SPID="1"), "check")
    assert esito.returncode != 0
    assert "SCT_SIMULATED_SPID must be off in production" in esito.stderr


def test_impostazioni_test_non_sono_deploy():
    """Sanity: the suite runs with the simulated SPID, allowed only because SCT_ENVIRONMENT is "test"."""
    assert django_settings.SCT_SIMULATED_SPID and django_settings.SCT_ENVIRONMENT == "test"


def test_rapporti_csp_registrati_nel_log(client, caplog):
    rapporto = {
        "csp-report": {
            "document-uri": "https://sct.example.it/contratti/",
            "violated-directive": "script-src 'self'",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level("WARNING", logger="identita.csp"):
        risposta = client.post(
            "/identita/csp-report/", data=json.dumps(rapporto), content_type="application/csp-report"
        )
    assert risposta.status_code == 204
    assert "CSP: bloccato inline (script-src 'self') su https://sct.example.it/contratti/" in caplog.text
    assert client.get("/identita/csp-report/").status_code == 405
    assert client.post("/identita/csp-report/", data="non json", content_type="application/json").status_code == 400
    grande = "x" * (17 * 1024)
    assert client.post("/identita/csp-report/", data=grande, content_type="application/json").status_code == 413


def test_csp_indica_dove_inviare_i_rapporti(client, demo):
    assert _direttive(client.get("/"))["report-uri"] == ["/identita/csp-report/"]
