"""The ANAC side of an ordinativo (Log Trasmissioni, Richiedi CIG, the schede and their log) is for the
users of the ente aderente (the RUP) and the contract's banditore: the OE, who sees the approved
ordinativo, gets 404 there and no link to them."""

import pytest
from django.test import Client

from contratti.models import Ordinativo
from tests.utils import contenuto

from .aiuti import ordinativo_con_cig, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _client(demo, username):
    client = Client()
    client.force_login(demo.user(username))
    return client


def test_log_trasmissioni_e_richiedi_cig_solo_all_ente_e_al_banditore(client, demo, commit, simulatore_anac):
    from tests.schede.aiuti import crea_scheda

    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    scheda = crea_scheda(client, demo, ordinativo, "SC1")
    log, richiedi = (
        sub(demo.sct, "ordinativo_log", ordinativo.pk),
        sub(demo.sct, "ordinativo_richiedi_cig", ordinativo.pk),
    )
    log_scheda = sub(demo.sct, "scheda_log", ordinativo.pk, scheda.pk)

    for username in ("aderente", "banditore"):
        utente = _client(demo, username)
        pagina = contenuto(utente.get(log))
        assert "Crea appalto" in pagina and "Recupera CIG" in pagina, username
        assert utente.get(richiedi).status_code == 200 and utente.get(log_scheda).status_code == 200
        passo1 = contenuto(utente.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
        assert f'href="{log}">Log Trasmissioni</a>' in passo1 and f'href="{richiedi}">Richiedi CIG</a>' in passo1

    oe = _client(demo, "oe")
    for pagina in ("ordinativo_passo1", "ordinativo_passo3"):  # the OE sees the approved order…
        html = contenuto(oe.get(sub(demo.sct, pagina, ordinativo.pk)))
        assert ordinativo.cig_derivato in html
        assert f'href="{log}"' not in html and f'href="{richiedi}"' not in html  # …but no link to the ANAC side
    for url in (log, richiedi, log_scheda):  # …and 404 there
        assert oe.get(url).status_code == 404, url
    assert oe.post(richiedi, {"oggetto": "x"}).status_code == 404
    for username in ("oe2", "aderente2", "banditore2"):
        altro = _client(demo, username)
        assert [altro.get(url).status_code for url in (log, richiedi, log_scheda)] == [404, 404, 404], username
