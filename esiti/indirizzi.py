"""Addresses of the section, for code that has no page at hand (other apps, the feed, e-mails)."""


def pagina_esiti():
    from .models import AggiudicazioniIndexPage

    return AggiudicazioniIndexPage.objects.live().first()


def url_sezione(request=None):
    """``/aggiudicazioni-e-affidamenti/`` (relative), or None if the page does not exist."""
    pagina = pagina_esiti()
    return pagina.get_url(request=request) if pagina else None


def url_esito(pk, request=None):
    base = url_sezione(request)
    return f"{base}{pk}/" if base else None


def url_pubblicazione(pk, request=None):
    """Where the ente completes and publishes a draft: the blue "esito" button points here."""
    base = url_sezione(request)
    return f"{base}{pk}/pubblica/" if base else None
