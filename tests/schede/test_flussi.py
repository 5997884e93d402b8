"""The ANN and SC1 paths over real HTTP to the ANAC simulator, Celery tasks run in this process (eager):
"Crea nuova scheda" → "salva e procedi" → "invia scheda" → "Verifica invio" → ordinativo Annullato."""

import datetime

import pytest

from audit.models import VoceAudit
from comunicazioni.models import Messaggio
from contratti.models import Ordinativo, Scheda
from contratti.schede.services import MSG_ANN_DOPO_ESECUZIONE, MSG_DOPPIA_INVIATA
from contratti.schede.views import BANNER_INVIO
from esiti.services import crea_bozza, pubblica
from tests.comunicazioni.aiuti import consegnatari
from tests.utils import contenuto

from .aiuti import crea_scheda, ordinativo_con_cig, porta_a, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_ann_dalla_creazione_all_annullamento(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    esito = pubblica(
        crea_bozza(
            contratto=ordinativo.contratto,
            ente=ordinativo.ente,
            utente=demo.user("aderente"),
            riferimento=ordinativo,
            cig=ordinativo.cig_derivato,
            oggetto=ordinativo.oggetto,
            importo_aggiudicazione=ordinativo.importo_totale,
            data_aggiudicazione=datetime.date.today(),
            data_inizio=datetime.date.today(),
            data_ultimazione=datetime.date.today() + datetime.timedelta(days=365),
        ),
        utente=demo.user("aderente"),
    )
    assert esito.stato == "pubblicato" and not esito.annullato
    url_elenco = sub(demo.sct, "schede_elenco", ordinativo.pk)
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert f'href="{url_elenco}">SCHEDE</a>' in passo1
    elenco = contenuto(client.get(url_elenco))
    assert (
        "Crea nuova scheda" in elenco
        and "Annullamento procedura – ANN" in elenco
        and "Sottoscrizione del contratto – SC1" in elenco
    )

    nuova = contenuto(client.get(sub(demo.sct, "scheda_nuova", ordinativo.pk, "ann")))
    assert "Inserimento dati" in nuova and f'value="{ordinativo.cig_derivato}" readonly' in nuova
    assert 'value="errata comunicazione" readonly' in nuova and "salva e procedi" in nuova
    risposta = client.post(
        sub(demo.sct, "scheda_nuova", ordinativo.pk, "ann"), {"cig": ordinativo.cig_derivato, "motivo": "1"}
    )
    assert risposta.status_code == 302
    scheda = Scheda.objects.get(ordinativo=ordinativo)
    assert (scheda.tipo, scheda.stato, scheda.cig, scheda.motivo) == ("ANN", "bozza", ordinativo.cig_derivato, "1")
    dettaglio = contenuto(client.get(risposta["Location"]))
    assert "invia scheda" in dettaglio and "elimina" in dettaglio

    with commit():
        risposta = client.post(sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk), follow=True)
    assert risposta.status_code == 200 and BANNER_INVIO in contenuto(risposta)
    scheda.refresh_from_db()
    assert scheda.stato == Scheda.Stato.INVIATA and scheda.id_scheda, scheda.errore_anac
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO
    elenco = contenuto(client.get(url_elenco))
    url_log = sub(demo.sct, "scheda_log", ordinativo.pk, scheda.pk)
    assert f'<a href="{url_log}">Annullamento procedura – ANN</a>' in elenco and "Verifica invio" in elenco
    log = contenuto(client.get(url_log))
    assert "log trasmissioni" in log and "Crea scheda" in log and "Conferma scheda" in log

    with commit():
        assert client.post(sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)).status_code == 302
    scheda.refresh_from_db()
    ordinativo.refresh_from_db()
    assert scheda.stato == Scheda.Stato.CONFERMATA, scheda.errore_anac
    assert ordinativo.stato == Ordinativo.Stato.ANNULLATO and ordinativo.annullato_il is not None
    assert "stato: <strong>Annullato</strong>" in contenuto(
        client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk))
    )
    esito.refresh_from_db()
    assert esito.annullato and esito.annullato_il is not None
    assert "Annullato" in contenuto(client.get(esito.get_absolute_url()))
    inviata = simulatore_anac.richieste("crea-scheda")[-1]["dati"]["scheda"]
    assert inviata["codice"] == "ANN" and inviata["body"]["anacForm"]["cig"] == ordinativo.cig_derivato
    assert inviata["body"]["anacForm"]["annullamento"]["motivoAnnullamento"]["codice"] == "1"
    messaggio = Messaggio.objects.get(evento="scheda_anac_confermata")
    assert consegnatari(messaggio) == ["aderente", "banditore"]
    azioni = set(VoceAudit.objects.filter(object_id=str(scheda.pk)).values_list("azione", flat=True))
    assert {
        "scheda.creata",
        "scheda.invio_richiesto",
        "scheda.inviata",
        "scheda.verifica_richiesta",
        "scheda.confermata",
    } <= azioni
    assert VoceAudit.objects.filter(
        azione="ordinativo.annullato", object_id=str(ordinativo.pk), stato_da="approvato", stato_a="annullato"
    ).exists()


