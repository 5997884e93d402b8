from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone

from contratti.models import ContrattoPage
from organizzazioni.models import Incarico

CONTRATTI_IN_EVIDENZA = 10


@login_required
def area_riservata(request):
    """What the user can act on: their organisations, roles and contracts."""
    user = request.user
    incarichi = Incarico.objects.filter(user=user).select_related("ente", "operatore")
    contratti = ContrattoPage.objects.live().select_related("banditore", "aggiudicatario")
    enti = [i.ente for i in incarichi if i.ente_id]
    operatori = [i.operatore for i in incarichi if i.operatore_id]
    from guardian.shortcuts import get_objects_for_user

    gestiti = get_objects_for_user(
        user, "contratti.gestisci_contratto", klass=contratti, accept_global_perms=False
    )
    sezioni = {
        "incarichi": incarichi,
        "contratti_banditore": list(gestiti),
        "contratti_aggiudicatario": list(contratti.filter(aggiudicatario__in=operatori)) if operatori else [],
    }
    if enti:
        # The active contracts with the nearest deadline; the others are in "Elenco contratti" (a region
        # publishes thousands: the list is not the place for all of them).
        oggi = timezone.localdate()
        aderibili = contratti.filter(Q(data_scadenza__isnull=True) | Q(data_scadenza__gte=oggi)).order_by(
            F("data_scadenza").asc(nulls_last=True), "title")
        sezioni["contratti_aderibili"] = list(aderibili[:CONTRATTI_IN_EVIDENZA])
        sezioni["contratti_aderibili_totale"] = aderibili.count()
    from .area_riservata import sezioni_aggiuntive

    return render(
        request,
        "home/area_riservata.html",
        {"sezioni": sezioni, "enti": enti, "operatori": operatori, "aggiuntive": sezioni_aggiuntive(request)},
    )
