from wagtail import hooks

from sct_site.rotte import url_rotta_per_id

from .indirizzi import pagina_esiti
from .models import Esito


@hooks.register("sct_area_riservata")
def esiti_da_pubblicare(request):
    """Area riservata: the drafts of the user's enti, with the link to complete and publish them."""
    user = request.user
    if not user.is_authenticated:
        return None
    bozze = list(
        Esito.objects.filter(stato=Esito.Stato.BOZZA, ente__incarichi__user=user)
        .distinct()
        .only("id", "cig", "oggetto", "ente_denominazione", "creato_il")
        .order_by("-creato_il")[:50]
    )
    if not bozze or (pagina := pagina_esiti()) is None:
        return None
    url_pubblica = url_rotta_per_id(pagina, "pubblica", request=request)
    for esito in bozze:
        esito.indirizzo = url_pubblica(esito.pk)
    return "esiti/area_riservata.html", {"bozze": bozze}
