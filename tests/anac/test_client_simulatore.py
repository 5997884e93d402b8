"""The PCP client against the simulator, over real HTTP: every service, ANAC's asynchronous
semantics and rules, CIG format and uniqueness."""

import re
import uuid

import pytest

from anac.client import ClientPCP, ErroreANAC, leggi_esito
from anac.services import payload_ann
from anac.simulatore import cig_valido
from tests.anac.helpers import CF_FIRENZE, CIG_SCT, RUP_FIRENZE, RUP_PRATO, ad4
from tests.integration import ProcessoSimulatore

pytestmark = pytest.mark.integration

FORMATO_CIG = re.compile(r"^[0-9A-Z]{10}$")


@pytest.fixture
def client(simulatore_anac):
    return ClientPCP(codice_fiscale=RUP_FIRENZE)


def _appalto_confermato(client):
    id_appalto = client.crea_appalto(ad4())["idAppalto"]
    client.conferma_appalto(id_appalto)
    while leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))["esito"] == "WT":
        pass
    return id_appalto


def test_ad4_wt_poi_ok_e_cig(client):
    creato = client.crea_appalto(ad4())
    id_appalto = creato["idAppalto"]
    assert uuid.UUID(id_appalto)
    assert client.stato_appalto(id_appalto)["esitoStato"]["stato"]["codice"] == "IN_LAV"

    assert client.conferma_appalto(id_appalto)["title"] == "Richiesta acquisita"
    # recupera-cig only for a confirmed appalto: refused while ANAC is still working.
    with pytest.raises(ErroreANAC) as prematuro:
        client.recupera_cig(id_appalto)
    assert (prematuro.value.codice, prematuro.value.transitorio, prematuro.value.http_status) == ("ERR16", False, 400)
    attesa = leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))
    assert (attesa["esito"], attesa["dettaglio"]) == ("WT", "AP_IN_CONF")

    esito = leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))
    assert (esito["esito"], esito["dettaglio"], esito["codice"]) == ("OK", "AP_CONF", "")
    assert client.stato_appalto(id_appalto)["esitoStato"]["stato"]["codice"] == "CONF"

    cig = client.recupera_cig(id_appalto)["result"]
    assert [c["lotIdentifier"] for c in cig] == ["1"]
    assert FORMATO_CIG.match(cig[0]["cig"]) and cig_valido(cig[0]["cig"])
    assert client.stato_appalto(cig=cig[0]["cig"])["esitoStato"]["stato"]["codice"] == "AGG"
    # The appalto is found by its codice and its CIG; consulta-appalto returns what was sent.
    trovato = client.ricerca_appalto(cig=cig[0]["cig"])["result"]
    assert [a["idAppalto"] for a in trovato] == [id_appalto]
    scheda = client.consulta_appalto(id_appalto)["appalto"]["scheda"]
    assert scheda["body"]["anacForm"]["appalto"]["cig"] == CIG_SCT


def test_esito_ko_e_nuova_conferma(client, simulatore_anac):
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="esito_ko", codice="ERR41")
    id_appalto = client.crea_appalto(ad4())["idAppalto"]
    client.conferma_appalto(id_appalto)
    assert leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))["esito"] == "WT"
    esito = leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))
    assert (esito["esito"], esito["dettaglio"], esito["codice"]) == ("KO", "AP_N_CONF", "ERR41")
    assert "validazione" in esito["messaggio"]
    # After a KO the appalto is still in lavorazione: "Conferma appalto" can be tried again.
    assert client.stato_appalto(id_appalto)["esitoStato"]["stato"]["codice"] == "IN_LAV"
    client.conferma_appalto(id_appalto)
    client.esito_operazione(id_appalto, "AP_CONF")
    assert leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))["esito"] == "OK"


def test_attese_configurabili(client, simulatore_anac):
    simulatore_anac.config(wt_polls=3)
    id_appalto = client.crea_appalto(ad4())["idAppalto"]
    client.conferma_appalto(id_appalto)
    esiti = [leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))["esito"] for _ in range(5)]
    assert esiti == ["WT", "WT", "WT", "OK", "OK"]


