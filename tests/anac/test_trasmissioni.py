"""``anac.services.chiama``: every exchange with ANAC ends in the Log Trasmissioni, including
refusals, timeouts, 5xx, network errors and duplicated answers injected in the simulator."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from anac.client import ErroreANAC, leggi_esito
from anac.models import EsitoANAC, Trasmissione
from anac.services import chiama, trasmissioni_di
from tests.anac.helpers import RUP_FIRENZE, ad4

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def ente(demo):
    return demo.firenze


def _chiama(servizio, *args, ente, **kwargs):
    return chiama(servizio, *args, oggetto=ente, codice_fiscale=RUP_FIRENZE, **kwargs)


def _confermato(ente):
    id_appalto = _chiama("crea-appalto", ad4(), ente=ente)["idAppalto"]
    _chiama("conferma-appalto", id_appalto, ente=ente)
    _chiama("esito-operazione", id_appalto, "AP_CONF", ente=ente)
    _chiama("esito-operazione", id_appalto, "AP_CONF", ente=ente)
    return id_appalto


def test_ogni_servizio_lascia_una_riga(simulatore_anac, ente, demo):
    aderente = demo.user("aderente")
    id_appalto = chiama("crea-appalto", ad4(), oggetto=ente, utente=aderente, contratto=demo.sct)["idAppalto"]
    chiama("conferma-appalto", id_appalto, oggetto=ente, utente=aderente, contratto=demo.sct)
    attesa = chiama("esito-operazione", id_appalto, "AP_CONF", oggetto=ente, utente=aderente)
    esito = chiama("esito-operazione", id_appalto, "AP_CONF", oggetto=ente, utente=aderente)
    cig = chiama("recupera-cig", id_appalto, oggetto=ente, utente=aderente)["result"][0]["cig"]
    chiama("stato-appalto", id_appalto, oggetto=ente, utente=aderente)
    assert (leggi_esito(attesa)["esito"], leggi_esito(esito)["esito"]) == ("WT", "OK")

    righe = list(trasmissioni_di(ente).order_by("pk"))
    assert [(r.servizio, r.esito) for r in righe] == [
        ("crea-appalto", EsitoANAC.OK),
        ("conferma-appalto", EsitoANAC.OK),
        ("esito-operazione", EsitoANAC.WT),
        ("esito-operazione", EsitoANAC.OK),
        ("recupera-cig", EsitoANAC.OK),
        ("stato-appalto", EsitoANAC.OK),
    ]
    assert all(r.id_appalto == id_appalto and r.http_status == 200 for r in righe)
    assert all(r.utente == aderente for r in righe)
    assert righe[0].contratto_id == demo.sct.pk
    assert righe[0].richiesta["scheda"]["codice"] == "AD4"
    assert righe[0].risposta["idAppalto"] == id_appalto
    assert righe[4].cig == cig
    assert righe[2].risposta["listaEsiti"][0]["esito"]["codice"] == "WT"


def test_ko_anac(simulatore_anac, ente):
    simulatore_anac.guasto(servizio="crea-appalto", tipo="ko", codice="ERR41")
    with pytest.raises(ErroreANAC) as rifiuto:
        _chiama("crea-appalto", ad4(), ente=ente)
    assert (rifiuto.value.codice, rifiuto.value.transitorio, rifiuto.value.http_status) == ("ERR41", False, 400)
    riga = trasmissioni_di(ente).get()
    assert (riga.esito, riga.codice_errore, riga.http_status, riga.transitorio) == (EsitoANAC.KO, "ERR41", 400, False)
    assert riga.messaggio == "errore generico durante la validazione dei dati della scheda"
    assert riga.risposta["errori"][0]["codice"] == "ERR41"


def test_esito_ko(simulatore_anac, ente):
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="esito_ko", codice="ERR98", messaggio="CIG non valido")
    id_appalto = _chiama("crea-appalto", ad4(), ente=ente)["idAppalto"]
    _chiama("conferma-appalto", id_appalto, ente=ente)
    _chiama("esito-operazione", id_appalto, "AP_CONF", ente=ente)
    _chiama("esito-operazione", id_appalto, "AP_CONF", ente=ente)
    ultima = trasmissioni_di(ente).first()
    assert (ultima.servizio, ultima.esito, ultima.codice_errore, ultima.messaggio) == (
        "esito-operazione",
        EsitoANAC.KO,
        "ERR98",
        "CIG non valido",
    )


def test_timeout(simulatore_anac, ente, settings):
    settings.SCT_ANAC_TIMEOUT = 0.5
    id_appalto = _chiama("crea-appalto", ad4(), ente=ente)["idAppalto"]
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="timeout", ritardo=2)
    with pytest.raises(ErroreANAC) as scaduto:
        _chiama("conferma-appalto", id_appalto, ente=ente)
    assert (scaduto.value.codice, scaduto.value.transitorio) == ("TIMEOUT", True)
    assert "potrebbe essere stata comunque ricevuta" in scaduto.value.messaggio
    riga = trasmissioni_di(ente).first()
    assert (riga.servizio, riga.esito, riga.codice_errore, riga.http_status) == (
        "conferma-appalto",
        EsitoANAC.ERRORE,
        "TIMEOUT",
        None,
    )
    assert riga.transitorio and riga.durata_ms >= 500
    # The answer was lost, not the request: ANAC is confirming the appalto.
    esito = _chiama("esito-operazione", id_appalto, "AP_CONF", ente=ente)
    assert leggi_esito(esito)["esito"] == "WT"


@pytest.mark.parametrize("status", [500, 503])
def test_errore_5xx(simulatore_anac, ente, status):
    simulatore_anac.guasto(servizio="crea-appalto", tipo="errore_http", status=status)
    with pytest.raises(ErroreANAC) as guasto:
        _chiama("crea-appalto", ad4(), ente=ente)
    assert (guasto.value.codice, guasto.value.transitorio, guasto.value.http_status) == (f"HTTP_{status}", True, status)
    riga = trasmissioni_di(ente).get()
    assert (riga.esito, riga.http_status, riga.transitorio) == (EsitoANAC.ERRORE, status, True)
    assert f"non è al momento disponibile (errore {status})" in riga.messaggio
    assert [r["status"] for r in simulatore_anac.richieste("crea-appalto")] == [status]


def test_rete_assente(ente, settings):
    settings.SCT_ANAC_BASE_URL = "http://127.0.0.1:9/pcp/"  # discard port: nobody listens
    with pytest.raises(ErroreANAC) as assente:
        _chiama("stato-appalto", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", ente=ente)
    assert (assente.value.codice, assente.value.transitorio) == ("CONNESSIONE", True)
    riga = trasmissioni_di(ente).get()
    assert (riga.esito, riga.codice_errore, riga.url) == (
        EsitoANAC.ERRORE,
        "CONNESSIONE",
        "http://127.0.0.1:9/pcp/stato-appalto",
    )


def test_risposta_duplicata_oggetto(simulatore_anac, ente):
    simulatore_anac.guasto(servizio="crea-appalto", tipo="duplicato")
    creato = _chiama("crea-appalto", ad4(), ente=ente)
    assert creato["idAppalto"]
    riga = trasmissioni_di(ente).get()
    assert (riga.esito, riga.risposta_duplicata) == (EsitoANAC.OK, True)
    assert "due volte" in riga.messaggio
    assert riga.risposta["idAppalto"] == creato["idAppalto"]


def test_risposta_duplicata_elenchi(simulatore_anac, ente):
    id_appalto = _confermato(ente)
    simulatore_anac.guasto(servizio="recupera-cig", tipo="duplicato")
    simulatore_anac.guasto(servizio="esito-operazione", tipo="duplicato")
    cig = _chiama("recupera-cig", id_appalto, ente=ente)["result"]
    esito = _chiama("esito-operazione", id_appalto, "AP_CONF", ente=ente)
    assert len(cig) == 1 and len(esito["listaEsiti"]) == 1  # one CIG per lotto, one outcome
    riga_esito, riga_cig = trasmissioni_di(ente)[:2]  # newest first
    assert (riga_esito.servizio, riga_esito.esito, riga_esito.risposta_duplicata) == (
        "esito-operazione",
        EsitoANAC.OK,
        True,
    )
    assert (riga_cig.servizio, riga_cig.esito, riga_cig.risposta_duplicata) == ("recupera-cig", EsitoANAC.OK, True)
    assert "esito ripetuto" in riga_esito.messaggio and "CIG ripetuto" in riga_cig.messaggio
    assert len(riga_cig.risposta["result"]) == 2  # the log keeps the answer as received


def test_ora_e_template(simulatore_anac, ente):
    simulatore_anac.guasto(servizio="crea-appalto", tipo="ko", codice="ERR98", messaggio="CIG non valido")
    with pytest.raises(ErroreANAC):
        _chiama("crea-appalto", ad4(), ente=ente)
    _chiama("crea-appalto", ad4(), ente=ente)
    righe = trasmissioni_di(ente)
    html = render_to_string("anac/includes/log_trasmissioni.html", {"trasmissioni": righe})
    assert "<table" in html and "<caption" in html and 'scope="col"' in html
    assert "Crea appalto" in html and "ERR98" in html and "CIG non valido" in html
    assert "Negativo" in html and "Positivo" in html
    assert timezone.localtime(righe[0].creato_il).strftime("%d/%m/%Y %H:%M") in html
    assert (
        render_to_string("anac/includes/log_trasmissioni.html", {"trasmissioni": Trasmissione.objects.none()}).count(
            "Nessuna trasmissione"
        )
        == 1
    )
