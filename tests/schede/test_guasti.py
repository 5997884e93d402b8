"""Faults of the ANAC simulator (refusals, 5xx, timeouts, negative outcomes, outcome not yet
available) and ANAC's own rules: the scheda always ends in a consistent state, the error is on the
page and in the Log Trasmissioni, and the user can try again."""

import datetime

import pytest

from anac.client import ClientPCP
from anac.services import payload_sc1
from audit.models import VoceAudit
from contratti.models import Ordinativo, Scheda
from contratti.schede import anac as sequenza_anac
from tests.utils import contenuto

from .aiuti import RUP_FIRENZE, crea_scheda, ordinativo_con_cig, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def veloce(settings):
    settings.SCT_ANAC_BACKOFF = 0
    settings.SCT_ANAC_MAX_TENTATIVI = 3


@pytest.fixture
def ann(client, demo, commit, simulatore_anac, veloce):
    """An approved ordinativo with an ANN in bozza; the client is its RUP with SPID."""
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    return crea_scheda(client, demo, ordinativo, "ANN")


def _invia(client, demo, commit, scheda):
    with commit():
        assert client.post(sub(demo.sct, "scheda_invia", scheda.ordinativo_id, scheda.pk)).status_code == 302
    scheda.refresh_from_db()
    return scheda


def _verifica(client, demo, commit, scheda):
    with commit():
        assert client.post(sub(demo.sct, "scheda_verifica", scheda.ordinativo_id, scheda.pk)).status_code == 302
    scheda.refresh_from_db()
    return scheda


def _pagine(client, demo, scheda):
    elenco = contenuto(client.get(sub(demo.sct, "schede_elenco", scheda.ordinativo_id)))
    log = contenuto(client.get(sub(demo.sct, "scheda_log", scheda.ordinativo_id, scheda.pk)))
    return elenco, log


def _schede_anac(id_appalto):
    return ClientPCP(codice_fiscale=RUP_FIRENZE).ricerca_scheda(id_appalto=id_appalto)["result"]


KO = ({"tipo": "ko", "codice": "ERR4", "messaggio": "anacForm non valido"}, "ERR4 – anacForm non valido")
HTTP_503 = ({"tipo": "errore_http", "status": 503, "volte": None}, "Tentativi esauriti")
TIMEOUT = ({"tipo": "timeout", "ritardo": 1.5, "volte": None}, "Tentativi esauriti")


@pytest.mark.parametrize(
    ("servizio", "guasto", "nel_messaggio"),
    [
        ("crea-scheda", *KO),
        ("crea-scheda", *HTTP_503),
        ("crea-scheda", *TIMEOUT),
        ("conferma-scheda", *KO),
        ("conferma-scheda", *HTTP_503),
    ],
    ids=["crea-ko", "crea-503", "crea-timeout", "conferma-ko", "conferma-503"],
)
def test_invio_non_riuscito_torna_in_bozza_e_si_ritenta(
    client, demo, commit, simulatore_anac, ann, settings, servizio, guasto, nel_messaggio
):
    if guasto["tipo"] == "timeout":
        settings.SCT_ANAC_TIMEOUT = 0.5
        if servizio == "crea-scheda":
            # A lost answer is recovered (ricerca-scheda finds the draft ANAC made): make every call time out.
            simulatore_anac.guasto(servizio="ricerca-scheda", **guasto)
    simulatore_anac.guasto(servizio=servizio, **guasto)
    scheda = _invia(client, demo, commit, ann)
    assert scheda.stato == Scheda.Stato.BOZZA and nel_messaggio in scheda.errore_anac
    ordinativo = scheda.ordinativo
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO
    elenco, log = _pagine(client, demo, scheda)
    assert "Esito negativo da ANAC:" in elenco and nel_messaggio in elenco
    assert "la scheda è tornata in bozza: puoi cliccare di nuovo “invia scheda”" in elenco
    assert "invia scheda" in elenco and "Verifica invio" not in elenco
    assert nel_messaggio.split(" – ")[0] in log or "Errore temporaneo" in log
    assert VoceAudit.objects.filter(azione="scheda.anac_ko", object_id=str(scheda.pk), stato_a="bozza").exists()

    simulatore_anac.reset()
    settings.SCT_ANAC_TIMEOUT = 10
    richieste = len(simulatore_anac.richieste())
    scheda = _invia(client, demo, commit, scheda)
    assert (scheda.stato, scheda.errore_anac, scheda.tentativo_invio) == (Scheda.Stato.INVIATA, "", 2)
    servizi = [r["servizio"] for r in simulatore_anac.richieste()[richieste:]]
    if servizio == "conferma-scheda":  # ANAC has the draft already: it is confirmed, not created again
        assert servizi == ["conferma-scheda"]
    else:
        assert servizi in (["crea-scheda", "conferma-scheda"], ["ricerca-scheda", "conferma-scheda"])
    assert [
        s["_stato"]["codice"] for s in _schede_anac(ordinativo.id_appalto) if s["_idScheda"] == scheda.id_scheda
    ] == ["IN_LAV"]
    assert _verifica(client, demo, commit, scheda).stato == Scheda.Stato.CONFERMATA


