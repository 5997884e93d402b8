"""ANAC's rules on the schede after the CIG, as the simulator enforces them: ANN only on an appalto
with a CIG, one CIG per scheda, no ANN after an execution-phase scheda (SC1), nothing after ANN."""

import datetime
from decimal import Decimal

import pytest

from anac.client import ClientPCP, ErroreANAC, leggi_esito
from anac.services import payload_ann, payload_sc1
from tests.anac.helpers import RUP_FIRENZE, RUP_PRATO, ad4

pytestmark = pytest.mark.integration


@pytest.fixture
def client(simulatore_anac):
    return ClientPCP(codice_fiscale=RUP_FIRENZE)


@pytest.fixture
def appalto(client):
    """An appalto with its CIG: (idAppalto, CIG, idPartecipante of the mandataria)."""
    payload = ad4()
    id_appalto = client.crea_appalto(payload)["idAppalto"]
    client.conferma_appalto(id_appalto)
    client.esito_operazione(id_appalto, "AP_CONF")
    assert leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))["esito"] == "OK"
    cig = client.recupera_cig(id_appalto)["result"][0]["cig"]
    partecipante = payload["scheda"]["body"]["anacForm"]["aggiudicazioni"][0]["partecipanti"][0]["idPartecipante"]
    return id_appalto, cig, partecipante


def _sc1(id_appalto, cig, partecipante):
    return payload_sc1(
        id_appalto=id_appalto,
        cig=cig,
        id_partecipante=partecipante,
        codice_ausa="0000123456",
        data_stipula=datetime.date(2025, 4, 1),
        data_decorrenza=datetime.date(2025, 4, 1),
        data_scadenza=datetime.date(2026, 10, 2),
        importo_cauzione=Decimal("0"),
    )


def _invia(client, id_appalto, payload):
    """crea-scheda + conferma-scheda + the polls until the outcome: (idScheda, esito)."""
    id_scheda = client.crea_scheda(payload)["idScheda"]
    client.conferma_scheda(id_appalto, id_scheda)
    while (esito := leggi_esito(client.esito_operazione(id_appalto, "SC_CONF")))["esito"] == "WT":
        pass
    assert esito["id_scheda"] == id_scheda
    return id_scheda, esito


def _rifiuto(chiamata):
    with pytest.raises(ErroreANAC) as errore:
        chiamata()
    assert not errore.value.transitorio
    return errore.value


def test_ann_confermata_annulla_il_lotto(client, appalto):
    id_appalto, cig, _ = appalto
    id_scheda = client.crea_scheda(payload_ann(id_appalto=id_appalto, cig=cig))["idScheda"]
    client.conferma_scheda(id_appalto, id_scheda)
    assert _rifiuto(lambda: client.conferma_scheda(id_appalto, id_scheda)).codice == "ERR60"
    attesa = leggi_esito(client.esito_operazione(id_appalto, "SC_CONF"))
    assert (attesa["esito"], attesa["dettaglio"], attesa["id_scheda"]) == ("WT", "SC_IN_CONF", id_scheda)
    esito = leggi_esito(client.esito_operazione(id_appalto, "SC_CONF"))
    assert (esito["esito"], esito["dettaglio"]) == ("OK", "SC_CONF")
    assert client.stato_appalto(cig=cig)["esitoStato"]["stato"]["codice"] == "ANN"
    assert _rifiuto(lambda: client.conferma_scheda(id_appalto, id_scheda)).codice == "ERR58"


@pytest.mark.parametrize("dopo", ["ANN", "SC1"])
def test_nessuna_scheda_dopo_ann(client, appalto, dopo):
    id_appalto, cig, partecipante = appalto
    _, esito = _invia(client, id_appalto, payload_ann(id_appalto=id_appalto, cig=cig))
    assert esito["esito"] == "OK"
    payload = payload_ann(id_appalto=id_appalto, cig=cig) if dopo == "ANN" else _sc1(id_appalto, cig, partecipante)
    errore = _rifiuto(lambda: client.crea_scheda(payload))
    assert errore.codice == "ERR2" and "annullato" in errore.messaggio


