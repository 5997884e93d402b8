"""Sub-page routes as code (sct_site/rotte.py): the table of every route, the Wagtail behaviour it relies
on, and addresses reversed by name."""

import pytest
from django.test import RequestFactory
from wagtail.contrib.routable_page.models import RoutablePageMixin

from contratti.adesioni.rotte import RotteAdesioni
from contratti.models import ContrattoPage
from contratti.ordinativi.rotte import RotteOrdinativi
from contratti.schede.rotte import RotteSchede
from contratti.viste_comuni import url_sottopagina
from esiti.indirizzi import url_esito, url_pubblicazione, url_sezione
from esiti.models import AggiudicazioniIndexPage
from esiti.rotte import RotteDatiAperti, RotteEsiti
from sct_site.rotte import mixin_rotte, path, url_rotta, url_rotta_per_id, viste, viste_mancanti

# The table as it was with the @path stubs on the page classes: the permission matrix (tests/sicurezza)
# and every link depend on these names and addresses, in this order (the first match wins).
ROTTE_CONTRATTO = [
    ("adesioni/nuova/", "adesione_nuova"),
    ("adesioni/<id:pk>/", "adesione_riepilogo"),
    ("adesioni/<id:pk>/stato/", "adesione_stato"),
    ("adesioni/<id:pk>/modifica/", "adesione_modifica"),
    ("adesioni/<id:pk>/invia/", "adesione_invia"),
    ("adesioni/<id:pk>/ritira/", "adesione_ritira"),
    ("adesioni/<id:pk>/elimina/", "adesione_elimina"),
    ("adesioni/<id:pk>/documenti/", "adesione_documenti"),
    ("adesioni/<id:pk>/documenti/<id:documento_pk>/", "adesione_documento"),
    ("ordinativi/nuovo/", "ordinativo_nuovo"),
    ("ordinativi/<id:pk>/", "ordinativo_passo1"),
    ("ordinativi/<id:pk>/richiedi-cig/", "ordinativo_richiedi_cig"),
    ("ordinativi/<id:pk>/passo-1/<slug:azione>/", "ordinativo_azione"),
    ("ordinativi/<id:pk>/conferma-appalto/", "ordinativo_conferma_appalto"),
    ("ordinativi/<id:pk>/acquisisci-cig/", "ordinativo_acquisisci_cig"),
    ("ordinativi/<id:pk>/stato/", "ordinativo_stato"),
    ("ordinativi/<id:pk>/passo-2/", "ordinativo_passo2"),
    ("ordinativi/<id:pk>/scheda-di-sintesi/", "ordinativo_scheda"),
    ("ordinativi/<id:pk>/passo-3/", "ordinativo_passo3"),
    ("ordinativi/<id:pk>/invia/", "ordinativo_invia"),
    ("ordinativi/<id:pk>/chiudi/", "ordinativo_chiudi"),
    ("ordinativi/<id:pk>/log-trasmissioni/", "ordinativo_log"),
    ("ordinativi/<id:pk>/documenti/<id:documento_pk>/", "ordinativo_documento"),
    ("ordinativi/<id:pk>/documenti-firmati/", "ordinativo_pacchetto"),
    ("ordinativi/<id:pk>/documenti-fornitore/", "ordinativo_documenti_oe"),
    ("ordinativi/<id:pk>/schede/", "schede_elenco"),
    ("ordinativi/<id:pk>/schede/stato/", "schede_stato"),
    ("ordinativi/<id:pk>/schede/nuova/<slug:tipo>/", "scheda_nuova"),
    ("ordinativi/<id:pk>/schede/<id:scheda_pk>/", "scheda_dettaglio"),
    ("ordinativi/<id:pk>/schede/<id:scheda_pk>/log-trasmissioni/", "scheda_log"),
    ("ordinativi/<id:pk>/schede/<id:scheda_pk>/stato/", "scheda_stato"),
    ("ordinativi/<id:pk>/schede/<id:scheda_pk>/invia/", "scheda_invia"),
    ("ordinativi/<id:pk>/schede/<id:scheda_pk>/verifica-invio/", "scheda_verifica"),
    ("ordinativi/<id:pk>/schede/<id:scheda_pk>/elimina/", "scheda_elimina"),
    ("", "index_route"),
]
ROTTE_ESITI = [
    ("", "elenco"),
    ("<id:pk>/", "esito"),
    ("<id:pk>/pubblica/", "pubblica"),
    ("<id:pk>/pubblica/riepilogo/", "riepilogo"),
    ("<id:pk>/ritira/", "ritira"),
    ("dati-aperti/", "dati_aperti"),
    ("dati-aperti/csv/", "csv"),
    ("dati-aperti/csv-fogli-di-calcolo/", "csv_fogli"),
    ("dati-aperti/xlsx/", "xlsx"),
    ("dati-aperti/ocds/", "ocds"),
    ("^dati-aperti/l190/(?P<anno>[0-9]{4})/(?P<codice_fiscale>[0-9A-Za-z]{11,16})/$", "l190"),
    ("dati-aperti/feed/", "feed"),
    ("dati-aperti/catalogo/", "catalogo"),
    ("", "index_route"),
]


