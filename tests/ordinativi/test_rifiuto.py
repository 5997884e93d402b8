"""The banditore does not approve an ordinativo, through the real Wagtail workflow action ("Non
approvare" of ``ValutazioneBanditoreTask`` in the admin, as its modal posts it): the reason is
mandatory; the ente aderente only is notified (in the site and by e-mail); the audit keeps the reason;
the ente replaces the documents and sends the order again, back to the banditore's evaluation."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState

from audit.models import VoceAudit
from comunicazioni.models import Messaggio
from contratti.models import Ordinativo
from documenti.firma_prova import firma_pades
from tests.comunicazioni.aiuti import EMAIL, collega_firenze, consegnatari, destinatari_email
from tests.utils import contenuto, corpo

from .aiuti import RUP_FIRENZE, ordinativo_con_cig, sub, task_state, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}  # the admin's modal posts the action this way
MOTIVO = "L'importo dell'atto non corrisponde al totale dell'ordine: ricaricare l'atto corretto."


def _client(demo, username):
    client = Client()
    client.force_login(demo.user(username))
    return client


def _azione(client, ordinativo, ts, azione="reject", **dati):
    url = reverse("wagtailsnippets_contratti_ordinativo:workflow_action", args=(ordinativo.pk, azione, ts.pk))
    return client.post(url, dati, **XHR)


def _invia_dalle_pagine(client, demo, commit, ordinativo, nome_firmatario="Laura Bianchi"):
    pdf = corpo(client.get(sub(demo.sct, "ordinativo_scheda", ordinativo.pk)))
    firmata = firma_pades(pdf, nome=nome_firmatario, codice_fiscale=RUP_FIRENZE)
    assert (
        client.post(
            sub(demo.sct, "ordinativo_passo2", ordinativo.pk), {"scheda": upload("scheda-firmata.pdf", firmata)}
        ).status_code
        == 302
    )
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_invia", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.INVIATO
    return ordinativo


def test_rifiuto_dal_workflow_motivo_obbligatorio_notifica_e_nuovo_invio(client, demo, commit, outbox, simulatore_anac):
    collega_firenze(demo)  # a second user of the ente: "the ente aderente" is every user of it
    ordinativo = ordinativo_con_cig(client, demo, commit)
    ordinativo = _invia_dalle_pagine(client, demo, commit, ordinativo)
    ts = task_state(ordinativo)
    banditore = _client(demo, "banditore")

    # The modal of "Non approvare" asks for the reason.
    modulo = banditore.get(
        reverse(
            "wagtailsnippets_contratti_ordinativo:collect_workflow_action_data", args=(ordinativo.pk, "reject", ts.pk)
        ),
        **XHR,
    )
    assert modulo.status_code == 200 and "Motivo della mancata approvazione" in json.loads(modulo.content)["html"]

    # Without a reason (empty or blank): refused, nothing changes, nobody is notified.
    outbox.clear()
    for vuoto in ("", "   "):
        with commit():
            risposta = _azione(banditore, ordinativo, ts, comment=vuoto)
        dati = json.loads(risposta.content)
        assert risposta.status_code == 200 and dati["step"] == "action"
        assert "Indica il motivo della mancata approvazione." in dati["html"]
    with commit():  # the same POST without the modal (no XMLHttpRequest): back to the admin, nothing done
        url = reverse("wagtailsnippets_contratti_ordinativo:workflow_action", args=(ordinativo.pk, "reject", ts.pk))
        assert banditore.post(url, {"comment": ""}).status_code == 302
    ordinativo.refresh_from_db()
    ts.refresh_from_db()
    assert (ordinativo.stato, ordinativo.motivo_rifiuto, ts.status) == (
        Ordinativo.Stato.INVIATO,
        "",
        TaskState.STATUS_IN_PROGRESS,
    )
    assert not Messaggio.objects.filter(evento="ordinativo_rifiutato").exists() and outbox == []
    assert not VoceAudit.objects.filter(azione="ordinativo.rifiutato", object_id=str(ordinativo.pk)).exists()

    # The banditore of another contract cannot act on it.
    with commit():
        assert _azione(_client(demo, "banditore2"), ordinativo, ts, comment=MOTIVO).status_code in (403, 404)
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.INVIATO

    # With the reason: rifiutato, the ente aderente only is notified, the audit keeps the reason.
    with commit():
        risposta = _azione(banditore, ordinativo, ts, comment=MOTIVO)
    assert risposta.status_code == 200 and json.loads(risposta.content)["step"] == "success"
    ordinativo.refresh_from_db()
    assert (ordinativo.stato, ordinativo.motivo_rifiuto) == (Ordinativo.Stato.RIFIUTATO, MOTIVO)
    assert ordinativo.current_workflow_state is None  # the workflow is closed: the ente may send again
    messaggio = Messaggio.objects.get(evento="ordinativo_rifiutato")
    assert consegnatari(messaggio) == ["aderente", "collega"] and MOTIVO in messaggio.testo
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["collega"]])
    voce = VoceAudit.objects.get(azione="ordinativo.rifiutato", object_id=str(ordinativo.pk))
    assert (voce.utente.username, voce.stato_da, voce.stato_a, voce.motivo) == (
        "banditore",
        "inviato",
        "rifiutato",
        MOTIVO,
    )
    # The OE still does not see it; the ente sees the reason.
    assert _client(demo, "oe").get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)).status_code == 404
    passo3 = contenuto(client.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    assert "L'ordinativo non è stato approvato." in passo3 and MOTIVO in passo3

    # The ente replaces the atto and the signed scheda, then sends again: back to the banditore.
    vecchio = ordinativo.documenti.get(corrente=True)
    risposta = client.post(
        sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"),
        {"doc_atto-adesione": upload("atto-corretto.pdf")},
    )
    assert risposta.status_code == 302
    nuovo = ordinativo.documenti.get(corrente=True)
    assert (nuovo.versione, nuovo.documento.nome_originale) == (vecchio.versione + 1, "atto-corretto.pdf")
    scheda_prima = ordinativo.scheda_firmata_id
    outbox.clear()
    ordinativo = _invia_dalle_pagine(client, demo, commit, ordinativo, nome_firmatario="Laura Bianchi (nuova firma)")
    assert ordinativo.scheda_firmata_id != scheda_prima and ordinativo.motivo_rifiuto == ""
    nuovo_ts = task_state(ordinativo)
    assert nuovo_ts.pk != ts.pk and nuovo_ts.status == TaskState.STATUS_IN_PROGRESS
    invii = Messaggio.objects.filter(evento="ordinativo_inviato").order_by("pk")
    assert invii.count() == 2 and consegnatari(invii.last()) == ["aderente", "banditore"]
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["banditore"]])
    assert ordinativo.documenti.get(corrente=True).inviato is True

    with commit():
        assert json.loads(_azione(banditore, ordinativo, nuovo_ts, azione="approve").content)["step"] == "success"
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO
