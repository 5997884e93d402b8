"""The status endpoints polled by the pages waiting on ANAC or on the banditore (sct/aggiorna.js):
what they answer, to whom, and that a GET never starts work (no ANAC operation, no Celery task, no
write), also on the pages themselves."""

import json
import re
import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anac.models import OperazioneANAC
from contratti.adesioni import services as servizi_adesione
from contratti.models import Adesione, Ordinativo, Scheda
from contratti.ordinativi.anac import INTERROGAZIONI_ESITO, MSG_ESITO_NON_DISPONIBILE
from identita.middleware import CHIAVE_ATTIVITA
from tests.ordinativi.aiuti import _task_state, ordinativo_senza_cig, spid, sub, upload
from tests.schede.aiuti import crea_scheda, ordinativo_con_cig
from tests.utils import contenuto

pytestmark = pytest.mark.django_db

SCRITTURE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
ALTRI = ("aderente2", "oe", "oe2", "banditore2", "editor")


@contextmanager
def senza_effetti(django_capture_on_commit_callbacks):
    """Nothing queued at commit (Celery tasks, e-mails), no write, no new ANAC operation."""
    operazioni = OperazioneANAC.objects.count()
    with django_capture_on_commit_callbacks() as richiamate, CaptureQueriesContext(connection) as query:
        yield
    scritture = [q["sql"] for q in query.captured_queries if SCRITTURE.match(q["sql"])]
    assert scritture == [], scritture
    assert richiamate == [], richiamate
    assert OperazioneANAC.objects.count() == operazioni


def _json(risposta):
    assert risposta.status_code == 200, risposta.content[:500]
    assert risposta["Content-Type"] == "application/json" and risposta["Cache-Control"] == "no-store"
    return json.loads(risposta.content)


def _indicatore(html):
    """(url, versione, campo) of the indicator "in corso" of a page, or None."""
    trovato = re.search(
        r'data-sct-aggiorna="([^"]+)" data-sct-versione="([^"]+)"[^>]*?(?: data-sct-campo="([^"]+)")?>', html
    )
    return trovato.groups() if trovato else None


def _rifiuti(client, demo, url):
    """Who may not read the page gets 404 (403 in JSON without login)."""
    for username in ALTRI:
        client.force_login(demo.user(username))
        assert client.get(url).status_code == 404, username
    client.logout()
    risposta = client.get(url)
    assert risposta.status_code == 403 and json.loads(risposta.content) == {"errore": "Accesso richiesto."}


def _altro_contratto(demo):
    return demo.sct.get_siblings(inclusive=False).live().type(type(demo.sct)).first().specific


def _in_conferma_senza_operazioni(client, demo):
    """An ordinativo waiting for ANAC's outcome of the confirmation with no question under way: what
    the old pages answered by asking ANAC again from the GET."""
    ordinativo = ordinativo_senza_cig(client, demo)
    Ordinativo.objects.filter(pk=ordinativo.pk).update(
        stato=Ordinativo.Stato.CONFERMA_IN_CORSO, id_appalto="appalto-in-attesa", tentativo_conferma=1, attesa_esito=1
    )
    ordinativo.refresh_from_db()
    return ordinativo


def test_ordinativo_in_attesa_di_anac_pagine_e_stato_senza_effetti(client, demo, django_capture_on_commit_callbacks):
    ordinativo = _in_conferma_senza_operazioni(client, demo)
    url_stato = sub(demo.sct, "ordinativo_stato", ordinativo.pk)
    url_passo1 = sub(demo.sct, "ordinativo_passo1", ordinativo.pk)
    url_log = sub(demo.sct, "ordinativo_log", ordinativo.pk)
    client.force_login(demo.user("aderente"))
    with senza_effetti(django_capture_on_commit_callbacks):
        dati = _json(client.get(url_stato))
        passo1 = contenuto(client.get(url_passo1))
        log = contenuto(client.get(url_log))
    assert dati["stato"] == "conferma_in_corso" and dati["in_attesa"] is True
    assert dati["annuncio"] == "Stato dell'ordinativo aggiornato: Conferma appalto in corso."
    # The page shows the state the endpoint answers; without JavaScript, a plain link to itself.
    assert _indicatore(passo1) == (url_stato, dati["versione"], None)
    assert f'<a href="{url_passo1}">Aggiorna la pagina</a>' in passo1 and "in corso" in passo1
    assert "La richiesta di conferma appalto è in corso , si prega di attendere." in passo1  # the manual's banner
    assert _indicatore(log) == (url_stato, dati["versione_log"], "versione_log")
    assert 'src="/static/sct/aggiorna.js" defer' in passo1 and "<script>" not in passo1

    # The outcome arrives (the worker's job): a new version, nothing left to wait for.
    Ordinativo.objects.filter(pk=ordinativo.pk).update(stato=Ordinativo.Stato.APPALTO_CONFERMATO)
    dopo = _json(client.get(url_stato))
    assert dopo["versione"] != dati["versione"] and dopo["in_attesa"] is False
    assert _indicatore(contenuto(client.get(url_passo1))) is None