def test_sc1_confermata_poi_niente_ann(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    scheda = crea_scheda(client, demo, ordinativo, "SC1", data_esecutivita="2026-10-06")
    assert (scheda.data_stipula, scheda.data_scadenza) == (datetime.date(2026, 10, 5), datetime.date(2027, 10, 4))
    with commit():
        assert client.post(sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk)).status_code == 302
    with commit():
        assert client.post(sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)).status_code == 302
    scheda.refresh_from_db()
    ordinativo.refresh_from_db()
    assert scheda.stato == Scheda.Stato.CONFERMATA and ordinativo.stato == Ordinativo.Stato.APPROVATO
    contratto = simulatore_anac.richieste("crea-scheda")[-1]["dati"]["scheda"]["body"]["anacForm"]["datiContratto"]
    ad4 = simulatore_anac.richieste("crea-appalto")[-1]["dati"]["scheda"]["body"]["anacForm"]["aggiudicazioni"][0]
    mandataria = next(p for p in ad4["partecipanti"] if p["ruoloOE"]["codice"] in ("13", "14"))
    assert contratto["cig"] == [ordinativo.cig_derivato] and contratto["idPartecipante"] == mandataria["idPartecipante"]
    assert (contratto["dataStipula"], contratto["dataDecorrenza"], contratto["dataScadenza"]) == (
        "2026-10-05T00:00:00Z",
        "2026-10-05T00:00:00Z",
        "2027-10-04T00:00:00Z",
    )
    messaggio = Messaggio.objects.get(evento="scheda_anac_confermata")
    assert "Data di stipula 05/10/2026" in messaggio.testo and consegnatari(messaggio) == ["aderente", "banditore"]
    # After an execution-phase scheda the ANN is no longer possible: the menu entry is disabled.
    elenco = contenuto(client.get(sub(demo.sct, "schede_elenco", ordinativo.pk)))
    assert f"Annullamento procedura – ANN: {MSG_ANN_DOPO_ESECUZIONE}" in elenco
    # The confirmed SC1 is not a draft: the menu says so, without "aprila… per inviarla o eliminarla".
    sc1 = Scheda.Tipo.SC1.label
    assert f"{sc1}: " + MSG_DOPPIA_INVIATA.format(nome=sc1, stato="Confermata") in elenco
    assert "inviarla o eliminarla" not in elenco
    assert (
        client.post(
            sub(demo.sct, "scheda_nuova", ordinativo.pk, "ann"), {"cig": ordinativo.cig_derivato, "motivo": "1"}
        ).status_code
        == 400
    )


def test_ann_confermata_mentre_l_ordinativo_attende_il_nulla_osta(client, demo, commit, simulatore_anac):
    """An ANN sent with the CIG acquisito, then the ordinativo sent to the banditore: when ANAC
    confirms the ANN the ordinativo is annulled and its approval workflow cancelled."""
    ordinativo = ordinativo_con_cig(client, demo, commit)
    scheda = crea_scheda(client, demo, ordinativo, "ANN")
    with commit():
        assert client.post(sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk)).status_code == 302
    ordinativo = porta_a(ordinativo, demo, Ordinativo.Stato.INVIATO)
    assert ordinativo.current_workflow_state is not None
    with commit():
        assert client.post(sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.ANNULLATO and ordinativo.current_workflow_state is None
