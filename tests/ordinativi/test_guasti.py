"""Faults of the ANAC simulator at the level of the ordinativo (over real HTTP): a refusal with an ANAC
code on crea-appalto, a timeout and a 5xx on conferma-appalto, duplicated answers, a CIG that ANAC
already gave to another ordinativo. Each leaves the order in a consistent state, shows the error on
the page, lets the user try again, and every attempt is in the Log Trasmissioni."""

from io import StringIO

import pytest
from django.core.management import call_command

from anac.client import ClientPCP
from anac.models import EsitoANAC, OperazioneANAC
from anac.services import trasmissioni_di
from audit.models import VoceAudit
from contratti.models import Ordinativo
from tests.utils import contenuto

from .aiuti import RUP_FIRENZE, conferma_e_acquisisci, ordinativo_senza_cig, spid, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BOTTONE_CONFERMA = '<button type="submit" class="btn btn-primary">Conferma appalto</button>'
CONFERMA_SPENTA = '<button type="button" class="btn btn-primary" disabled>Conferma appalto</button>'


@pytest.fixture
def veloce(settings):
    settings.SCT_ANAC_BACKOFF = 0
    settings.SCT_ANAC_MAX_TENTATIVI = 3


def _conferma(client, demo, commit, ordinativo):
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    return ordinativo


def _acquisisci(client, demo, commit, ordinativo):
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.CIG_ACQUISITO and len(ordinativo.cig_derivato) == 10, (
        ordinativo.errore_anac
    )
    return ordinativo


def _appalti_su_anac(ordinativo):
    """The appalti ANAC has with the ordinativo's codice appalto, by state."""
    trovati = ClientPCP(codice_fiscale=RUP_FIRENZE).ricerca_appalto(codice_appalto=ordinativo.codice_appalto)["result"]
    return [a["stato"]["codice"] for a in trovati]


def _log(ordinativo):
    """(servizio, esito, codice) of every exchange, oldest first."""
    return [(t.servizio, t.esito, t.codice_errore) for t in trasmissioni_di(ordinativo).order_by("creato_il", "pk")]


def _pagine(client, demo, ordinativo):
    return (
        contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk))),
        contenuto(client.get(sub(demo.sct, "ordinativo_log", ordinativo.pk))),
    )


def test_ko_di_anac_su_crea_appalto(client, demo, commit, simulatore_anac, veloce):
    ordinativo = ordinativo_senza_cig(client, demo)
    spid(client, demo)
    call_command(
        "simulatore_anac",
        "guasto",
        "crea-appalto",
        "ko",
        "--codice",
        "ERR98",
        "--messaggio",
        "Il CIG indicato non risulta un accordo quadro",
        stdout=StringIO(),
    )
    ordinativo = _conferma(client, demo, commit, ordinativo)
    assert (ordinativo.stato, ordinativo.id_appalto, ordinativo.cig_derivato) == (Ordinativo.Stato.BOZZA, "", "")
    assert ordinativo.errore_anac == "ERR98 – Il CIG indicato non risulta un accordo quadro"
    assert _appalti_su_anac(ordinativo) == []  # nothing was created on ANAC
    passo1, log = _pagine(client, demo, ordinativo)
    assert "Esito negativo da ANAC:" in passo1 and "ERR98 – Il CIG indicato non risulta un accordo quadro" in passo1
    assert "puoi correggere i dati e cliccare di nuovo “Conferma appalto”." in passo1
    assert BOTTONE_CONFERMA in passo1 and "Acquisisci CIG" not in passo1
    assert "Crea appalto" in log and "ERR98" in log
    assert _log(ordinativo) == [("crea-appalto", EsitoANAC.KO, "ERR98")]
    assert VoceAudit.objects.filter(azione="ordinativo.anac_ko", object_id=str(ordinativo.pk), stato_a="bozza").exists()

    ordinativo = _conferma(client, demo, commit, ordinativo)  # the retry
    assert (ordinativo.stato, ordinativo.errore_anac, ordinativo.tentativo_conferma) == (
        Ordinativo.Stato.APPALTO_CONFERMATO,
        "",
        2,
    )
    assert [s for s, *_ in _log(ordinativo)].count("crea-appalto") == 2
    assert _log(ordinativo)[1] == ("crea-appalto", EsitoANAC.OK, "")
    assert _appalti_su_anac(ordinativo) == ["CONF"]
    passo1, _ = _pagine(client, demo, ordinativo)
    assert "Esito negativo da ANAC" not in passo1 and CONFERMA_SPENTA in passo1 and "Acquisisci CIG" in passo1


