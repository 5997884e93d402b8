"""Two factors for the admin staff (SCT_ADMIN_2FA): TOTP with django-otp, or SPID/CIE L2+ / CNS."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import VoceAudit
from identita import checks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("due_fattori_attivi")]

PAGINA = "/identita/due-fattori/"


@pytest.fixture
def due_fattori_attivi(settings):
    settings.SCT_ADMIN_2FA = True


def _codice(device, passi_avanti=0):
    """The code the authenticator app shows now (or ``passi_avanti`` steps of 30 s later)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + passi_avanti):06d}"


def _accedi_con_password(client, username, settings):
    risposta = client.post("/account/accedi/", {"username": username, "password": settings.SCT_DEMO_PASSWORD})
    assert risposta.status_code == 302


def _nuovo_dispositivo(client, user):
    """The device whose QR code the page shows (its key waits in the session)."""
    from identita.due_fattori import CHIAVE_ATTIVAZIONE

    return TOTPDevice(user=user, key=client.session[CHIAVE_ATTIVAZIONE])


def _attiva(client, user):
    client.get(PAGINA)
    device = _nuovo_dispositivo(client, user)
    risposta = client.post(PAGINA, {"codice": _codice(device), "next": "/admin/"})
    assert risposta.status_code == 302 and risposta.url == "/admin/"
    return TOTPDevice.objects.get(user=user)


def test_admin_con_sola_password_porta_alla_verifica(client, demo, settings):
    _accedi_con_password(client, "editor", settings)
    risposta = client.get("/admin/pages/")
    assert risposta.status_code == 302
    assert risposta.url == PAGINA + "?next=%2Fadmin%2Fpages%2F"


def test_prima_volta_codice_qr_e_attivazione(client, demo, settings):
    _accedi_con_password(client, "editor", settings)
    pagina = client.get(PAGINA + "?next=/admin/pages/")
    testo = pagina.content.decode()
    assert pagina.status_code == 200
    assert "Attiva l'applicazione di autenticazione" in testo and 'class="segno"' in testo
    assert not TOTPDevice.objects.filter(user=demo.user("editor")).exists()  # not saved before its first code
    device = _nuovo_dispositivo(client, demo.user("editor"))
    assert device.config_url.startswith("otpauth://totp/SCT%20Negozio%20Elettronico")
    # The same key (and QR code) until it is confirmed.
    client.get(PAGINA)
    assert _nuovo_dispositivo(client, demo.user("editor")).key == device.key

    risposta = client.post(PAGINA, {"codice": _codice(device), "next": "/admin/pages/"})
    assert risposta.status_code == 302 and risposta.url == "/admin/pages/"
    salvato = TOTPDevice.objects.get(user=demo.user("editor"))
    assert salvato.confirmed and salvato.key == device.key
    assert client.get("/admin/pages/").status_code == 200
    azioni = set(VoceAudit.objects.filter(object_id=str(demo.user("editor").pk)).values_list("azione", flat=True))
    assert {"identita.due_fattori.attivato", "identita.due_fattori.verificato"} <= azioni


def test_sessione_nuova_chiede_il_codice_senza_qr(client, demo, settings):
    _accedi_con_password(client, "editor", settings)
    device = _attiva(client, demo.user("editor"))
    client.post("/account/esci/")
    _accedi_con_password(client, "editor", settings)
    assert client.get("/admin/").status_code == 302
    pagina = client.get(PAGINA).content.decode()
    assert (
        "Inserisci il codice di 6 cifre" in pagina
        and 'class="segno"' not in pagina
        and 'data-testid="segreto"' not in pagina
    )
    # The code already used is refused (django-otp does not accept a code twice), also when the 30 s step
    # has moved on meanwhile; the code of the next step works.
    usato, prossimo = (f"{hotp(device.bin_key, device.last_t + n, device.digits):06d}" for n in (0, 1))
    assert client.post(PAGINA, {"codice": usato}).status_code == 400
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # past the wait after a failure (1 s)
    assert client.post(PAGINA, {"codice": prossimo, "next": "/admin/"}).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "codice,messaggio",
    [
        ("", "Inserisci il codice di 6 cifre"),
        ("12ab56", "Il codice è formato da 6 cifre"),
        ("1234567890123", "Il codice è formato da 6 cifre"),
        ("000000", "Il codice non è valido o è scaduto"),
    ],
)
def test_codice_errato_o_malformato(client, demo, settings, codice, messaggio):
    _accedi_con_password(client, "editor", settings)
    client.get(PAGINA)
    risposta = client.post(PAGINA, {"codice": codice})
    assert risposta.status_code == 400
    assert messaggio in risposta.content.decode()
    assert not TOTPDevice.objects.filter(user=demo.user("editor")).exists()
    assert client.get("/admin/").status_code == 302


