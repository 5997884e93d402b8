"""The round to approve before ordering (``ContrattoPage.round_per_ordinare``) and the ipotesi A/B
of the contract, as the manual describes them: after the manifestazione di interesse (round 0) is
approved, "nuovo ordine" — for ipotesi A and B alike; ipotesi B's round 1 (the Data Protection
Agreement) is still sent, ipotesi A ends at round 0. A contract without the ipotesi A/B (the
connectivity convention of the demo) shows neither the ipotesi nor the 4,9% helper."""

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders

from contratti.adesioni import services
from contratti.models import Adesione, ContrattoPage
from tests.utils import contenuto

from .conftest import upload
from .helpers import crea_via_web, decidi, fotografia, invia_web, sub

pytestmark = pytest.mark.django_db

SPIEGAZIONE = "Per emettere un ordinativo (“nuovo ordine”) serve un'adesione dell'ente con la manifestazione di interesse approvata (round 0)"
NUOVO_ORDINE = ">nuovo ordine</a>"


def _tab(html, frammento):
    """The content of a tab of the contract page (between its anchor and the next pane)."""
    inizio = html.index(f'<div id="{frammento}">')
    return html[
        inizio : html.index('<div class="tab-pane', inizio) if '<div class="tab-pane' in html[inizio:] else None
    ]


def test_dettagli_del_contratto_dicono_quando_si_ordina(client, demo):
    html = contenuto(client.get(demo.sct.url))
    assert "Il contratto prevede 2 round di adesione (round 0, round 1)." in html
    assert (
        "“nuovo ordine” dopo l'approvazione del round 0 (manifestazione di interesse); i round successivi si "
        "inviano solo se contengono documenti obbligatori per l'ipotesi dell'adesione." in html
    )
    assert "Ipotesi A (proroga semplificata) e ipotesi B." in html
    secondo = contenuto(client.get(demo.secondo.url))
    assert "Il contratto prevede 1 round di adesione (round 0)." in secondo
    assert "“nuovo ordine” dopo l'approvazione di tutti i round di adesione." in secondo
    assert "Ipotesi di adesione" not in secondo


def test_ipotesi_a_dopo_il_round_0_subito_nuovo_ordine(client_as, demo, dati_passo1):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1())
    assert adesione.rounds == [0]
    assert "Bozza (round 0 (su 1))" in contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    # Before the approval: no "nuovo ordine", and the tab says why.
    ordinativi = _tab(contenuto(aderente.get(demo.sct.url)), "elenco-ordinativi")
    assert NUOVO_ORDINE not in ordinativi and SPIEGAZIONE in ordinativi
    assert aderente.get(sub(demo.sct, "ordinativo_nuovo")).status_code == 403
    invia_web(aderente, adesione)
    assert aderente.get(sub(demo.sct, "ordinativo_nuovo")).status_code == 403

    decidi(client_as("banditore"), adesione, "approve")
    assert (adesione.stato, adesione.round_corrente, adesione.ordinabile) == (Adesione.Stato.APPROVATA, 0, True)
    aderente = client_as("aderente")
    html = contenuto(aderente.get(demo.sct.url))
    ordinativi = _tab(html, "elenco-ordinativi")
    assert NUOVO_ORDINE in ordinativi and SPIEGAZIONE not in ordinativi
    assert "round 0 (su 1)</td><td>Approvata</td>" in _tab(html, "elenco-adesioni")
    assert aderente.get(sub(demo.sct, "ordinativo_nuovo")).status_code == 200
    riepilogo = contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert "Approvata (round 0 (su 1))" in riepilogo and "RICHIESTE DOCUMENTI PER ADESIONE – ROUND 1" not in riepilogo
    # The massimale counts it.
    assert services.massimale(demo.sct)["approvato"] == adesione.importo


