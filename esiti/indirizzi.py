"""Addresses of the section, for code that has no page at hand (other apps, the feed, e-mails):
the routes of ``AggiudicazioniIndexPage`` (``esiti/rotte.py``) reversed by name."""

from sct_site.rotte import url_rotta

from .models import AggiudicazioniIndexPage


def pagina_esiti():
    return AggiudicazioniIndexPage.objects.live().first()


def url_sezione(request=None):
    """``/aggiudicazioni-e-affidamenti/`` (relative), or None if the page does not exist."""
    pagina = pagina_esiti()
    return pagina.get_url(request=request) if pagina else None


def _url(nome, pk, request):
    pagina = pagina_esiti()
    return url_rotta(pagina, nome, pk, request=request) if pagina else None


def url_esito(pk, request=None):
    return _url("esito", pk, request)


def url_pubblicazione(pk, request=None):
    """Where the ente completes and publishes a draft: the blue "esito" button points here."""
    return _url("pubblica", pk, request)
