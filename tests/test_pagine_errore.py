"""The Italian error pages (templates/400.html, 403.html, 404.html, 500.html) with DEBUG on as with DEBUG
off (sct_site/errori.py), and the Italian 403 of a refused CSRF check (CSRF_FAILURE_VIEW).

This module is also the URLconf of the tests marked ``urls``: the site's URLs plus views that fail
on purpose (an unexpected exception, a suspicious request, a refused permission) and one that answers 404
with its own page."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponseNotFound
from django.test import Client
from django.urls import path

from sct_site import urls as urls_del_sito


def _guasto(request):
    raise RuntimeError("guasto di prova")


def _sospetta(request):
    raise SuspiciousOperation("richiesta sospetta di prova")


def _negato(request):
    raise PermissionDenied("Non puoi vedere questa pagina di prova.")


def _propria(request):
    return HttpResponseNotFound("la pagina propria della vista")


urlpatterns = [
    path("prova-errori/guasto/", _guasto),
    path("prova-errori/sospetta/", _sospetta),
    path("prova-errori/negato/", _negato),
    path("prova-errori/propria/", _propria),
    *urls_del_sito.urlpatterns,
]

FIRMA = "/documenti-privati/firma-di-prova/"
PAGINE_DI_DEBUG = (
    "Using the URLconf",
    "Traceback",
    "Django tried these URL patterns",
    "You're seeing this error",
    "Request Method:",
    "CSRF verification failed",
    "Forbidden",
)


def _pagina(risposta, status, titolo):
    assert risposta.status_code == status
    testo = risposta.content.decode()
    assert titolo in testo, testo[:500]
    for segno in PAGINE_DI_DEBUG:
        assert segno not in testo, f"pagina di debug di Django ({segno!r})"
    return testo


@pytest.fixture(params=[True, False], ids=["DEBUG", "senza-DEBUG"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.django_db
def test_404_di_wagtail(client, demo, debug):
    testo = _pagina(client.get("/pagina-che-non-esiste/"), 404, "<h1>Pagina non trovata</h1>")
    assert "Torna alla home" in testo and "Accedi all" in testo  # the site's layout (base.html)


@pytest.mark.django_db
def test_404_di_un_indirizzo_senza_vista(client, demo, debug):
    # No URL pattern matches (not even Wagtail's): the resolver fails before any view.
    _pagina(client.get("/robots-inesistente.txt"), 404, "<h1>Pagina non trovata</h1>")


@pytest.mark.django_db
def test_404_sollevato_da_una_vista(client_as, settings, debug):
    settings.SCT_SIMULATED_SPID = False  # the firma di prova raises Http404 outside the demo
    _pagina(client_as("aderente").get(FIRMA), 404, "<h1>Pagina non trovata</h1>")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_403(client, demo, debug):
    testo = _pagina(client.get("/prova-errori/negato/"), 403, "<h1>Accesso negato</h1>")
    assert "Non puoi vedere questa pagina di prova." in testo


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_400(client, demo, debug):
    _pagina(client.get("/prova-errori/sospetta/"), 400, "<h1>Richiesta non valida</h1>")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_500_con_il_traceback_nel_log(demo, debug, caplog):
    client = Client(raise_request_exception=False)
    _pagina(client.get("/prova-errori/guasto/"), 500, "<h1>Si è verificato un errore</h1>")
    # The traceback is still in the log, as Django writes it.
    registrati = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert registrati and "guasto di prova" in str(registrati[-1].exc_info[1])


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_con_sct_pagine_errore_django_tornano_le_pagine_di_debug(client, demo, settings):
    settings.DEBUG = True
    settings.SCT_PAGINE_ERRORE_DJANGO = True
    assert "Using the URLconf" in client.get("/robots-inesistente.txt").content.decode()
    assert "Traceback" in Client(raise_request_exception=False).get("/prova-errori/guasto/").content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_la_risposta_404_di_una_vista_resta_sua(client, demo, debug):
    # A view that answers 404 with its own page (it raises nothing) keeps it.
    risposta = client.get("/prova-errori/propria/")
    assert risposta.status_code == 404 and risposta.content == b"la pagina propria della vista"


# --- CSRF ----------------------------------------------------------------------------------------


def _post_firma(client, **extra):
    return client.post(FIRMA, {"formato": "pades"}, **extra)


@pytest.mark.django_db
def test_csrf_senza_token_pagina_italiana(demo, debug):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("aderente"))
    testo = _pagina(_post_firma(client), 403, "<h1>Accesso negato</h1>")
    assert "La richiesta è stata bloccata dal controllo di sicurezza del modulo (CSRF)" in testo
    assert "ricaricala" in testo
    # Django's reason only for a developer (DEBUG on).
    assert ("CSRF cookie not set" in testo) is debug


@pytest.mark.django_db
def test_csrf_origin_null_rifiutato(demo, settings):
    """What Chromium did with "Referrer-Policy: no-referrer": a valid token but "Origin: null"."""
    settings.DEBUG = True
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("aderente"))
    client.get(FIRMA)
    token = client.cookies["csrftoken"].value
    testo = _pagina(
        client.post(FIRMA, {"formato": "pades", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="null"),
        403,
        "<h1>Accesso negato</h1>",
    )
    assert "Origin checking failed - null does not match any trusted origins" in testo
    # The same POST with the page's real origin passes the check (400: no file chosen).
    risposta = client.post(FIRMA, {"formato": "pades", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://testserver")
    assert risposta.status_code == 400 and "Seleziona il file da caricare." in risposta.content.decode()
