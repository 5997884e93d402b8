"""The adesioni and ordinativi are read-only in the admin: the banditore decides only through the
workflow actions. Today the edit and revert views accept his POST and save a revision, and the
approval then publishes that revision (``sct_site.workflows.finish_workflow``)."""

import pytest
from django.urls import reverse

from contratti.adesioni import services
from contratti.models import Adesione

from .dati import _adesione, _task_state

pytestmark = pytest.mark.django_db


def _adesione_al_secondo_round(demo):
    aderente = demo.user("aderente2")
    adesione = _adesione(demo.sct, demo.prato, aderente, "manifestazione.pdf")
    services.invia(adesione, utente=aderente)
    adesione = services.approva_round(adesione, utente=demo.user("banditore"), task_state=_task_state(adesione))
    assert (adesione.stato, adesione.round_corrente, adesione.ultimo_round) == (Adesione.Stato.ROUND_APPROVATO, 1, 1)
    services.invia(adesione, utente=aderente)
    adesione.refresh_from_db()
    return adesione


def test_approvazione_dell_ultimo_round_senza_revert(client_as, demo):
    adesione = _adesione_al_secondo_round(demo)
    ts = _task_state(adesione)
    client_as("banditore").post(reverse("wagtailsnippets_contratti_adesione:workflow_action", args=(adesione.pk, "approve", ts.pk)))
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.APPROVATA


@pytest.mark.xfail(strict=True, reason="la vista «revert» dell'admin accetta il POST del banditore: la revisione del "
                                       "round 0 ripristinata viene pubblicata all'approvazione e l'adesione torna indietro")
def test_revert_nell_admin_non_cambia_l_esito_dell_approvazione(client_as, demo):
    adesione = _adesione_al_secondo_round(demo)
    prima = adesione.revisions.order_by("pk").first()
    assert prima.content["round_corrente"] == 0
    client = client_as("banditore")
    client.post(reverse("wagtailsnippets_contratti_adesione:revisions_revert", args=(adesione.pk, prima.pk)), {})
    ts = _task_state(adesione)
    client.post(reverse("wagtailsnippets_contratti_adesione:workflow_action", args=(adesione.pk, "approve", ts.pk)))
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.APPROVATA