def _tabella(classe):
    return [(str(r.pattern), r.name) for r in classe.get_subpage_urls()]


def test_tabella_delle_rotte_del_contratto_e_degli_esiti():
    assert _tabella(ContrattoPage) == ROTTE_CONTRATTO
    assert _tabella(AggiudicazioniIndexPage) == ROTTE_ESITI


def test_wagtail_raccoglie_le_rotte_di_ogni_classe_nell_mro():
    """What the mixins rely on (RoutablePageMixin.get_subpage_urls in Wagtail 8): the routes of every class
    in the MRO, class by class in MRO order, each class's routes in their order of declaration."""
    for mixin in (RotteAdesioni, RotteOrdinativi, RotteSchede):
        assert issubclass(ContrattoPage, mixin)
    assert _tabella(RotteAdesioni)[:-1] == ROTTE_CONTRATTO[:9]
    schede = _tabella(RotteSchede)[:-1]
    inizio = ROTTE_CONTRATTO.index(schede[0])
    assert schede == ROTTE_CONTRATTO[inizio : inizio + len(schede)]
    assert _tabella(RotteOrdinativi)[:-1] == ROTTE_CONTRATTO[len(_tabella(RotteAdesioni)) - 1 : inizio]
    assert _tabella(RotteEsiti)[:-1] + _tabella(RotteDatiAperti)[:-1] == ROTTE_ESITI[:-1]

    class Pagina(mixin_rotte([path("b/", viste("x").b, name="b")]), mixin_rotte([path("a/", viste("x").a, name="a")])):
        pass

    assert issubclass(Pagina, RoutablePageMixin)
    assert _tabella(Pagina) == [("b/", "b"), ("a/", "a"), ("", "index_route")]


def test_il_metodo_di_ogni_rotta_ha_il_suo_nome_e_nessuno_lo_copre():
    """tests/sicurezza asks ``hasattr(ContrattoPage, "schede_elenco")``; an attribute of the page with the
    name of a route would hide the route's method."""
    for classe in (ContrattoPage, AggiudicazioniIndexPage):
        for route in classe.get_subpage_urls():
            if route.name != "index_route":
                assert getattr(classe, route.name) is route.callback, route.name


def test_la_rotta_chiama_la_vista_con_la_pagina_e_gli_argomenti_per_nome(monkeypatch):
    import contratti.adesioni.views as views_adesioni

    chiamate = []
    monkeypatch.setattr(views_adesioni, "scarica_documento", lambda *a, **k: chiamate.append((a, k)) or "risposta")
    pagina = ContrattoPage.__new__(ContrattoPage)
    match = pagina.resolve_subpage("/adesioni/5/documenti/7/")
    request = RequestFactory().get("/")
    view, args, kwargs = match
    assert view(request, *args, **kwargs) == "risposta"
    assert chiamate == [((request, pagina), {"pk": 5, "documento_pk": 7})]


def test_ogni_rotta_nomina_una_vista_che_esiste():
    assert viste_mancanti(ContrattoPage) == []
    assert viste_mancanti(AggiudicazioniIndexPage) == []

    class Sbagliata(mixin_rotte([path("x/", viste("contratti.adesioni.views").non_esiste, name="x")])):
        pass

    [(nome, vista, _)] = viste_mancanti(Sbagliata)
    assert (nome, vista) == ("x", "contratti.adesioni.views.non_esiste")


@pytest.mark.django_db
def test_indirizzi_per_nome(demo):
    sct = demo.sct
    assert url_rotta(sct, "adesione_documento", 3, 4) == f"{sct.url}adesioni/3/documenti/4/"
    assert url_sottopagina(sct, "scheda_nuova", 3, "ann") == f"{sct.url}ordinativi/3/schede/nuova/ann/"
    assert url_rotta(sct, "ordinativo_azione", pk=3, azione="riga") == f"{sct.url}ordinativi/3/passo-1/riga/"

    sezione = url_sezione()
    esiti = AggiudicazioniIndexPage.objects.live().get()
    assert url_esito(12) == f"{sezione}12/"
    assert url_pubblicazione(12) == f"{sezione}12/pubblica/"
    assert (
        url_rotta(esiti, "l190", anno=2024, codice_fiscale="01234567890")
        == f"{sezione}dati-aperti/l190/2024/01234567890/"
    )
    request = RequestFactory().get("/")
    assert url_rotta(esiti, "feed", request=request, assoluto=True) == f"http://testserver{sezione}dati-aperti/feed/"
    per_id = url_rotta_per_id(esiti, "pubblica", request=request, assoluto=True)
    assert [per_id(pk) for pk in (1, 2**63 - 1)] == [
        url_rotta(esiti, "pubblica", pk, request=request, assoluto=True) for pk in (1, 2**63 - 1)
    ]
