from wagtail import hooks

from . import conf


@hooks.register("sct_area_riservata")
def blocco_firma_di_prova(request):
    """Demo only: a pointer to the "Firma di prova" page in the Area riservata."""
    if not conf.simulazione_attiva() or not request.user.is_authenticated:
        return None
    return "documenti/area_riservata.html", {}