def test_ipotesi_b_ordina_dopo_il_round_0_e_invia_il_round_1(client_as, demo, dati_ipotesi_b):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_ipotesi_b())
    assert adesione.rounds == [0, 1]
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "approve")
    assert (adesione.stato, adesione.round_corrente) == (Adesione.Stato.ROUND_APPROVATO, 1)
    assert adesione.ordinabile and adesione.approvata_il is not None
    approvata_il = adesione.approvata_il

    aderente = client_as("aderente")
    html = contenuto(aderente.get(demo.sct.url))
    assert NUOVO_ORDINE in _tab(html, "elenco-ordinativi")
    assert "round 1 (su 2)</td><td>Approvata per gli ordinativi – round 1 da inviare</td>" in html
    assert aderente.get(sub(demo.sct, "ordinativo_nuovo")).status_code == 200
    assert services.massimale(demo.sct)["approvato"] == adesione.importo
    riepilogo = contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert "Il round 0 è approvato: l'amministrazione può già procedere con il “nuovo ordine”" in riepilogo
    assert "RICHIESTE DOCUMENTI PER ADESIONE – ROUND 1" in riepilogo and "elimina bozza" not in riepilogo
    assert "Manca il documento obbligatorio del round 1: “Data Protection Agreement" in riepilogo

    # Round 1 without its mandatory document: refused, singular message, nothing changes.
    prima = fotografia(adesione)
    risposta = aderente.post(sub(demo.sct, "adesione_invia", adesione.pk))
    assert risposta.status_code == 400
    assert (
        "Per inviare l'adesione manca il documento obbligatorio: “Data Protection Agreement sottoscritto "
        "dall'amministrazione”."
    ) in contenuto(risposta)
    assert fotografia(adesione) == prima

    aderente.post(
        sub(demo.sct, "adesione_documenti", adesione.pk), {"doc_data-protection-agreement": upload("dpa.pdf")}
    )
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "approve")
    assert (adesione.stato, adesione.approvata_il) == (Adesione.Stato.APPROVATA, approvata_il)
    assert services.massimale(demo.sct)["approvato"] == adesione.importo


def test_documenti_mancanti_al_plurale(client_as, demo, dati_passo1):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1(ipotesi="B"))
    riepilogo = contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert (
        "Mancano i documenti obbligatori del round 0: “Piano dei Fabbisogni”, “Progetto dei Fabbisogni”." in riepilogo
    )
    prima = fotografia(adesione)
    risposta = aderente.post(sub(demo.sct, "adesione_invia", adesione.pk))
    assert risposta.status_code == 400
    assert (
        "Per inviare l'adesione mancano i documenti obbligatori: “Piano dei Fabbisogni”, “Progetto dei Fabbisogni”."
    ) in contenuto(risposta)
    assert fotografia(adesione) == prima


def test_elimina_bozza_rifiutata_dopo_l_approvazione_del_round_0(client_as, demo, dati_passo1, conta_archivio):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1())
    assert "elimina bozza" in contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "approve")
    aderente = client_as("aderente")
    assert "elimina bozza" not in contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    prima, archivio = fotografia(adesione), conta_archivio()
    risposta = aderente.post(sub(demo.sct, "adesione_elimina", adesione.pk))
    assert risposta.status_code == 400 and "Un'adesione approvata non può essere eliminata." in contenuto(risposta)
    assert (fotografia(adesione), conta_archivio()) == (prima, archivio)


def test_contratto_senza_ipotesi_ne_calcolo_del_4_9(client_as, demo):
    aderente = client_as("aderente")
    passo1 = contenuto(aderente.get(sub(demo.secondo, "adesione_nuova")))
    for testo in ("SOLO NEL CASO DI IPOTESI B", "Ipotesi A", "4,9%", "calcola importo", "piano dei fabbisogni"):
        assert testo not in passo1, testo
    assert "Manifestazione di interesse" in passo1
    # An ipotesi posted anyway (or a piano) is not kept: the contract has none.
    dati = {
        "ipotesi": "B",
        "importo": "5.000,00",
        "scadenza": "2027-02-28",
        "importo_piano": "1.000,00",
        "data_piano": "2023-01-15",
        "doc_manifestazione-interesse": upload(),
    }
    adesione = crea_via_web(aderente, demo.secondo, dati)
    assert (adesione.ipotesi, adesione.importo_piano_fabbisogni, adesione.data_piano_fabbisogni) == ("", None, None)
    riepilogo = contenuto(aderente.get(sub(demo.secondo, "adesione_riepilogo", adesione.pk)))
    assert "Ipotesi" not in riepilogo and "Bozza (round 0 (su 1))" in riepilogo
    invia_web(aderente, adesione)
    decidi(client_as("banditore2"), adesione, "approve")
    assert adesione.stato == Adesione.Stato.APPROVATA and adesione.ordinabile