def test_troppi_codici_errati_fanno_attendere(client, demo, settings):
    _accedi_con_password(client, "editor", settings)
    device = _attiva(client, demo.user("editor"))
    client.post("/account/esci/")
    _accedi_con_password(client, "editor", settings)
    assert client.post(PAGINA, {"codice": "000000"}).status_code == 400
    risposta = client.post(PAGINA, {"codice": _codice(device, passi_avanti=1)})
    assert risposta.status_code == 429
    assert "Troppi codici errati: attendi" in risposta.content.decode()
    assert client.get("/admin/").status_code == 302


def test_spid_livello_2_vale_come_secondo_fattore(client, demo):
    banditore = demo.user("banditore")
    client.post("/identita/spid-simulato/", {"utente": banditore.pk, "livello": 2})
    assert client.get("/admin/").status_code == 200
    assert not TOTPDevice.objects.filter(user=banditore).exists()


def test_spid_livello_1_non_basta(client, demo):
    client.post("/identita/spid-simulato/", {"utente": demo.user("banditore").pk, "livello": 1})
    assert client.get("/admin/").status_code == 302


def test_utenti_senza_admin_non_sono_toccati(client, demo, settings):
    _accedi_con_password(client, "aderente", settings)
    assert client.get(PAGINA).status_code == 404
    assert client.get("/area-riservata/").status_code == 200
    risposta = client.get("/admin/")
    assert risposta.status_code == 302 and risposta.url.startswith("/admin/login/")


def test_pagine_pubbliche_e_area_riservata_senza_secondo_fattore(client, demo, settings):
    _accedi_con_password(client, "banditore", settings)
    assert client.get("/contratti/").status_code == 200
    assert client.get("/area-riservata/").status_code == 200


def test_next_esterno_ignorato(client, demo, settings):
    _accedi_con_password(client, "editor", settings)
    client.get(PAGINA)
    device = _nuovo_dispositivo(client, demo.user("editor"))
    risposta = client.post(PAGINA, {"codice": _codice(device), "next": "https://altro.example/admin/"})
    assert risposta.status_code == 302 and not risposta.url.startswith("https://altro.example")


def test_spento_nessuna_verifica(client, demo, settings):
    settings.SCT_ADMIN_2FA = False
    _accedi_con_password(client, "editor", settings)
    assert client.get("/admin/").status_code == 200


def test_azzera_due_fattori(client, demo, settings):
    _accedi_con_password(client, "editor", settings)
    _attiva(client, demo.user("editor"))
    uscita = io.StringIO()
    call_command("azzera_due_fattori", "editor", stdout=uscita)
    assert "Dispositivi eliminati per editor: 1" in uscita.getvalue()
    assert not TOTPDevice.objects.filter(user=demo.user("editor")).exists()
    assert VoceAudit.objects.filter(azione="identita.due_fattori.azzerato").exists()


def test_controllo_di_deploy():
    with override_settings(SCT_ENVIRONMENT="production", SCT_ADMIN_2FA=False):
        assert [a.id for a in checks.due_fattori_admin(None)] == ["identita.W010"]
    with override_settings(SCT_ENVIRONMENT="production", SCT_ADMIN_2FA=True):
        assert checks.due_fattori_admin(None) == []
