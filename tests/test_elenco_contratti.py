import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contratti.models import ContrattoPage
from organizzazioni.models import Ente

from .factories import crea_contratto

pytestmark = pytest.mark.django_db
URL = "/contratti/"


def titoli(risposta):
    return [c.title for c in risposta.context["contratti"]]


@pytest.fixture
def contratti(demo):
    comune = Ente.objects.get(codice_fiscale="01307110484")
    return {
        "scaduto": crea_contratto(title="Vecchia convenzione stampanti", data_scadenza=datetime.date(2020, 5, 1)),
        "aq_futuro": crea_contratto(
            title="Accordo quadro servizi di sicurezza",
            tipo=ContrattoPage.Tipo.ACCORDO_QUADRO,
            data_scadenza=datetime.date(2031, 6, 30),
            cig="SEC0000001",
        ),
        "comune": crea_contratto(
            title="Convenzione del Comune", banditore=comune, data_scadenza=datetime.date(2029, 1, 1)
        ),
    }


def test_senza_filtri_elenca_tutti_i_contratti_pubblicati(client, contratti):
    risposta = client.get(URL)
    assert risposta.context["pagina"].paginator.count == 5


@pytest.mark.parametrize(
    ("parametri", "attesi"),
    [
        ({"q": "servizi di sicurezza"}, {"Accordo quadro servizi di sicurezza"}),
        ({"q": "SEC0000001"}, {"Accordo quadro servizi di sicurezza"}),
        (
            {"q": "7154112FF8"},
            {
                "Progettazione, realizzazione e gestione del Sistema Cloud Toscana, il community Cloud per la Pubblica Amministrazione in Toscana"
            },
        ),
        (
            {"tipo": "aq"},
            {
                "Accordo quadro servizi di sicurezza",
                "Progettazione, realizzazione e gestione del Sistema Cloud Toscana, il community Cloud per la Pubblica Amministrazione in Toscana",
            },
        ),
        ({"stato": "scaduto"}, {"Vecchia convenzione stampanti"}),
        ({"scadenza_dal": "01/01/2030"}, {"Accordo quadro servizi di sicurezza"}),
        ({"scadenza_al": "2021-01-01"}, {"Vecchia convenzione stampanti"}),
        ({"scadenza_dal": "01/01/2028", "scadenza_al": "31/12/2029"}, {"Convenzione del Comune"}),
    ],
)
def test_ogni_parametro_restringe_l_elenco(client, contratti, parametri, attesi):
    assert set(titoli(client.get(URL, parametri))) == attesi


def test_filtro_stato_attivo_esclude_gli_scaduti(client, contratti):
    elenco = titoli(client.get(URL, {"stato": "attivo"}))
    assert "Vecchia convenzione stampanti" not in elenco
    assert len(elenco) == 4


def test_filtro_banditore(client, contratti):
    comune = Ente.objects.get(codice_fiscale="01307110484")
    assert titoli(client.get(URL, {"banditore": comune.pk})) == ["Convenzione del Comune"]


def test_ordinamento(client, contratti):
    per_scadenza = titoli(client.get(URL, {"ordina": "scadenza"}))
    assert per_scadenza[0] == "Vecchia convenzione stampanti"
    assert per_scadenza[-1] == "Accordo quadro servizi di sicurezza"
    assert titoli(client.get(URL, {"ordina": "-scadenza"}))[0] == "Accordo quadro servizi di sicurezza"
    per_titolo = titoli(client.get(URL, {"ordina": "titolo"}))
    assert per_titolo == sorted(per_titolo)


@pytest.mark.parametrize(
    "parametri",
    [
        {"scadenza_dal": "non-una-data"},
        {"scadenza_al": "31/02/2025"},
        {"tipo": "sconosciuto"},
        {"stato": "<script>"},
        {"banditore": "abc"},
        {"banditore": "999999"},
        {"ordina": "DROP TABLE"},
        {"q": "x" * 5000},
        {"page": "999999"},
        {"page": "-1"},
        {"page": "abc"},
    ],
)
def test_parametri_non_validi_non_danno_errori(client, contratti, parametri):
    risposta = client.get(URL, parametri)
    assert risposta.status_code == 200
    html = risposta.content.decode()
    if "page" not in parametri:
        assert "sono stati ignorati" in html
        assert risposta.context["pagina"].paginator.count == 5


def test_pagina_oltre_l_ultima_mostra_l_ultima_con_avviso(client, contratti):
    risposta = client.get(URL, {"page": "999999"})
    assert "La pagina richiesta non esiste" in risposta.content.decode()
    assert risposta.context["pagina"].number == risposta.context["pagina"].paginator.num_pages


def test_paginazione(client, demo):
    for _ in range(12):
        crea_contratto()
    prima = client.get(URL)
    assert len(prima.context["contratti"]) == 10
    seconda = client.get(URL, {"page": 2})
    assert len(seconda.context["contratti"]) == 4
    assert "Pagina 2 di 2" in seconda.content.decode()


def _query_elenco(client):
    with CaptureQueriesContext(connection) as ctx:
        risposta = client.get(URL)
    assert risposta.status_code == 200
    return len(ctx.captured_queries)


def test_numero_di_query_non_cresce_con_i_contratti(client, demo):
    """Both measures are the first request after the contracts changed (every saved live page moves
    the version of the cached data), after one request that fills the process's one-time caches."""
    client.get(URL)
    for _ in range(2):
        crea_contratto()
    con_pochi = _query_elenco(client)
    for _ in range(198):
        crea_contratto()
    con_tanti = _query_elenco(client)
    assert con_tanti == con_pochi