def test_timeout_su_conferma_appalto_risposta_persa_recuperata(client, demo, commit, simulatore_anac, veloce, settings):
    """ANAC received the confirmation but the answer was lost: the automatic retry meets "conferma in
    corso" (ERR18) and the confirmation goes on; one confirmation on ANAC, every attempt in the Log."""
    settings.SCT_ANAC_TIMEOUT = 0.5
    ordinativo = ordinativo_senza_cig(client, demo)
    spid(client, demo)
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="timeout", ritardo=1.5, volte=None)
    ordinativo = _conferma(client, demo, commit, ordinativo)
    assert (ordinativo.stato, ordinativo.errore_anac) == (Ordinativo.Stato.APPALTO_CONFERMATO, ""), (
        ordinativo.errore_anac
    )
    registro = _log(ordinativo)
    assert registro[:3] == [
        ("crea-appalto", EsitoANAC.OK, ""),
        ("conferma-appalto", EsitoANAC.ERRORE, "TIMEOUT"),
        ("conferma-appalto", EsitoANAC.KO, "ERR18"),
    ]
    assert len(simulatore_anac.richieste("conferma-appalto")) == 2
    _, log = _pagine(client, demo, ordinativo)
    assert "Errore temporaneo: la richiesta può essere ripetuta." in log and "TIMEOUT" in log and "ERR18" in log
    assert _appalti_su_anac(ordinativo) == ["CONF"]
    _acquisisci(client, demo, commit, ordinativo)


def test_timeout_poi_5xx_su_conferma_appalto_errore_e_nuovo_tentativo(
    client, demo, commit, simulatore_anac, veloce, settings
):
    """The first conferma-appalto is processed but its answer lost, the automatic retries meet 503 until
    they run out: the order goes back to "Conferma appalto" with the error; the user's retry finds the
    confirmation ANAC already has (ERR18) and the appalto is confirmed once."""
    settings.SCT_ANAC_TIMEOUT = 0.5
    ordinativo = ordinativo_senza_cig(client, demo)
    spid(client, demo)
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="timeout", ritardo=1.5, volte=1)
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="errore_http", status=503, volte=None)
    ordinativo = _conferma(client, demo, commit, ordinativo)
    assert ordinativo.stato == Ordinativo.Stato.BOZZA and "Tentativi esauriti (3)" in ordinativo.errore_anac
    assert OperazioneANAC.objects.get(chiave=f"ordinativo:{ordinativo.pk}:conferma-appalto:1").stato == "errore"
    passo1, log = _pagine(client, demo, ordinativo)
    assert "Esito negativo da ANAC:" in passo1 and "non è al momento disponibile (errore 503)" in passo1
    assert "puoi cliccare di nuovo “Conferma appalto”." in passo1 and BOTTONE_CONFERMA in passo1
    assert [c for s, _, c in _log(ordinativo) if s == "conferma-appalto"] == ["TIMEOUT", "HTTP_503", "HTTP_503"]
    assert log.count("Errore temporaneo: la richiesta può essere ripetuta.") == 3

    simulatore_anac.reset()
    ordinativo = _conferma(client, demo, commit, ordinativo)
    assert (ordinativo.stato, ordinativo.errore_anac) == (Ordinativo.Stato.APPALTO_CONFERMATO, ""), (
        ordinativo.errore_anac
    )
    assert _log(ordinativo)[4] == ("conferma-appalto", EsitoANAC.KO, "ERR18")  # recognised as the one ANAC has
    assert _appalti_su_anac(ordinativo) == ["CONF"]
    _acquisisci(client, demo, commit, ordinativo)


