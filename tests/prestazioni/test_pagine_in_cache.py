"""What Wagtail looks up on every page request, kept per version (sct_site/cache/instradamento.py), and the answers
kept for one request (sct_site/cache/memo.py): the site behaves as Wagtail does, right after every change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from contratti.models import ContrattoPage
from sct_site.cache import memo
from tests.factories import crea_contratto

pytestmark = pytest.mark.django_db


def _query(client, url):
    with CaptureQueriesContext(connection) as query:
        risposta = client.get(url)
    return risposta, len(query)


def test_seconda_visita_senza_le_query_di_sito_percorso_e_restrizioni(client, demo, senza_cache_pagine):
    prima, q_prima = _query(client, "/contratti/sistema-cloud-toscana/")
    dopo, q_dopo = _query(client, "/contratti/sistema-cloud-toscana/")
    assert prima.status_code == dopo.status_code == 200
    assert q_dopo <= q_prima - 4, (q_prima, q_dopo)  # site, child by slug and specific per level, restrictions


def test_pagina_non_pubblicata_e_ritirata_danno_404(client, demo, senza_cache_pagine):
    contratto = crea_contratto(title="Contratto da ritirare", slug="contratto-da-ritirare")
    url = "/contratti/contratto-da-ritirare/"
    assert client.get(url).status_code == 200
    contratto.unpublish()
    assert client.get(url).status_code == 404
    bozza = crea_contratto(title="Mai pubblicato", slug="mai-pubblicato", live=False)
    assert client.get("/contratti/mai-pubblicato/").status_code == 404
    assert bozza.pk and client.get("/contratti/mai-pubblicato/adesioni/nuova/").status_code in (302, 404)


def test_pagina_spostata_cambia_indirizzo_subito(client, demo, senza_cache_pagine):
    contratto = crea_contratto(title="Da spostare", slug="da-spostare")
    assert client.get("/contratti/da-spostare/").status_code == 200
    documentazione = Page.objects.get(slug="documentazione")
    contratto.move(documentazione, pos="last-child")
    vecchio = client.get("/contratti/da-spostare/")  # Wagtail's automatic redirect of a moved page
    assert vecchio.status_code == 301 and vecchio.url == "/documentazione/da-spostare/"
    assert client.get("/documentazione/da-spostare/").status_code == 200


def test_restrizione_di_accesso_aggiunta_vale_subito(client, demo, senza_cache_pagine, client_as):
    url = "/contratti/sistema-cloud-toscana/"
    assert client.get(url).status_code == 200
    assert "Sistema Cloud Toscana" in client.get("/contratti/").content.decode()
    restrizione = PageViewRestriction.objects.create(page=demo.sct, restriction_type=PageViewRestriction.LOGIN)
    risposta = client.get(url)
    assert risposta.status_code == 302 and "login" in risposta.url
    assert "sistema-cloud-toscana" not in client.get("/contratti/").content.decode()  # .public() again
    restrizione.delete()
    assert client.get(url).status_code == 200


def test_pagina_figlia_di_una_pagina_con_sotto_percorsi(client, demo, senza_cache_pagine):
    """A routable page (the contract) answers its own sub-routes before its child pages, as in Wagtail."""
    figlia = ContrattoPage(
        title="Figlia",
        slug="adesioni",
        cig="Z000000999",
        banditore=demo.sct.banditore,
        aggiudicatario=demo.sct.aggiudicatario,
        importo_massimale=1,
    )
    demo.sct.add_child(instance=figlia)
    risposta = client.get("/contratti/sistema-cloud-toscana/adesioni/nuova/")
    assert risposta.status_code == 302 and "accedi" in risposta.url  # the sub-route, not the child page


def test_sito_modificato_vale_subito(client, demo, senza_cache_pagine):
    assert client.get("/").status_code == 200
    sito = Site.objects.get(is_default_site=True)
    sito.root_page = demo.sct
    sito.save()
    risposta = client.get("/")
    assert risposta.status_code == 200 and "Sistema Cloud Toscana" in risposta.content.decode()


def test_memo_solo_dentro_una_richiesta_get():
    chiamate = []

    @memo.per_richiesta
    def risposta(utente, n):
        chiamate.append(n)
        return n * 2

    anonimo = AnonymousUser()
    assert risposta(anonimo, 1) == risposta(anonimo, 1) == 2 and len(chiamate) == 2  # outside a request

    def vista(request):
        return [risposta(request.user, 1), risposta(request.user, 1), risposta(request.user, 2)]

    for metodo, attese in (("get", 2), ("head", 2), ("post", 3)):
        chiamate.clear()
        richiesta = getattr(RequestFactory(), metodo)("/")
        richiesta.user = anonimo
        risultato = memo.MemoRichiestaMiddleware(vista)(richiesta)
        assert risultato == [2, 2, 4] and len(chiamate) == attese, metodo
    assert memo._memo.get() is None  # nothing left behind the request