@pytest.mark.parametrize("servizio", ["crea-scheda", "conferma-scheda"])
def test_risposta_persa_recuperata(client, demo, commit, simulatore_anac, ann, settings, servizio):
    """ANAC did the work but the answer was lost (timeout): the automatic retry finds the draft
    (ricerca-scheda) or meets "conferma già in corso" (ERR60), and the scheda is sent once."""
    settings.SCT_ANAC_TIMEOUT = 0.5
    simulatore_anac.guasto(servizio=servizio, tipo="timeout", ritardo=1.5, volte=None)
    scheda = _invia(client, demo, commit, ann)
    assert scheda.stato == Scheda.Stato.INVIATA and scheda.errore_anac == "", scheda.errore_anac
    if servizio == "crea-scheda":  # the second attempt looks for the draft instead of creating another
        assert (len(simulatore_anac.richieste("crea-scheda")), len(simulatore_anac.richieste("ricerca-scheda"))) == (
            1,
            1,
        )
    else:  # the second conferma-scheda meets ERR60 ("conferma in corso"): accepted
        assert len(simulatore_anac.richieste("conferma-scheda")) == 2
    bozze = _schede_anac(scheda.ordinativo.id_appalto)
    assert [s["_idScheda"] for s in bozze] == [scheda.id_scheda]  # one ANN on ANAC, not two
    simulatore_anac.reset()
    assert _verifica(client, demo, commit, scheda).stato == Scheda.Stato.CONFERMATA


def test_esito_negativo_alla_verifica(client, demo, commit, simulatore_anac, ann):
    simulatore_anac.guasto(servizio="conferma-scheda", tipo="esito_ko", codice="ERR99", messaggio="Scheda non coerente")
    scheda = _invia(client, demo, commit, ann)
    assert scheda.stato == Scheda.Stato.INVIATA
    scheda = _verifica(client, demo, commit, scheda)
    assert scheda.stato == Scheda.Stato.BOZZA and scheda.errore_anac == "ERR99 – Scheda non coerente"
    scheda.ordinativo.refresh_from_db()
    assert scheda.ordinativo.stato == Ordinativo.Stato.APPROVATO
    elenco, log = _pagine(client, demo, scheda)
    assert "ERR99 – Scheda non coerente" in elenco and "esito negativo ANAC" in elenco
    assert "ERR99" in log
    richieste = len(simulatore_anac.richieste())
    scheda = _invia(client, demo, commit, scheda)
    assert [r["servizio"] for r in simulatore_anac.richieste()[richieste:]] == ["conferma-scheda"]
    assert _verifica(client, demo, commit, scheda).stato == Scheda.Stato.CONFERMATA
    scheda.ordinativo.refresh_from_db()
    assert scheda.ordinativo.stato == Ordinativo.Stato.ANNULLATO


