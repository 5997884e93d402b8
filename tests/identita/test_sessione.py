"""The session record of how the user logged in, and the strong-authentication check."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from audit.models import VoceAudit
from audit.services import verifica_catena
from identita import services
from identita.services import AutenticazioneInsufficiente, verifica_autenticazione_forte

CF_ADERENTE = "BNCLRA75E45G999M"
CF_ADERENTE2 = "NREPLA82M50G999L"


@pytest.fixture
def richiesta(demo):
    """A request of the demo RUP of Comune di Firenze, with a real session."""

    def _richiesta(username="aderente"):
        request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
        request.session = SessionStore()
        request.user = demo.user(username)
        return request

    return _richiesta


def test_registra_e_rilegge_accesso_spid(richiesta):
    request = richiesta()
    prima = timezone.now()
    auth = services.registra_autenticazione(request, fonte="spid", livello=2, codice_fiscale="tinit-" + CF_ADERENTE)
    assert auth == services.autenticazione(request)
    assert (auth.fonte, auth.livello, auth.codice_fiscale, auth.simulata) == ("spid", 2, CF_ADERENTE, False)
    assert auth.quando.tzinfo is not None and prima <= auth.quando <= timezone.now()
    assert auth.forte
    assert not services.e_simulata(request)


def test_accesso_registrato_nel_registro_di_audit(richiesta):
    request = richiesta()
    services.registra_autenticazione(request, fonte="cie", livello=3, codice_fiscale=CF_ADERENTE)
    voce = VoceAudit.objects.filter(azione="identita.accesso").latest("pk")
    assert voce.utente == request.user
    assert voce.ip == "10.1.2.3"
    assert voce.dati["fonte"] == "cie" and voce.dati["livello"] == 3 and voce.dati["codice_fiscale"] == CF_ADERENTE
    assert verifica_catena() == []


@pytest.mark.parametrize(
    ("fonte", "livello", "forte"),
    [
        ("password", 1, False),
        ("spid", 1, False),
        ("spid", 2, True),
        ("cie", 2, True),
        ("cie", 1, False),
        ("cns", 3, True),
    ],
)
def test_forte_solo_spid_cie_cns_da_livello_2(richiesta, fonte, livello, forte):
    request = richiesta()
    assert services.registra_autenticazione(request, fonte=fonte, livello=livello).forte is forte


def test_cns_sempre_livello_3(richiesta):
    request = richiesta()
    assert services.registra_autenticazione(request, fonte="cns", livello=2).livello == 3


@pytest.mark.parametrize(
    ("kwargs", "errore"),
    [
        ({"fonte": "facebook", "livello": 2}, "fonte"),
        ({"fonte": "spid", "livello": 4}, "livello"),
        ({"fonte": "password", "livello": 2}, "password"),
        ({"fonte": "spid", "livello": 2, "quando": datetime.datetime(2025, 1, 1, 10, 0)}, "fuso"),
    ],
)
def test_valori_non_ammessi_rifiutati(richiesta, kwargs, errore):
    with pytest.raises(ValueError, match=errore):
        services.registra_autenticazione(richiesta(), **kwargs)


def test_registrazione_di_un_altro_utente_non_vale(richiesta, demo):
    request = richiesta()
    services.registra_autenticazione(request, fonte="spid", livello=2, codice_fiscale=CF_ADERENTE)
    request.user = demo.user("aderente2")
    assert services.autenticazione(request) is None


def test_e_simulata(richiesta):
    request = richiesta()
    services.registra_autenticazione(request, fonte="spid", livello=2, codice_fiscale=CF_ADERENTE, simulata=True)
    assert services.e_simulata(request)


# --- verifica_autenticazione_forte -------------------------------------------------------------


def test_verifica_passa_per_il_rup(richiesta):
    request = richiesta()
    services.registra_autenticazione(request, fonte="spid", livello=2, codice_fiscale=CF_ADERENTE)
    auth = verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE.lower())
    assert auth.codice_fiscale == CF_ADERENTE


def test_nessuna_registrazione_non_e_forte(richiesta):
    with pytest.raises(AutenticazioneInsufficiente) as exc:
        verifica_autenticazione_forte(richiesta(), codice_fiscale_atteso=CF_ADERENTE)
    assert exc.value.motivo == "non_forte"
    assert str(exc.value) == services.MSG_NON_FORTE


def test_password_non_e_forte(richiesta):
    request = richiesta()
    services.registra_autenticazione(request, fonte="password", livello=1)
    with pytest.raises(AutenticazioneInsufficiente) as exc:
        verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE)
    assert str(exc.value) == (
        "Questa operazione richiede l'accesso con SPID, CIE o CNS del RUP dell'amministrazione aderente."
    )


def test_autenticazione_vecchia_chiede_step_up(richiesta, settings):
    settings.SCT_STRONG_AUTH_MAX_AGE_MIN = 60
    request = richiesta()
    services.registra_autenticazione(
        request,
        fonte="spid",
        livello=2,
        codice_fiscale=CF_ADERENTE,
        quando=timezone.now() - datetime.timedelta(minutes=61),
    )
    with pytest.raises(AutenticazioneInsufficiente) as exc:
        verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE)
    assert exc.value.motivo == "scaduta"
    assert str(exc.value) == "L'autenticazione forte è scaduta: accedi di nuovo con SPID, CIE o CNS."
    # The same login is fine with a looser window given by the caller.
    verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE, max_eta=datetime.timedelta(hours=2))


def test_livello_troppo_basso(richiesta):
    request = richiesta()
    services.registra_autenticazione(request, fonte="spid", livello=2, codice_fiscale=CF_ADERENTE)
    with pytest.raises(AutenticazioneInsufficiente) as exc:
        verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE, livello_minimo=3)
    assert exc.value.motivo == "livello"
    assert "livello di autenticazione almeno 3" in str(exc.value) and "SPID di livello 2" in str(exc.value)


def test_spid_livello_1_non_basta(richiesta):
    request = richiesta()
    services.registra_autenticazione(request, fonte="spid", livello=1, codice_fiscale=CF_ADERENTE)
    with pytest.raises(AutenticazioneInsufficiente) as exc:
        verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE)
    assert exc.value.motivo == "livello"


def test_codice_fiscale_di_un_altra_persona(richiesta):
    request = richiesta("aderente2")
    services.registra_autenticazione(request, fonte="spid", livello=3, codice_fiscale=CF_ADERENTE2)
    with pytest.raises(AutenticazioneInsufficiente) as exc:
        verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE)
    assert exc.value.motivo == "codice_fiscale"
    assert CF_ADERENTE2 in str(exc.value) and "non è quello del RUP" in str(exc.value)
    assert CF_ADERENTE not in str(exc.value)  # the RUP's codice fiscale is not disclosed


def test_rup_senza_codice_fiscale(richiesta):
    request = richiesta()
    services.registra_autenticazione(request, fonte="spid", livello=2, codice_fiscale=CF_ADERENTE)
    with pytest.raises(AutenticazioneInsufficiente) as exc:
        verifica_autenticazione_forte(request, codice_fiscale_atteso="")
    assert exc.value.motivo == "rup_senza_cf"


def test_simulata_non_vale_se_la_simulazione_e_spenta(richiesta, settings):
    request = richiesta()
    services.registra_autenticazione(request, fonte="spid", livello=2, codice_fiscale=CF_ADERENTE, simulata=True)
    verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE)
    settings.SCT_SIMULATED_SPID = False
    with pytest.raises(AutenticazioneInsufficiente) as exc:
        verifica_autenticazione_forte(request, codice_fiscale_atteso=CF_ADERENTE)
    assert exc.value.motivo == "non_forte"


def test_codici_fiscali_rup_dell_ente(demo, richiesta):
    assert services.codici_fiscali_rup(demo.firenze) == [CF_ADERENTE]
    request = richiesta()
    services.registra_autenticazione(request, fonte="cie", livello=2, codice_fiscale=CF_ADERENTE)
    verifica_autenticazione_forte(request, codice_fiscale_atteso=services.codici_fiscali_rup(demo.firenze))
    with pytest.raises(AutenticazioneInsufficiente):
        verifica_autenticazione_forte(request, codice_fiscale_atteso=services.codici_fiscali_rup(demo.prato))


def test_e_un_permission_denied():
    from django.core.exceptions import PermissionDenied

    assert issubclass(AutenticazioneInsufficiente, PermissionDenied)


# --- password login ---------------------------------------------------------------------------


def test_login_con_password_registra_fonte_password(client, demo, settings):
    risposta = client.post(
        "/account/accedi/", {"username": "aderente", "password": settings.SCT_DEMO_PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert risposta.status_code == 302
    pagina = client.get("/identita/")
    auth = pagina.context["autenticazione"]
    assert (auth.fonte, auth.livello, auth.codice_fiscale, auth.forte) == ("password", 1, "", False)
    assert "nome utente e password" in pagina.content.decode()
    voce = VoceAudit.objects.filter(azione="identita.accesso").latest("pk")
    assert voce.utente == demo.user("aderente") and voce.dati["fonte"] == "password" and voce.ip == "10.9.9.9"


def test_force_login_dei_test_registra_password(client_as):
    client = client_as("aderente")
    auth = client.get("/identita/").context["autenticazione"]
    assert auth.fonte == "password"


def test_pagina_stato_richiede_login(client):
    risposta = client.get("/identita/")
    assert risposta.status_code == 302 and "/account/accedi/" in risposta["Location"]
