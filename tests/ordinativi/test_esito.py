import pytest
from django.test import Client

from esiti.models import Esito
from tests.utils import contenuto

from .aiuti import adesione_approvata, crea_ordinativo, sub

pytestmark = pytest.mark.django_db


def _approvato(demo, client):
    from django.utils import timezone

    from contratti.models import Ordinativo

    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo))
    Ordinativo.objects.filter(pk=ordinativo.pk).update(stato=Ordinativo.Stato.APPROVATO, cig_derivato="Z1A2B3C4D5", approvato_il=timezone.now())
    ordinativo.refresh_from_db()
    return ordinativo


def test_bottone_esito_crea_la_bozza_precompilata(client_as, demo):
    client = client_as("aderente")
    ordinativo = _approvato(demo, client)
    assert "esito<span" in contenuto(client.get(demo.sct.url))
    risposta = client.post(sub(demo.sct, "ordinativo_esito", ordinativo.pk))
    assert risposta.status_code == 302 and risposta.url.endswith("/pubblica/")
    esito = Esito.objects.get()
    assert (esito.cig, esito.importo_aggiudicazione, esito.ente) == ("Z1A2B3C4D5", ordinativo.importo_totale, demo.firenze)
    assert esito.cig_accordo_quadro == "7154112FF8"
    # The publication form shows the amounts with the Italian decimal comma, as they are typed.
    modulo = contenuto(client.get(risposta.url))
    assert 'name="importo_somme_liquidate" value="0,00"' in modulo and 'value="0.00"' not in modulo
    assert client.post(sub(demo.sct, "ordinativo_esito", ordinativo.pk)).status_code == 302
    assert Esito.objects.count() == 1
    pubblico = Client().get("/aggiudicazioni-e-affidamenti/")
    assert "Z1A2B3C4D5" not in contenuto(pubblico)


def test_esito_solo_per_ordinativo_approvato_e_dell_ente(client_as, demo):
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo))
    risposta = client.post(sub(demo.sct, "ordinativo_esito", ordinativo.pk))
    assert risposta.status_code == 302 and Esito.objects.count() == 0
    approvato = _approvato(demo, client)
    assert client_as("aderente2").post(sub(demo.sct, "ordinativo_esito", approvato.pk)).status_code == 404
    assert client_as("oe").post(sub(demo.sct, "ordinativo_esito", approvato.pk)).status_code == 403
    assert Esito.objects.count() == 0
