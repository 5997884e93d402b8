from wagtail import hooks

from .indirizzi import url_sezione
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
    if not bozze:
        return None
    return "esiti/area_riservata.html", {"bozze": bozze, "base": url_sezione(request)}