def test_verifica_senza_risposta_si_ripete(client, demo, commit, simulatore_anac, ann):
    scheda = _invia(client, demo, commit, ann)
    simulatore_anac.guasto(servizio="esito-operazione", tipo="errore_http", status=502, volte=None)
    scheda = _verifica(client, demo, commit, scheda)
    assert scheda.stato == Scheda.Stato.INVIATA and not scheda.verifica_in_corso and scheda.errore_anac
    elenco, _ = _pagine(client, demo, scheda)
    assert "puoi cliccare di nuovo “Verifica invio”" in elenco and "Verifica invio" in elenco
    simulatore_anac.reset()
    assert _verifica(client, demo, commit, scheda).stato == Scheda.Stato.CONFERMATA


def test_esito_non_ancora_disponibile(client, demo, commit, simulatore_anac, ann):
    simulatore_anac.config(wt_polls=sequenza_anac.ATTESE_PER_VERIFICA + 1)
    scheda = _invia(client, demo, commit, ann)
    scheda = _verifica(client, demo, commit, scheda)
    assert (scheda.stato, scheda.esito_verifica, scheda.errore_anac) == (Scheda.Stato.INVIATA, "WT", "")
    elenco, _ = _pagine(client, demo, scheda)
    assert "ANAC non ha ancora elaborato la scheda" in elenco
    assert _verifica(client, demo, commit, scheda).stato == Scheda.Stato.CONFERMATA
    assert scheda.tentativo_verifica == 2


def test_la_regola_di_anac_vale_anche_sul_simulatore(client, demo, commit, simulatore_anac, ann):
    """An SC1 sent to ANAC outside this site (another platform): ANAC refuses the ANN and the site
    shows ANAC's message; the draft stays here and can be deleted."""
    ordinativo = ann.ordinativo
    pcp = ClientPCP(codice_fiscale=RUP_FIRENZE)
    sc1 = payload_sc1(
        id_appalto=ordinativo.id_appalto,
        cig=ordinativo.cig_derivato,
        id_partecipante=sequenza_anac.id_partecipante(ordinativo),
        data_decorrenza=datetime.date(2026, 10, 5),
        data_scadenza=datetime.date(2027, 10, 4),
    )
    pcp.conferma_scheda(ordinativo.id_appalto, pcp.crea_scheda(sc1)["idScheda"])
    scheda = _invia(client, demo, commit, ann)
    assert scheda.stato == Scheda.Stato.BOZZA and scheda.errore_anac.startswith("ERR2")
    assert "fase di esecuzione" in scheda.errore_anac
    elenco, _ = _pagine(client, demo, scheda)
    assert "fase di esecuzione" in elenco
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO


def test_eliminare_una_bozza_nota_ad_anac_la_cancella_anche_li(client, demo, commit, simulatore_anac, ann):
    simulatore_anac.guasto(servizio="conferma-scheda", tipo="ko", codice="ERR4")
    scheda = _invia(client, demo, commit, ann)
    assert scheda.stato == Scheda.Stato.BOZZA and scheda.id_scheda
    from django.test import Client

    con_password = Client()
    con_password.force_login(demo.user("aderente"))
    url = sub(demo.sct, "scheda_elimina", scheda.ordinativo_id, scheda.pk)
    assert con_password.post(url).status_code == 403  # cancelling on ANAC needs the RUP's SPID
    with commit():
        assert client.post(url).status_code == 302
    scheda.refresh_from_db()
    assert scheda.stato == Scheda.Stato.ELIMINATA
    assert [s["_stato"]["codice"] for s in _schede_anac(scheda.ordinativo.id_appalto)] == ["CANC"]
    assert VoceAudit.objects.filter(azione="scheda.cancellata_su_anac", object_id=str(scheda.pk)).exists()
    # The type is free again: a new ANN can be prepared.
    nuova = crea_scheda(client, demo, scheda.ordinativo, "ANN")
    assert nuova.pk != scheda.pk and nuova.stato == Scheda.Stato.BOZZA
