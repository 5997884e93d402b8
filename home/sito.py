"""The site's footer and main menu, kept by editors in Wagtail settings (issue 15).

Read once per version of the public data (``memorizzato``): a page pays no query for them while the
version holds; saving either setting bumps the version (``HomeConfig.ready``), so every cached page
shows the change at once.
"""

from sct_site.cache import memorizzato

from .models import ImpostazioniSito, MenuPrincipale

CAMPI_ENTE = (
    "ente_nome",
    "ente_indirizzo",
    "ente_codice_fiscale",
    "ente_pec",
    "ente_sito",
    "descrizione",
    "supporto_telefono",
    "supporto_orari",
    "supporto_email",
    "url_dichiarazione_accessibilita",
)
PAGINE_OBBLIGATORIE = (
    ("pagina_privacy", "Informativa privacy"),
    ("pagina_note_legali", "Note legali"),
    ("pagina_cookie", "Informativa cookie"),
)


def _calcola():
    impostazioni = ImpostazioniSito.load()
    dati = {campo: getattr(impostazioni, campo) for campo in CAMPI_ENTE}
    dati["collegamenti"] = [
        {"etichetta": etichetta, "href": pagina.url}
        for campo, etichetta in PAGINE_OBBLIGATORIE
        if (pagina := getattr(impostazioni, campo)) is not None and pagina.live
    ]
    menu = MenuPrincipale.load()
    dati["menu"] = [
        {"etichetta": voce.etichetta, "href": voce.href}
        for voce in menu.voci.select_related("pagina").order_by("sort_order")
        if voce.href and (voce.pagina_id is None or voce.pagina.live)
    ]
    return dati


def dati_sito():
    return memorizzato("home:sito", _calcola)


def voce_attiva(href, path):
    """The menu item of the current section: the home only on itself, the others on their subtree."""
    if not href or not href.startswith("/"):
        return False
    return path == href if href == "/" else path.startswith(href)


def sito_pa(request):
    """Context processor: ``sito_pa`` (footer data, links, menu with the active item marked)."""
    dati = dict(dati_sito())
    path = getattr(request, "path", "")
    dati["menu"] = [{**voce, "attiva": voce_attiva(voce["href"], path)} for voce in dati["menu"]]
    return {"sito_pa": dati}