def test_ann_rifiutata_dopo_sc1(client, appalto):
    id_appalto, cig, partecipante = appalto
    _, esito = _invia(client, id_appalto, _sc1(id_appalto, cig, partecipante))
    assert esito["esito"] == "OK"
    assert client.stato_appalto(cig=cig)["esitoStato"]["stato"]["codice"] == "SOTT_CONTR"
    errore = _rifiuto(lambda: client.crea_scheda(payload_ann(id_appalto=id_appalto, cig=cig)))
    assert errore.codice == "ERR2" and "fase di esecuzione" in errore.messaggio


def test_ann_rifiutata_con_sc1_in_conferma(client, appalto, simulatore_anac):
    """An SC1 whose confirmation is under way counts as sent."""
    id_appalto, cig, partecipante = appalto
    id_sc1 = client.crea_scheda(_sc1(id_appalto, cig, partecipante))["idScheda"]
    client.conferma_scheda(id_appalto, id_sc1)
    assert _rifiuto(lambda: client.crea_scheda(payload_ann(id_appalto=id_appalto, cig=cig))).codice == "ERR2"


def test_bozza_ann_poi_sc1_inviata_la_conferma_finisce_ko(client, appalto):
    """The rule is checked again when the ANN is confirmed: ANAC accepts the request and answers KO."""
    id_appalto, cig, partecipante = appalto
    id_ann = client.crea_scheda(payload_ann(id_appalto=id_appalto, cig=cig))["idScheda"]
    _invia(client, id_appalto, _sc1(id_appalto, cig, partecipante))
    client.conferma_scheda(id_appalto, id_ann)
    client.esito_operazione(id_appalto, "SC_CONF")
    esito = leggi_esito(client.esito_operazione(id_appalto, "SC_CONF"))
    assert (esito["esito"], esito["codice"], esito["id_scheda"]) == ("KO", "ERR2", id_ann)
    assert "fase di esecuzione" in esito["messaggio"]
    assert client.stato_appalto(cig=cig)["esitoStato"]["stato"]["codice"] == "SOTT_CONTR"


def test_ann_solo_su_appalto_con_cig(client):
    id_appalto = client.crea_appalto(ad4())["idAppalto"]
    errore = _rifiuto(lambda: client.crea_scheda(payload_ann(id_appalto=id_appalto, cig="B0000000A1")))
    assert errore.codice == "ERR2"


@pytest.mark.parametrize(
    ("modifica", "codice"),
    [
        (lambda form, cig: form.update(cig=[cig, cig]), "ERR4"),  # one CIG per scheda
        (lambda form, cig: form.update(cig="B000000000"), "ERR66"),  # a CIG of another appalto
        (
            lambda form, cig: form["annullamento"].update(motivoAnnullamento={"idTipologica": "x", "codice": "2"}),
            "ERR4",
        ),
        (lambda form, cig: form.pop("annullamento") and form.update(annullamento={}), "ERR4"),
    ],
)
def test_ann_malformata(client, appalto, modifica, codice):
    id_appalto, cig, _ = appalto
    payload = payload_ann(id_appalto=id_appalto, cig=cig)
    modifica(payload["scheda"]["body"]["anacForm"], cig)
    assert _rifiuto(lambda: client.crea_scheda(payload)).codice == codice


def test_schede_solo_del_rup(client, appalto):
    id_appalto, cig, _ = appalto
    altro = ClientPCP(codice_fiscale=RUP_PRATO)
    errore = _rifiuto(lambda: altro.crea_scheda(payload_ann(id_appalto=id_appalto, cig=cig)))
    assert (errore.codice, errore.http_status) == ("ERR1", 403)


def test_scheda_di_un_altro_appalto(client, appalto):
    id_appalto, cig, _ = appalto
    altro_appalto = client.crea_appalto(ad4())["idAppalto"]
    id_scheda = client.crea_scheda(payload_ann(id_appalto=id_appalto, cig=cig))["idScheda"]
    assert _rifiuto(lambda: client.conferma_scheda(altro_appalto, id_scheda)).codice == "ERR57"
