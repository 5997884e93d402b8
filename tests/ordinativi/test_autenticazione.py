"""The actions that presuppose the integration with ANAC ("Conferma appalto", "Acquisisci CIG") are for
the RUP of the ente aderente logged in with SPID/CIE/CNS: a password login, a too-low SPID level or a
Responsabile/Buyer who is not the RUP (even with SPID) gets 403 with the reason, and nothing reaches
ANAC (no operation, no trasmissione, no request on the simulator)."""

import pytest
from django.test import Client

from anac.models import OperazioneANAC
from anac.services import trasmissioni_di
from contratti.models import Ordinativo
from contratti.ordinativi.services import CAMPI_RICHIESTA_CIG
from identita.services import MSG_NON_FORTE
from organizzazioni.models import Incarico
from organizzazioni.services import revoca_incarico
from tests.utils import contenuto

from .aiuti import CF_BUYER, buyer_firenze, ordinativo_senza_cig, spid, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MSG_SOLO_RUP = "Solo il RUP dell'amministrazione aderente può compiere le azioni che presuppongono l'integrazione con i servizi di ANAC."


def _traccia(ordinativo, simulatore_anac):
    """What an action left towards ANAC: operations, Log Trasmissioni, requests received by the simulator."""
    ordinativo = Ordinativo.objects.get(pk=ordinativo.pk)
    return (
        OperazioneANAC.objects.filter(
            object_id=str(ordinativo.pk), chiave__startswith=f"ordinativo:{ordinativo.pk}:"
        ).count(),
        trasmissioni_di(ordinativo).count(),
        len(simulatore_anac.richieste()),
        ordinativo.stato,
        ordinativo.tentativo_conferma,
        ordinativo.tentativo_cig,
        ordinativo.cig_in_recupero,
    )


def _accesso(demo, modo):
    client = Client()
    if modo == "password":
        client.force_login(demo.user("aderente"))
    elif modo == "spid_l1":
        spid(client, demo, livello=1)
    elif modo == "buyer_spid":
        spid(client, demo, username=buyer_firenze(demo).username)
    return client


def _appalto_confermato(client, demo, commit, **richiesta):
    ordinativo = ordinativo_senza_cig(client, demo, **richiesta)
    spid(client, demo)
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO, ordinativo.errore_anac
    return ordinativo


ACCESSI = [
    ("password", MSG_NON_FORTE),
    ("spid_l1", "livello di autenticazione almeno 2"),
    ("buyer_spid", f"Hai effettuato l'accesso con il codice fiscale {CF_BUYER}, che non è quello del RUP"),
]


@pytest.mark.parametrize(("modo", "motivo"), ACCESSI)
def test_acquisisci_cig_solo_del_rup_con_autenticazione_forte(client, demo, commit, simulatore_anac, modo, motivo):
    ordinativo = _appalto_confermato(client, demo, commit)
    altro = _accesso(demo, modo)
    prima = _traccia(ordinativo, simulatore_anac)
    with commit():
        risposta = altro.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk))
    assert risposta.status_code == 403 and motivo in contenuto(risposta)
    assert _traccia(ordinativo, simulatore_anac) == prima
    # The RUP with SPID (the client of the fixture) acquires it.
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.CIG_ACQUISITO


@pytest.mark.parametrize(("modo", "motivo"), ACCESSI)
def test_conferma_appalto_solo_del_rup_con_autenticazione_forte(client, demo, commit, simulatore_anac, modo, motivo):
    ordinativo = ordinativo_senza_cig(client, demo)
    altro = _accesso(demo, modo)
    prima = _traccia(ordinativo, simulatore_anac)
    with commit():
        risposta = altro.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    assert risposta.status_code == 403 and motivo in contenuto(risposta)
    assert _traccia(ordinativo, simulatore_anac) == prima


def test_buyer_con_spid_indicato_come_rup_ma_senza_il_ruolo(client, demo, commit, simulatore_anac):
    """The Responsabile/Buyer cannot name himself RUP in Richiedi CIG (a forged POST with his codice
    fiscale gets 400, nothing changes); with his SPID he is refused 403, with the reason, and nothing sent."""
    ordinativo = ordinativo_senza_cig(client, demo)
    altro = _accesso(demo, "buyer_spid")
    dati = {campo: getattr(ordinativo, campo) for campo in CAMPI_RICHIESTA_CIG}
    dati.update(cf_rup=CF_BUYER, importo_totale="99,99", data_adesione=ordinativo.data_adesione.isoformat())
    risposta = altro.post(sub(demo.sct, "ordinativo_richiedi_cig", ordinativo.pk), dati)
    assert risposta.status_code == 400 and "Il RUP scelto non è tra i RUP dell'ente aderente" in contenuto(risposta)
    assert Ordinativo.objects.get(pk=ordinativo.pk).cf_rup == ordinativo.cf_rup != CF_BUYER
    passo1 = contenuto(altro.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert "devono essere compiute dal RUP dell'amministrazione aderente autenticato con SPID, CIE o CNS" in passo1
    prima = _traccia(ordinativo, simulatore_anac)
    for azione in ("ordinativo_conferma_appalto", "ordinativo_acquisisci_cig"):
        with commit():
            risposta = altro.post(sub(demo.sct, azione, ordinativo.pk))
        assert risposta.status_code == 403 and ACCESSI[2][1] in contenuto(risposta), azione
    assert _traccia(ordinativo, simulatore_anac) == prima


def test_rup_indicato_che_perde_il_ruolo(client, demo, commit, simulatore_anac):
    """The RUP named in Richiedi CIG loses the RUP incarico afterwards (still Responsabile/Buyer): his
    SPID matches the codice fiscale, but he is no longer the RUP: 403 with the reason, nothing sent."""
    ordinativo = ordinativo_senza_cig(client, demo)
    revoca_incarico(Incarico.objects.get(user=demo.user("aderente"), ente=demo.firenze, ruolo=Incarico.Ruolo.RUP))
    rup = spid(Client(), demo)
    prima = _traccia(ordinativo, simulatore_anac)
    for azione in ("ordinativo_conferma_appalto", "ordinativo_acquisisci_cig"):
        with commit():
            risposta = rup.post(sub(demo.sct, azione, ordinativo.pk))
        assert risposta.status_code == 403 and MSG_SOLO_RUP in contenuto(risposta), azione
    assert _traccia(ordinativo, simulatore_anac) == prima