def test_conferma_ripetuta_mentre_anac_lavora(client):
    id_appalto = client.crea_appalto(ad4())["idAppalto"]
    client.conferma_appalto(id_appalto)
    with pytest.raises(ErroreANAC) as in_corso:
        client.conferma_appalto(id_appalto)
    assert in_corso.value.codice == "ERR18"
    client.esito_operazione(id_appalto, "AP_CONF")
    client.esito_operazione(id_appalto, "AP_CONF")
    with pytest.raises(ErroreANAC) as confermato:
        client.conferma_appalto(id_appalto)
    assert confermato.value.codice == "ERR16"


@pytest.mark.parametrize(
    ("campi", "codice"),
    [
        ({"cig_accordo_quadro": "1234567ABC"}, "ERR98"),  # not a framework agreement
        ({"importo": 0}, "ERR112"),
        ({"cf_stazione_appaltante": ""}, "ERR70"),
    ],
)
def test_crea_appalto_rifiutato(client, campi, codice):
    with pytest.raises(ErroreANAC) as rifiuto:
        client.crea_appalto(ad4(**campi))
    assert (rifiuto.value.codice, rifiuto.value.transitorio, rifiuto.value.http_status) == (codice, False, 400)


def test_accordi_quadro_configurabili(client, simulatore_anac):
    assert client.crea_appalto(ad4(cig_accordo_quadro="9A1B2C3D4E"))["idAppalto"]
    simulatore_anac.config(accordi_quadro=["9A1B2C3D4E"])
    with pytest.raises(ErroreANAC) as rifiuto:
        client.crea_appalto(ad4())
    assert rifiuto.value.codice == "ERR98"


def test_codice_appalto(client):
    payload = ad4()
    client.crea_appalto(payload)
    with pytest.raises(ErroreANAC) as doppio:
        client.crea_appalto(payload)
    assert doppio.value.codice == "ERR38"
    corto = ad4()
    corto["scheda"]["body"]["anacForm"]["appalto"]["codiceAppalto"] = "SCT-1"
    with pytest.raises(ErroreANAC) as rifiuto:
        client.crea_appalto(corto)
    assert rifiuto.value.codice == "ERR4" and "8 a 64" in rifiuto.value.messaggio
    with pytest.raises(ValueError, match="8 a 64"):
        ad4(codice_appalto="SCT-1")


def test_solo_il_rup_crea_e_conferma(simulatore_anac):
    altro = ClientPCP(codice_fiscale=RUP_PRATO)
    with pytest.raises(ErroreANAC) as non_rup:
        altro.crea_appalto(ad4())
    assert (non_rup.value.codice, non_rup.value.http_status) == ("ERR1", 403)
    assert RUP_PRATO in non_rup.value.messaggio and CF_FIRENZE in non_rup.value.messaggio
    with pytest.raises(ErroreANAC) as anonimo:
        ClientPCP().crea_appalto(ad4())
    assert anonimo.value.codice == "ERR1"

    id_appalto = ClientPCP(codice_fiscale=RUP_FIRENZE).crea_appalto(ad4())["idAppalto"]
    with pytest.raises(ErroreANAC) as estraneo:
        altro.conferma_appalto(id_appalto)
    assert estraneo.value.codice == "ERR1"
    # Another RUP of the same ente may take charge (presa-carico), and then act.
    simulatore_anac.config(rup={CF_FIRENZE: [RUP_FIRENZE, RUP_PRATO]})
    assert altro.presa_carico(id_appalto)["detail"] == "Associazione eseguita con successo"
    assert altro.conferma_appalto(id_appalto)["title"] == "Richiesta acquisita"


def test_senza_voucher(simulatore_anac, settings):
    settings.SCT_ANAC_TOKEN = "token-sbagliato"
    with pytest.raises(ErroreANAC) as rifiuto:
        ClientPCP(codice_fiscale=RUP_FIRENZE).crea_appalto(ad4())
    assert (rifiuto.value.codice, rifiuto.value.http_status, rifiuto.value.transitorio) == ("HTTP_401", 401, False)