def test_stato_ordinativo_permessi(client, demo):
    ordinativo = _in_conferma_senza_operazioni(client, demo)
    url = sub(demo.sct, "ordinativo_stato", ordinativo.pk)
    client.force_login(demo.user("banditore"))
    assert client.get(url).status_code == 404  # a draft never sent is not the banditore's to see
    _rifiuti(client, demo, url)
    client.force_login(demo.user("aderente"))
    assert client.get(sub(_altro_contratto(demo), "ordinativo_stato", ordinativo.pk)).status_code == 404
    assert client.post(url).status_code == 405


@pytest.mark.integration
def test_schede_stato_dopo_invio_e_verifica(client, demo, commit, simulatore_anac, django_capture_on_commit_callbacks):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    scheda = crea_scheda(client, demo, ordinativo, "ANN", motivo="1")
    url_elenco = sub(demo.sct, "schede_elenco", ordinativo.pk)
    url_stato_elenco = sub(demo.sct, "schede_stato", ordinativo.pk)
    url_stato = sub(demo.sct, "scheda_stato", ordinativo.pk, scheda.pk)
    bozza = _json(client.get(url_stato_elenco))
    assert bozza["in_attesa"] is False and _indicatore(contenuto(client.get(url_elenco))) is None

    # "invia scheda": the worker's answer is not there yet, the list waits for it.
    with django_capture_on_commit_callbacks() as invio:
        assert client.post(sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk)).status_code == 302
    assert invio, "the sending is queued at commit"
    with senza_effetti(django_capture_on_commit_callbacks):
        in_invio = _json(client.get(url_stato_elenco))
        elenco = contenuto(client.get(url_elenco))
        della_scheda = _json(client.get(url_stato))
        dettaglio = contenuto(client.get(sub(demo.sct, "scheda_dettaglio", ordinativo.pk, scheda.pk)))
        log = contenuto(client.get(sub(demo.sct, "scheda_log", ordinativo.pk, scheda.pk)))
    assert in_invio["in_attesa"] is True and in_invio["versione"] != bozza["versione"]
    assert in_invio["schede"] == [
        {"id": scheda.pk, "tipo": "ANN", "stato": "invio_in_corso", "verifica_in_corso": False}
    ]
    assert _indicatore(elenco) == (url_stato_elenco, in_invio["versione"], None)
    assert "La richiesta di invio scheda è in corso. Si prega di attendere" in elenco  # the manual's banner, verbatim
    assert della_scheda["stato"] == "invio_in_corso" and della_scheda["in_attesa"] is True
    assert _indicatore(dettaglio) == (url_stato, della_scheda["versione"], None)
    assert _indicatore(log) == (url_stato, della_scheda["versione_log"], "versione_log")

    # The worker runs (here, in this process): a new version, nothing left to wait for.
    with commit():
        for richiamo in invio:
            richiamo()
    scheda.refresh_from_db()
    assert scheda.stato == Scheda.Stato.INVIATA, scheda.errore_anac
    dopo_invio = _json(client.get(url_stato))
    assert dopo_invio["versione_log"] != della_scheda["versione_log"] and dopo_invio["in_attesa"] is False
    inviata = _json(client.get(url_stato_elenco))
    assert inviata["in_attesa"] is False and inviata["versione"] != in_invio["versione"]
    assert client.post(sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)).status_code == 302
    with senza_effetti(django_capture_on_commit_callbacks):
        in_verifica = _json(client.get(url_stato_elenco))
        elenco = contenuto(client.get(url_elenco))
    assert in_verifica["in_attesa"] is True and _indicatore(elenco) == (url_stato_elenco, in_verifica["versione"], None)
    assert "ricarica la pagina" not in elenco

    _rifiuti(client, demo, url_stato_elenco)
    _rifiuti(client, demo, url_stato)
    client.force_login(demo.user("banditore"))
    assert _json(client.get(url_stato))["verifica_in_corso"] is True  # the banditore reads (read-only pages)
    assert _json(client.get(url_stato_elenco))["versione"] == in_verifica["versione"]
    client.force_login(demo.user("aderente"))
    altro = ordinativo_senza_cig(client, demo)
    assert client.get(sub(demo.sct, "scheda_stato", altro.pk, scheda.pk)).status_code == 404
    assert client.get(sub(demo.sct, "scheda_stato", ordinativo.pk, 999999)).status_code == 404
    assert client.get(sub(_altro_contratto(demo), "scheda_stato", ordinativo.pk, scheda.pk)).status_code == 404
    assert client.get(sub(_altro_contratto(demo), "schede_stato", ordinativo.pk)).status_code == 404


