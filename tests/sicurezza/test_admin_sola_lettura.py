"""The adesioni and ordinativi are read-only in the admin: the banditore decides only through the
workflow actions. Wagtail's edit and revert views would save his POST as a new revision, which the
approval then publishes (``sct_site.workflows.finish_workflow``); ``EditSolaLettura`` refuses them."""

import pytest
from django.urls import reverse

from contratti.adesioni import services
from contratti.models import Adesione
from tests.adesioni.conftest import upload

from .dati import _task_state, adesione_ipotesi_b_inviata

pytestmark = pytest.mark.django_db


def _adesione_al_secondo_round(demo):
    """An ipotesi B adesione (ipotesi A ends at round 0) with its round 1 (the DPA) sent."""
    aderente = demo.user("aderente2")
    adesione = adesione_ipotesi_b_inviata(demo)
    adesione = services.approva_round(adesione, utente=demo.user("banditore"), task_state=_task_state(adesione))
    assert (adesione.stato, adesione.round_corrente, adesione.ultimo_round) == (Adesione.Stato.ROUND_APPROVATO, 1, 1)
    services.carica_documenti_round(
        adesione, utente=aderente, files={"data-protection-agreement": upload("dpa.pdf", da=aderente)}
    )
    services.invia(adesione, utente=aderente)
    adesione.refresh_from_db()
    return adesione


def test_approvazione_dell_ultimo_round_senza_revert(client_as, demo):
    adesione = _adesione_al_secondo_round(demo)
    ts = _task_state(adesione)
    client_as("banditore").post(
        reverse("wagtailsnippets_contratti_adesione:workflow_action", args=(adesione.pk, "approve", ts.pk))
    )
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.APPROVATA


def test_revert_nell_admin_non_cambia_l_esito_dell_approvazione(client_as, demo):
    adesione = _adesione_al_secondo_round(demo)
    prima = adesione.revisions.order_by("pk").first()
    assert prima.content["round_corrente"] == 0
    client = client_as("banditore")
    revisioni = adesione.revisions.count()
    risposta = client.post(
        reverse("wagtailsnippets_contratti_adesione:revisions_revert", args=(adesione.pk, prima.pk)), {}
    )
    assert risposta.status_code == 302 and risposta.url == reverse("wagtailadmin_home")
    assert adesione.revisions.count() == revisioni
    ts = _task_state(adesione)
    client.post(reverse("wagtailsnippets_contratti_adesione:workflow_action", args=(adesione.pk, "approve", ts.pk)))
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.APPROVATA


def test_salvataggio_della_scheda_rifiutato_senza_nuova_revisione(client_as, demo):
    adesione = _adesione_al_secondo_round(demo)
    revisioni = adesione.revisions.count()
    url = reverse("wagtailsnippets_contratti_adesione:edit", args=(adesione.pk,))
    risposta = client_as("banditore").post(url, {"action-publish": "1"})
    assert risposta.status_code == 302 and risposta.url == reverse("wagtailadmin_home")
    adesione.refresh_from_db()
    assert adesione.revisions.count() == revisioni
    assert (adesione.stato, adesione.round_corrente) == (Adesione.Stato.IN_VALUTAZIONE, 1)


def test_approvazione_dal_modulo_della_scheda_senza_salvarlo(client_as, demo):
    """The footer's "Approva" posts the edit form with the workflow action: the action runs, the
    posted form is not saved (no revision of the banditore's)."""
    adesione = _adesione_al_secondo_round(demo)
    revisioni_banditore = adesione.revisions.filter(user__username="banditore").count()
    url = reverse("wagtailsnippets_contratti_adesione:edit", args=(adesione.pk,))
    risposta = client_as("banditore").post(
        url, {"action-workflow-action": "1", "workflow-action-name": "approve", "codice": "MANOMESSO"}
    )
    assert risposta.status_code == 302
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.APPROVATA and adesione.codice != "MANOMESSO"
    assert adesione.revisions.filter(user__username="banditore").count() == revisioni_banditore
