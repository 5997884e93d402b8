"""PDND mode (``SCT_ANAC_AUTH=pdnd``) against the simulator in PDND mode, over real HTTP: voucher,
its cache and its refresh after a 401, the audit of each voucher request, and one test per forged
or replayed token, each refused with the error visible."""

import threading
import time
import uuid

import jwt
import pytest
import requests

from anac import pdnd
from anac.auth import tracking_evidence_non_firmata
from anac.client import AUTENTICAZIONE, ClientPCP, ErroreANAC
from audit.models import VoceAudit

from .helpers import RUP_FIRENZE, RUP_PRATO, ad4

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _token_richiesti(simulatore):
    return simulatore.richieste("token")


def _asserzione(chiavi, chiave="client", **claims):
    adesso = int(time.time())
    valori = {
        "iss": chiavi.CLIENT_ID,
        "sub": chiavi.CLIENT_ID,
        "aud": chiavi.AUDIENCE_TOKEN,
        "purposeId": chiavi.PURPOSE_ID,
        "jti": str(uuid.uuid4()),
        "iat": adesso,
        "exp": adesso + 60,
    }
    valori.update(claims)
    valori = {k: v for k, v in valori.items() if v is not None}
    return jwt.encode(valori, chiavi.privata(chiave), algorithm="RS256", headers={"kid": chiavi.KID})


def _token(simulatore, asserzione):
    return requests.post(
        f"http://127.0.0.1:{simulatore.porta}/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": pdnd.CLIENT_ASSERTION_TYPE,
            "client_assertion": asserzione,
            "client_id": simulatore.chiavi.CLIENT_ID,
        },
        timeout=10,
    )


def _rifiuto(risposta):
    """``(status, codice, dettaglio)`` of a refusal of the simulator (the PCP's problem+json)."""
    errore = risposta.json()["errori"][0]
    return risposta.status_code, errore["codice"], errore["dettaglio"]


def _con(modifica):
    """An authentication hook: the real PDND headers, then ``modifica(contesto, intestazioni)``."""

    def hook(contesto):
        intestazioni = pdnd.intestazioni_pdnd(contesto)
        modifica(contesto, intestazioni)
        return intestazioni

    return hook


def _appalto(client=None):
    return (client or ClientPCP(codice_fiscale=RUP_FIRENZE)).crea_appalto(ad4())["idAppalto"]


# ---- voucher: cache, lock, refresh, audit -----------------------------------------------------


def test_voucher_in_cache_e_intestazioni_modi(simulatore_pdnd):
    scambi = []
    client = ClientPCP(codice_fiscale=RUP_FIRENZE, osservatore=scambi.append)
    id_appalto = client.crea_appalto(ad4())["idAppalto"]
    client.presa_carico(id_appalto)
    client.consulta_appalto(id_appalto)
    assert len(_token_richiesti(simulatore_pdnd)) == 1  # one voucher for the three calls
    pcp = [r for r in simulatore_pdnd.richieste() if r["servizio"] != "token"]
    assert [r["status"] for r in pcp] == [200, 200, 200] and {r["cf"] for r in pcp} == {RUP_FIRENZE}
    voce = VoceAudit.objects.get(azione="anac.voucher")
    assert voce.dati["esito"] == "ok" and voce.dati["client_id"] == simulatore_pdnd.chiavi.CLIENT_ID
    assert voce.dati["http_status"] == 200 and voce.dati["jti"]
    testo = str(voce.dati) + voce.motivo
    assert "access_token" not in testo and "eyJ" not in testo  # neither the voucher nor the assertion


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the threads write the audit log
def test_un_solo_processo_chiede_il_voucher(simulatore_pdnd):
    risultati = []
    fili = [threading.Thread(target=lambda: risultati.append(pdnd.voucher())) for _ in range(6)]
    for filo in fili:
        filo.start()
    for filo in fili:
        filo.join(30)
    assert len(risultati) == 6 and len(set(risultati)) == 1
    assert len(_token_richiesti(simulatore_pdnd)) == 1


def test_voucher_rinnovato_dopo_un_401(simulatore_pdnd):
    scambi = []
    client = ClientPCP(codice_fiscale=RUP_FIRENZE, osservatore=scambi.append)
    id_appalto = _appalto(client)
    primo = pdnd.voucher()
    simulatore_pdnd.config(revoca_voucher=True)  # the PCP refuses it from now on
    assert client.consulta_appalto(id_appalto)["appalto"]["idAppalto"] == id_appalto
    assert len(_token_richiesti(simulatore_pdnd)) == 2 and pdnd.voucher() != primo
    assert [s.http_status for s in scambi] == [200, 401, 200]
    assert scambi[1].errore.codice == "VOUCHER" and "revocato" in scambi[1].errore.messaggio
    assert scambi[1].errore.transitorio and "voucher rinnovato" in scambi[1].errore.messaggio
    assert VoceAudit.objects.filter(azione="anac.voucher").count() == 2


def test_configurazione_mancante_errore_chiaro(simulatore_pdnd, settings):
    settings.SCT_PDND_CHIAVE_PRIVATA = "/non/esiste.pem"
    with pytest.raises(ErroreANAC) as errore:
        ClientPCP(codice_fiscale=RUP_FIRENZE).crea_appalto(ad4())
    assert errore.value.codice == AUTENTICAZIONE and "Chiave privata PDND non leggibile" in errore.value.messaggio
    assert not errore.value.transitorio
    assert _token_richiesti(simulatore_pdnd) == []


# ---- the authorization server refuses forged or replayed assertions ---------------------------


def test_asserzione_con_firma_sbagliata(simulatore_pdnd, settings):
    settings.SCT_PDND_CHIAVE_PRIVATA = str(simulatore_pdnd.chiavi.cartella / "estranea.pem")
    with pytest.raises(ErroreANAC) as errore:
        ClientPCP(codice_fiscale=RUP_FIRENZE).crea_appalto(ad4())
    assert errore.value.codice == AUTENTICAZIONE and not errore.value.transitorio
    assert "PDND_FIRMA: Firma della client assertion non valida" in errore.value.messaggio
    voce = VoceAudit.objects.get(azione="anac.voucher")
    assert voce.dati["esito"] == "errore" and voce.dati["http_status"] == 401 and "PDND_FIRMA" in voce.motivo
    assert [r["servizio"] for r in simulatore_pdnd.richieste()] == ["token"]  # nothing reached the PCP


def test_asserzione_scaduta(simulatore_pdnd):
    adesso = int(time.time())
    risposta = _token(simulatore_pdnd, _asserzione(simulatore_pdnd.chiavi, iat=adesso - 600, exp=adesso - 300))
    assert _rifiuto(risposta) == (401, "PDND_SCADUTA", "Client assertion scaduta")


def test_asserzione_riusata(simulatore_pdnd):
    asserzione = _asserzione(simulatore_pdnd.chiavi)
    assert _token(simulatore_pdnd, asserzione).status_code == 200
    assert _rifiuto(_token(simulatore_pdnd, asserzione)) == (
        401,
        "PDND_RIUSATA",
        "Client assertion già usata (jti ripetuto)",
    )


def test_asserzione_senza_purpose_id(simulatore_pdnd):
    risposta = _token(simulatore_pdnd, _asserzione(simulatore_pdnd.chiavi, purposeId=None))
    assert _rifiuto(risposta)[:2] == (401, "PDND_PURPOSE")


def test_asserzione_con_purpose_id_sbagliato(simulatore_pdnd, settings):
    settings.SCT_PDND_PURPOSE_ID = "finalita-di-un-altro-e-service"
    with pytest.raises(pdnd.ErrorePDND, match="PDND_PURPOSE: purposeId mancante o non autorizzato"):
        pdnd.voucher()


# ---- the PCP refuses forged vouchers and ModI headers -----------------------------------------