def test_identificativi_inesistenti(client):
    with pytest.raises(ErroreANAC) as assente:
        client.conferma_appalto(str(uuid.uuid4()))
    assert (assente.value.codice, assente.value.http_status) == ("ERR19", 404)
    id_appalto = client.crea_appalto(ad4())["idAppalto"]
    with pytest.raises(ErroreANAC) as mai_confermato:
        client.esito_operazione(id_appalto, "AP_CONF")
    assert mai_confermato.value.codice == "ERR34"


def test_cig_unici_in_200_appalti(client, simulatore_anac):
    simulatore_anac.config(wt_polls=0)
    cig = []
    for _ in range(200):
        id_appalto = client.crea_appalto(ad4())["idAppalto"]
        client.conferma_appalto(id_appalto)
        cig += [c["cig"] for c in client.recupera_cig(id_appalto)["result"]]
    assert len(cig) == 200 == len(set(cig))
    assert all(FORMATO_CIG.match(c) and cig_valido(c) for c in cig)
    assert not {"7154112FF8", "9A1B2C3D4E"} & set(cig)


def test_cig_mai_riusati_dopo_un_riavvio(tmp_path, settings):
    db = tmp_path / "simulatore.sqlite3"
    primo = ProcessoSimulatore(db).avvia()
    try:
        settings.SCT_ANAC_BASE_URL = primo.url
        primo.config(wt_polls=0)
        client = ClientPCP(codice_fiscale=RUP_FIRENZE)
        prima = {}
        for _ in range(5):
            id_appalto = client.crea_appalto(ad4())["idAppalto"]
            client.conferma_appalto(id_appalto)
            prima[id_appalto] = client.recupera_cig(id_appalto)["result"][0]["cig"]
    finally:
        primo.ferma()
    assert not primo.vivo

    secondo = ProcessoSimulatore(db).avvia()
    try:
        settings.SCT_ANAC_BASE_URL = secondo.url
        secondo.config(wt_polls=0)
        client = ClientPCP(codice_fiscale=RUP_FIRENZE)
        # The state survived the restart: same appalti, same CIGs.
        for id_appalto, cig in prima.items():
            assert client.recupera_cig(id_appalto)["result"][0]["cig"] == cig
        dopo = []
        for _ in range(5):
            id_appalto = client.crea_appalto(ad4())["idAppalto"]
            client.conferma_appalto(id_appalto)
            dopo.append(client.recupera_cig(id_appalto)["result"][0]["cig"])
        assert len(set(dopo)) == 5 and not set(dopo) & set(prima.values())
        assert secondo.stato()["cig_emessi"] == 10
    finally:
        secondo.ferma()


def test_ricerca_e_cancellazione_scheda(client):
    id_appalto = _appalto_confermato(client)
    cig = client.recupera_cig(id_appalto)["result"][0]["cig"]
    id_scheda = client.crea_scheda(payload_ann(id_appalto=id_appalto, cig=cig))["idScheda"]
    trovate = client.ricerca_scheda(id_appalto=id_appalto, codice_scheda="ANN", stato_scheda="IN_LAV")["result"]
    assert [s["_idScheda"] for s in trovate] == [id_scheda]
    client.cancella_scheda(id_appalto, id_scheda, motivo="bozza inserita per errore")
    assert client.ricerca_scheda(id_appalto=id_appalto, stato_scheda="IN_LAV")["result"] == []


def test_comando_per_i_guasti(client, simulatore_anac):
    from io import StringIO

    from django.core.management import call_command

    call_command("simulatore_anac", "guasto", "crea-appalto", "ko", "--codice", "ERR41", stdout=StringIO())
    assert simulatore_anac.stato()["guasti"][0]["codice"] == "ERR41"
    with pytest.raises(ErroreANAC) as rifiuto:
        client.crea_appalto(ad4())
    assert rifiuto.value.codice == "ERR41"
    call_command("simulatore_anac", "config", "--wt-polls", "2", stdout=StringIO())
    assert simulatore_anac.stato()["config"]["wt_polls"] == 2


