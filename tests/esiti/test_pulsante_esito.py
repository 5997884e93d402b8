"""The blue "esito" button of an approved ordinativo posts to the esiti route (``esiti:bozza_da_ordinativo``)."""

import pytest
from django.test import Client
from django.urls import reverse

from esiti.models import Esito
from tests.ordinativi.aiuti import adesione_approvata, crea_ordinativo
from tests.utils import contenuto

pytestmark = pytest.mark.django_db


def _approvato(demo, client):
    from django.utils import timezone

    from contratti.models import Ordinativo

    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo))
    Ordinativo.objects.filter(pk=ordinativo.pk).update(
        stato=Ordinativo.Stato.APPROVATO, cig_derivato="Z1A2B3C4D5", approvato_il=timezone.now()
    )
    ordinativo.refresh_from_db()
    return ordinativo


def _url(ordinativo):
    return reverse("esiti:bozza_da_ordinativo", args=[ordinativo.pk])


def test_bottone_esito_crea_la_bozza_precompilata(client_as, demo):
    client = client_as("aderente")
    ordinativo = _approvato(demo, client)
    pagina = contenuto(client.get(demo.sct.url))
    assert "esito<span" in pagina and f'action="{_url(ordinativo)}"' in pagina
    risposta = client.post(_url(ordinativo))
    assert risposta.status_code == 302 and risposta.url.endswith("/pubblica/")
    esito = Esito.objects.get()
    assert (esito.cig, esito.importo_aggiudicazione, esito.ente) == (
        "Z1A2B3C4D5",
        ordinativo.importo_totale,
        demo.firenze,
    )
    assert esito.cig_accordo_quadro == "7154112FF8"
    # The publication form shows the amounts with the Italian decimal comma, as they are typed.
    modulo = contenuto(client.get(risposta.url))
    assert 'name="importo_somme_liquidate" value="0,00"' in modulo and 'value="0.00"' not in modulo
    assert client.post(_url(ordinativo)).status_code == 302
    assert Esito.objects.count() == 1
    pubblico = Client().get("/aggiudicazioni-e-affidamenti/")
    assert "Z1A2B3C4D5" not in contenuto(pubblico)


def test_esito_solo_per_ordinativo_approvato_e_dell_ente(client_as, demo):
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo))
    risposta = client.post(_url(ordinativo))
    assert risposta.status_code == 302 and risposta.url == demo.sct.url + "#elenco-ordinativi"
    assert Esito.objects.count() == 0
    messaggio = "L'esito si pubblica dopo l'approvazione dell'ordinativo."
    assert messaggio in contenuto(client.get(demo.sct.url))
    approvato = _approvato(demo, client)
    assert client_as("aderente2").post(_url(approvato)).status_code == 404
    assert client_as("oe").post(_url(approvato)).status_code == 403
    assert client.get(_url(approvato)).status_code == 405
    risposta = Client().post(_url(approvato))
    assert risposta.status_code == 302 and risposta.url.startswith(reverse("login"))
    assert Esito.objects.count() == 0