def test_5xx_su_conferma_appalto_errore_visibile_e_nuovo_tentativo(client, demo, commit, simulatore_anac, veloce):
    ordinativo = ordinativo_senza_cig(client, demo)
    spid(client, demo)
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="errore_http", status=502, volte=None)
    ordinativo = _conferma(client, demo, commit, ordinativo)
    assert (ordinativo.stato, bool(ordinativo.id_appalto)) == (Ordinativo.Stato.BOZZA, True)
    passo1, log = _pagine(client, demo, ordinativo)
    assert "non è al momento disponibile (errore 502)" in passo1 and BOTTONE_CONFERMA in passo1
    assert [c for s, _, c in _log(ordinativo) if s == "conferma-appalto"] == ["HTTP_502"] * 3
    assert "HTTP_502" in log
    simulatore_anac.reset()
    ordinativo = _conferma(client, demo, commit, ordinativo)
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO, ordinativo.errore_anac
    # The retry confirms the appalto ANAC already has: no second crea-appalto.
    assert [s for s, *_ in _log(ordinativo)].count("crea-appalto") == 1
    assert _log(ordinativo)[4] == ("conferma-appalto", EsitoANAC.OK, "")


def test_risposte_duplicate_accettate_una_volta(client, demo, commit, simulatore_anac, veloce):
    ordinativo = ordinativo_senza_cig(client, demo)
    for servizio in ("crea-appalto", "conferma-appalto", "esito-operazione", "recupera-cig"):
        simulatore_anac.guasto(servizio=servizio, tipo="duplicato", volte=None)
    conferma_e_acquisisci(client, demo, commit, ordinativo)
    assert _appalti_su_anac(ordinativo) == ["CONF"] and ordinativo.errore_anac == ""
    duplicate = [t for t in trasmissioni_di(ordinativo) if t.risposta_duplicata]
    assert {t.servizio for t in duplicate} == {"crea-appalto", "conferma-appalto", "esito-operazione", "recupera-cig"}
    assert all(t.esito in (EsitoANAC.OK, EsitoANAC.WT) for t in trasmissioni_di(ordinativo))
    _, log = _pagine(client, demo, ordinativo)
    assert "risposta ricevuta due volte: considerata una sola" in log
    assert "CIG ripetuto nella risposta: considerato una sola volta" in log
    assert Ordinativo.objects.filter(cig_derivato=ordinativo.cig_derivato).count() == 1


def test_cig_gia_assegnato_a_un_altro_ordinativo_rifiutato(client, demo, commit, simulatore_anac, veloce):
    primo = conferma_e_acquisisci(client, demo, commit, ordinativo_senza_cig(client, demo))
    secondo = ordinativo_senza_cig(client, demo)
    spid(client, demo)
    secondo = _conferma(client, demo, commit, secondo)
    assert secondo.stato == Ordinativo.Stato.APPALTO_CONFERMATO
    simulatore_anac.guasto(servizio="recupera-cig", tipo="cig_ripetuto", codice=primo.cig_derivato)
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", secondo.pk)).status_code == 302
    secondo.refresh_from_db()
    assert (secondo.stato, secondo.cig_derivato, secondo.cig_in_recupero) == (
        Ordinativo.Stato.APPALTO_CONFERMATO,
        "",
        False,
    )
    assert secondo.errore_anac == f"Il CIG {primo.cig_derivato} risulta già assegnato a un altro ordinativo."
    assert Ordinativo.objects.filter(cig_derivato=primo.cig_derivato).get().pk == primo.pk
    passo1, log = _pagine(client, demo, secondo)
    assert f"Il CIG {primo.cig_derivato} risulta già assegnato a un altro ordinativo." in passo1
    assert "puoi cliccare di nuovo “Acquisisci CIG”" in passo1 and "Recupera CIG" in log
    primo.refresh_from_db()
    assert primo.stato == Ordinativo.Stato.CIG_ACQUISITO  # the first order is untouched

    with commit():
        assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", secondo.pk)).status_code == 302
    secondo.refresh_from_db()
    assert secondo.stato == Ordinativo.Stato.CIG_ACQUISITO and secondo.cig_derivato not in ("", primo.cig_derivato)
    assert [s for s, *_ in _log(secondo)].count("recupera-cig") == 2