def test_contratto_sct_senza_ipotesi_b_solo_manifestazione(client_as, demo):
    """The SCT contract still asks for the ipotesi: without it, a clear message and nothing saved."""
    aderente = client_as("aderente")
    dati = {"importo": "5.000,00", "scadenza": "2026-10-02", "doc_manifestazione-interesse": upload()}
    numero = Adesione.objects.count()
    risposta = aderente.post(sub(demo.sct, "adesione_nuova"), dati)
    assert risposta.status_code == 400 and Adesione.objects.count() == numero


def test_migrazione_imposta_i_contratti_come_sct(client_as, demo, dati_passo1, dati_ipotesi_b):
    """The data migration recognises an SCT-like contract (a document "solo ipotesi B") and sets it
    (also in its latest revision, which the admin edits); the other contract is left as it is."""
    migrazione = __import__("importlib").import_module(
        "contratti.migrations.0010_round_per_ordinare_e_ipotesi_del_contratto"
    )
    # Before: an ipotesi A adesione waiting for a round 1 after its round 0 approval; an ipotesi B one.
    aderente = client_as("aderente")
    vecchia_a = crea_via_web(aderente, demo.sct, dati_passo1())
    Adesione.objects.filter(pk=vecchia_a.pk).update(stato="round_approvato", round_corrente=1)
    b = crea_via_web(client_as("aderente2"), demo.sct, dati_ipotesi_b(da="aderente2"))
    Adesione.objects.filter(pk=b.pk).update(stato="round_approvato", round_corrente=1)
    ContrattoPage.objects.filter(pk=demo.sct.pk).update(
        round_per_ordinare=None, prevede_ipotesi=False, adeguamento_listino=False
    )
    migrazione.imposta_contratti_sct(apps, None)
    vecchia_a.refresh_from_db()
    b.refresh_from_db()
    assert (vecchia_a.stato, vecchia_a.round_corrente, vecchia_a.ordinabile) == (Adesione.Stato.APPROVATA, 0, True)
    assert (b.stato, b.round_corrente, b.ordinabile) == (Adesione.Stato.ROUND_APPROVATO, 1, True)
    sct, secondo = ContrattoPage.objects.get(pk=demo.sct.pk), ContrattoPage.objects.get(pk=demo.secondo.pk)
    assert (sct.round_per_ordinare, sct.prevede_ipotesi, sct.adeguamento_listino) == (0, True, True)
    revisione = sct.get_latest_revision_as_object()
    assert (revisione.round_per_ordinare, revisione.prevede_ipotesi, revisione.adeguamento_listino) == (0, True, True)
    assert (secondo.round_per_ordinare, secondo.prevede_ipotesi, secondo.adeguamento_listino) == (None, False, False)


def test_tab_del_contratto_raggiungibili_anche_senza_javascript(client, demo):
    """Each tab is a link to a fragment that exists inside its own pane; without the script (a static
    file: the CSP forbids inline scripts) the class ``sct-tab-senza-js`` shows every pane."""
    html = contenuto(client.get(demo.sct.url))
    assert 'class="tab-content py-4 sct-tab-senza-js"' in html
    assert '<script src="/static/sct/tab-contratto.js"></script>' in html
    for frammento, pannello in (
        ("informazioni-generali", "pannello-info"),
        ("aggiudicatario", "pannello-aggiudicatario"),
        ("chiarimenti", "pannello-chiarimenti"),
        ("elenco-adesioni", "pannello-adesioni"),
        ("elenco-ordinativi", "pannello-ordinativi"),
    ):
        assert f'href="#{frammento}" data-bs-toggle="tab" data-bs-target="#{pannello}"' in html
        inizio = html.index(f'id="{pannello}"')
        assert html.index(f'<div id="{frammento}">') > inizio and html.count(f'id="{frammento}"') == 1
    with open(finders.find("sct/sct.css"), encoding="utf-8") as css:
        assert ".tab-content.sct-tab-senza-js > .tab-pane { display: block; opacity: 1; }" in css.read()


def test_admin_del_contratto_modifica_round_per_ordinare_e_ipotesi(demo):
    """The three settings are in the admin's "Procedura" tab of the contract."""
    procedura = next(t for t in ContrattoPage.get_edit_handler().children if t.heading == "Procedura")
    campi = {
        nome
        for figlio in procedura.children
        for nome in getattr(figlio, "get_form_options", lambda: {})().get("fields", [])
    }
    assert {"round_per_ordinare", "prevede_ipotesi", "adeguamento_listino"} <= campi
    assert {"round_per_ordinare", "prevede_ipotesi", "adeguamento_listino"} <= set(
        ContrattoPage.get_edit_handler().get_form_class().base_fields
    )