def _codice(payload):
    return payload["scheda"]["body"]["anacForm"]["appalto"]["codiceAppalto"]


def test_modifica_appalto_sostituisce_i_dati_in_lavorazione(client, simulatore_anac):
    from decimal import Decimal

    payload = ad4()
    id_appalto = client.crea_appalto(payload)["idAppalto"]
    nuovo = ad4(
        codice_appalto=_codice(payload),
        oggetto="Servizi IaaS (oggetto corretto)",
        importo=Decimal("66.66"),
        finanziamenti=[("A", Decimal("66.66"))],
    )
    risposta = client.modifica_appalto(id_appalto, nuovo)
    assert (risposta["idAppalto"], risposta["detail"]) == (id_appalto, "Modifica eseguita con successo")
    assert client.consulta_appalto(id_appalto)["appalto"]["scheda"] == nuovo["scheda"]
    lotti = client.ricerca_appalto(codice_appalto=_codice(payload))["result"][0]["lotti"]
    assert [(lotto["oggetto"], lotto["importo"]) for lotto in lotti] == [("Servizi IaaS (oggetto corretto)", "66.66")]
    assert simulatore_anac.richieste("modifica-appalto")[0]["dati"] == {"idAppalto": id_appalto, **nuovo}
    # The confirmation assigns the CIG to the modified lot.
    client.conferma_appalto(id_appalto)
    while leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))["esito"] == "WT":
        pass
    assert cig_valido(client.recupera_cig(id_appalto)["result"][0]["cig"])


def test_modifica_appalto_rifiutata(client, simulatore_anac):
    payload, altro = ad4(), ad4()
    id_appalto = client.crea_appalto(payload)["idAppalto"]
    client.crea_appalto(altro)
    casi = [
        (ClientPCP(codice_fiscale=RUP_PRATO), ad4(codice_appalto=_codice(payload)), "ERR1"),  # not the appalto's RUP
        (client, ad4(codice_appalto=_codice(altro)), "ERR38"),  # the codice of another appalto
        (client, ad4(codice_appalto=_codice(payload), cig_accordo_quadro="1234567ABC"), "ERR98"),
        (client, ad4(codice_appalto=_codice(payload), oggetto=""), "ERR112"),
    ]
    for pcp, dati, codice in casi:
        with pytest.raises(ErroreANAC) as rifiuto:
            pcp.modifica_appalto(id_appalto, dati)
        assert (rifiuto.value.codice, rifiuto.value.transitorio) == (codice, False)
    assert client.consulta_appalto(id_appalto)["appalto"]["scheda"] == payload["scheda"]  # unchanged
    client.conferma_appalto(id_appalto)  # while ANAC confirms, and once confirmed: no more changes
    with pytest.raises(ErroreANAC) as in_conferma:
        client.modifica_appalto(id_appalto, ad4(codice_appalto=_codice(payload)))
    assert in_conferma.value.codice == "ERR18"
    while leggi_esito(client.esito_operazione(id_appalto, "AP_CONF"))["esito"] == "WT":
        pass
    with pytest.raises(ErroreANAC) as confermato:
        client.modifica_appalto(id_appalto, ad4(codice_appalto=_codice(payload)))
    assert confermato.value.codice == "ERR16"


def test_guasto_cig_ripetuto(client, simulatore_anac):
    """A faulty ANAC answering recupera-cig with a CIG issued before for another appalto."""
    primo = _appalto_confermato(client)
    cig_primo = client.recupera_cig(primo)["result"][0]["cig"]
    secondo = _appalto_confermato(client)
    simulatore_anac.guasto(servizio="recupera-cig", tipo="cig_ripetuto")
    assert client.recupera_cig(secondo)["result"] == [{"cig": cig_primo, "lotIdentifier": "1"}]
    proprio = client.recupera_cig(secondo)["result"][0]["cig"]  # the fault happened once
    assert proprio != cig_primo and cig_valido(proprio)