def test_adesione_in_valutazione_stato_e_approvazione(client, demo, django_capture_on_commit_callbacks):
    aderente, banditore = demo.user("aderente"), demo.user("banditore")
    adesione = servizi_adesione.crea_bozza(
        contratto=demo.sct,
        ente=demo.firenze,
        utente=aderente,
        ipotesi="A",
        importo="1000.00",
        scadenza=demo.sct.scadenza_adesioni_suggerita,
        files={"manifestazione-interesse": upload("manifestazione.pdf")},
    )
    url = sub(demo.sct, "adesione_stato", adesione.pk)
    url_riepilogo = sub(demo.sct, "adesione_riepilogo", adesione.pk)
    client.force_login(aderente)
    assert _json(client.get(url))["in_attesa"] is False
    assert _indicatore(contenuto(client.get(url_riepilogo))) is None
    servizi_adesione.invia(adesione, utente=aderente)
    with senza_effetti(django_capture_on_commit_callbacks):
        dati = _json(client.get(url))
        riepilogo = contenuto(client.get(url_riepilogo))
    assert dati["stato"] == "in_valutazione" and dati["in_attesa"] is True and dati["round_corrente"] == 0
    assert _indicatore(riepilogo) == (url, dati["versione"], None)
    assert "In attesa della valutazione del RUP del Contratto Quadro." in riepilogo
    assert f'<a href="{url_riepilogo}">Aggiorna la pagina</a>' in riepilogo

    _rifiuti(client, demo, url)
    client.force_login(banditore)
    assert _json(client.get(url))["versione"] == dati["versione"]
    assert client.get(sub(_altro_contratto(demo), "adesione_stato", adesione.pk)).status_code == 404

    servizi_adesione.approva_round(adesione, utente=banditore, task_state=_task_state(adesione))
    client.force_login(aderente)
    dopo = _json(client.get(url))
    # Ipotesi A ends at round 0 (the contract orders after round 0): the adesione is approved.
    assert dopo["stato"] == Adesione.Stato.APPROVATA and dopo["in_attesa"] is False
    assert dopo["versione"] != dati["versione"]
    assert dopo["annuncio"] == "Stato dell'adesione aggiornato: Approvata."
    assert _indicatore(contenuto(client.get(url_riepilogo))) is None


@pytest.mark.integration
def test_il_worker_chiede_di_nuovo_l_esito_poi_torna_in_bozza(client, demo, commit, simulatore_anac):
    """ANAC answers WT for ever: the worker (not the page) asks again, INTERROGAZIONI_ESITO times,
    then the order goes back to bozza with the message and "Conferma appalto" is offered again."""
    simulatore_anac.config(wt_polls=1000)
    ordinativo = ordinativo_senza_cig(client, demo)
    assert (
        client.post(
            sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"), {"doc_atto-adesione": upload()}
        ).status_code
        == 302
    )
    spid(client, demo)
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.BOZZA
    assert ordinativo.errore_anac == MSG_ESITO_NON_DISPONIBILE.format(n=INTERROGAZIONI_ESITO)
    interrogazioni = OperazioneANAC.objects.filter(chiave__startswith=f"ordinativo:{ordinativo.pk}:esito-conferma:")
    assert interrogazioni.count() == INTERROGAZIONI_ESITO
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert "ANAC non ha ancora restituito l'esito della conferma dell'appalto" in passo1
    assert '<button type="submit" class="btn btn-primary">Conferma appalto</button>' in passo1


def test_l_aggiornamento_automatico_non_tiene_viva_la_sessione(client, demo, settings):
    """The polls are not the user's activity: they do not postpone the idle timeout, and after it
    the endpoint answers 403 (the page then shows "Aggiorna la pagina")."""
    settings.SCT_SESSION_IDLE_TIMEOUT_MIN = 30
    ordinativo = _in_conferma_senza_operazioni(client, demo)
    url = sub(demo.sct, "ordinativo_stato", ordinativo.pk)
    client.force_login(demo.user("aderente"))
    sessione = client.session
    sessione[CHIAVE_ATTIVITA] = prima = int(time.time()) - 29 * 60
    sessione.save()
    assert client.get(url, headers={"X-SCT-Aggiornamento": "1"}).status_code == 200
    assert client.session[CHIAVE_ATTIVITA] == prima
    assert client.get(url).status_code == 200  # the user's own request counts
    assert client.session[CHIAVE_ATTIVITA] > prima

    sessione = client.session
    sessione[CHIAVE_ATTIVITA] = int(time.time()) - 31 * 60
    sessione.save()
    risposta = client.get(url, headers={"X-SCT-Aggiornamento": "1"})
    assert risposta.status_code == 403 and "_auth_user_id" not in client.session
