"""manage.py generate_bulk: bulk data that behave like real data, idempotent, removable."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from contratti.models import Adesione, ContrattiIndexPage, ContrattoPage, Ordinativo, RigaOrdinativo
from esiti.models import Esito
from home import bulk
from organizzazioni.models import Ente, OperatoreEconomico

pytestmark = pytest.mark.django_db

PICCOLO = ["--contratti=5", "--enti=4", "--adesioni=12", "--ordinativi=20", "--esiti=30", "--lotto=7"]


def genera(*argomenti):
    uscita = io.StringIO()
    call_command("generate_bulk", *argomenti, stdout=uscita)
    return uscita.getvalue()


def test_genera_le_dimensioni_chieste(demo):
    genera(*PICCOLO)
    assert bulk.presenti() == {"contratti": 5, "enti": 4, "operatori": 2, "adesioni": 12, "ordinativi": 20, "esiti": 30}
    assert RigaOrdinativo.objects.filter(ordinativo__codice_appalto__startswith="BULK-").count() == 40
    assert Esito.objects.filter(contratto__slug__startswith="bulk-", stato="pubblicato").count() == 30


def test_le_pagine_sono_un_albero_valido_e_servite(client, demo):
    from wagtail.models import Page

    genera(*PICCOLO)
    indice = ContrattiIndexPage.objects.get()
    assert indice.numchild == ContrattoPage.objects.count() == 7  # 2 demo + 5 bulk
    assert Page.find_problems() == ([], [], [], [], [])
    pagina = ContrattoPage.objects.get(slug="bulk-000003")
    assert pagina.get_parent().pk == indice.pk and pagina.live and pagina.url_path.endswith("/contratti/bulk-000003/")
    assert client.get("/contratti/bulk-000003/").status_code == 200
    elenco = client.get("/contratti/", {"q": "lotto 3"})
    assert "bulk-000003" in elenco.content.decode()
    # Wagtail keeps working on them: a new child of the index goes after the bulk pages.
    nuovo = ContrattoPage(
        title="Nuovo",
        slug="nuovo-dopo-bulk",
        cig="1234567890",
        banditore=demo.regione,
        aggiudicatario=pagina.aggiudicatario,
        importo_massimale=1,
    )
    indice.add_child(instance=nuovo)
    assert Page.find_problems() == ([], [], [], [], [])


def test_l_aderente_vede_i_record_del_suo_ente(client_as, demo):
    genera(*PICCOLO)
    generatore = bulk.Generatore(bulk.Dimensioni(contratti=1, enti=1, adesioni=3, ordinativi=4))
    adesioni = generatore.adesioni([demo.sct], enti=[demo.firenze])
    generatore.ordinativi(adesioni)
    pagina = client_as("aderente").get("/contratti/sistema-cloud-toscana/")
    assert len(pagina.context["adesioni"]) == 3
    assert len(pagina.context["ordinativi"]) == 4
    altro = client_as("aderente2").get("/contratti/sistema-cloud-toscana/")
    assert not [a for a in altro.context["adesioni"] if a.ente_id == demo.firenze.pk]


def test_idempotente_e_reset(demo):
    genera(*PICCOLO)
    assert "nulla da fare" in genera(*PICCOLO)
    assert bulk.presenti()["esiti"] == 30
    genera(*PICCOLO[:-2], "--esiti=8", "--reset")
    assert bulk.presenti()["esiti"] == 8


def test_elimina_toglie_solo_i_dati_di_prova(demo, fabbrica_esiti):
    prima = {m: m.objects.count() for m in (Ente, OperatoreEconomico, ContrattoPage, Adesione, Ordinativo, Esito)}
    genera(*PICCOLO)
    genera("--elimina")
    assert all(v == 0 for v in bulk.presenti().values())
    assert {m: m.objects.count() for m in prima} == prima
    assert ContrattiIndexPage.objects.get().numchild == 2


def test_vettore_di_ricerca_scritto(client, demo):
    genera(*PICCOLO)
    esito = Esito.objects.filter(contratto__slug__startswith="bulk-").first()
    if connection.vendor == "postgresql":
        assert Esito.objects.filter(contratto__slug__startswith="bulk-", vettore_ricerca__isnull=True).count() == 0
    parola = esito.oggetto.split()[0]
    risposta = client.get("/aggiudicazioni-e-affidamenti/", {"q": esito.cig})
    assert esito.oggetto in risposta.content.decode().replace("&#x27;", "'")
    assert parola


def test_rifiutato_in_produzione(demo, settings):
    settings.SCT_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="produzione"):
        genera(*PICCOLO)


def test_dimensioni_non_valide(demo):
    with pytest.raises(CommandError):
        genera("--contratti=0")


@pytest.fixture
def fabbrica_esiti(demo):
    from tests.esiti.conftest import Fabbrica

    Fabbrica(demo).pubblicato()  # a real esito, on a demo contract: must survive --elimina
