from wagtail import hooks

from . import conf
from .views import MESSAGGIO_SENZA_CODICE_FISCALE


@hooks.register("sct_area_riservata")
def blocco_firma_di_prova(request):
    """Demo only: a pointer to the "Firma di prova" page in the Area riservata (or, for a user without
    a codice fiscale, why it is not available)."""
    if not conf.simulazione_attiva() or not request.user.is_authenticated:
        return None
    profilo = getattr(request.user, "profilo", None)
    return "documenti/area_riservata.html", {
        "codice_fiscale": (getattr(profilo, "codice_fiscale", "") or "").strip(),
        "senza_codice_fiscale": MESSAGGIO_SENZA_CODICE_FISCALE,
    }