def test_voucher_per_un_altro_destinatario(simulatore_pdnd):
    chiavi = simulatore_pdnd.chiavi
    adesso = int(time.time())
    falso = jwt.encode(
        {
            "iss": "simulatore-pdnd",
            "sub": chiavi.CLIENT_ID,
            "aud": "https://altro-e-service.example",
            "purposeId": chiavi.PURPOSE_ID,
            "jti": "x",
            "iat": adesso,
            "exp": adesso + 600,
            "seq": 10**6,
        },
        chiavi.privata("simulatore"),
        algorithm="RS256",
    )

    def altro_destinatario(contesto, intestazioni):
        intestazioni["Authorization"] = f"Bearer {falso}"

    with pytest.raises(ErroreANAC) as errore:
        ClientPCP(codice_fiscale=RUP_FIRENZE, auth=_con(altro_destinatario)).crea_appalto(ad4())
    assert (errore.value.codice, errore.value.http_status) == ("VOUCHER_AUDIENCE", 401)
    assert errore.value.messaggio == "Voucher emesso per un altro destinatario"


def test_voucher_firmato_da_altri(simulatore_pdnd):
    def firmato_da_altri(contesto, intestazioni):
        claims = jwt.decode(intestazioni["Authorization"][7:], options={"verify_signature": False})
        intestazioni["Authorization"] = "Bearer " + jwt.encode(
            claims, simulatore_pdnd.chiavi.privata("estranea"), algorithm="RS256"
        )

    with pytest.raises(ErroreANAC) as errore:
        ClientPCP(codice_fiscale=RUP_FIRENZE, auth=_con(firmato_da_altri)).crea_appalto(ad4())
    assert (errore.value.codice, errore.value.http_status) == ("VOUCHER", 401)
    assert "Voucher mancante o non valido" in errore.value.messaggio


def test_tracking_evidence_non_firmata(simulatore_pdnd):
    appalti = simulatore_pdnd.stato()["appalti"]

    def non_firmata(contesto, intestazioni):
        intestazioni["Agid-JWT-TrackingEvidence"] = tracking_evidence_non_firmata(contesto)

    with pytest.raises(ErroreANAC) as errore:
        ClientPCP(codice_fiscale=RUP_FIRENZE, auth=_con(non_firmata)).crea_appalto(ad4())
    assert (errore.value.codice, errore.value.http_status) == ("TRACKING_EVIDENCE", 401)
    assert "Agid-JWT-TrackingEvidence mancante o non firmata" in errore.value.messaggio
    assert simulatore_pdnd.stato()["appalti"] == appalti


def test_tracking_evidence_di_un_altro_utente(simulatore_pdnd):
    id_appalto = _appalto()
    with pytest.raises(ErroreANAC) as errore:  # validly signed, but it names the RUP of another ente
        ClientPCP(codice_fiscale=RUP_PRATO).conferma_appalto(id_appalto)
    assert (errore.value.codice, errore.value.http_status) == ("ERR1", 403)
    assert simulatore_pdnd.richieste("conferma-appalto")[-1]["cf"] == RUP_PRATO


def test_digest_diverso_dal_corpo(simulatore_pdnd):
    def altro_corpo(contesto, intestazioni):
        intestazioni["Digest"] = pdnd.digest(contesto.corpo + b" ")

    with pytest.raises(ErroreANAC) as errore:
        ClientPCP(codice_fiscale=RUP_FIRENZE, auth=_con(altro_corpo)).crea_appalto(ad4())
    assert (errore.value.codice, errore.value.http_status) == ("DIGEST", 400)
    assert errore.value.messaggio == "Il Digest non corrisponde al corpo della richiesta"


def test_agid_jwt_signature_riusata(simulatore_pdnd):
    id_appalto = _appalto()
    firme = []

    def riusa_la_firma(contesto, intestazioni):
        if firme:
            intestazioni["Agid-JWT-Signature"] = firme[0]
        firme.append(intestazioni["Agid-JWT-Signature"])

    client = ClientPCP(codice_fiscale=RUP_FIRENZE, auth=_con(riusa_la_firma))
    client.presa_carico(id_appalto)  # same body twice: only the jti tells them apart
    with pytest.raises(ErroreANAC) as errore:
        client.presa_carico(id_appalto)
    assert (errore.value.codice, errore.value.http_status) == ("SIGNATURE_RIUSATA", 403)
    assert errore.value.messaggio == "Agid-JWT-Signature già usata (jti ripetuto)"
