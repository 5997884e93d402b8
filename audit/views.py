"""The audit trail of a contract, for its banditore."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import registro
from .etichette import etichetta_azione
from .services import verifica_catena
from .visibilita import voci_del_contratto

VOCI_PER_PAGINA = 50


@never_cache
@require_GET
@login_required
def contratto(request, page_id):
    """Who did what, when, from where, from which state to which, why: newest first, filtered by
    action, with the result of the chain check. 404 for anyone but the contract's banditore."""
    contratto = get_object_or_404(registro.modello_contratto(), pk=page_id)
    if not registro.puo_leggere(request.user, contratto):
        raise Http404("Registro non trovato.")
    voci = voci_del_contratto(request.user, contratto).select_related("content_type")
    azioni = sorted(((c, etichetta_azione(c)) for c in set(voci.values_list("azione", flat=True))), key=lambda a: a[1])
    azione = request.GET.get("azione", "")
    if azione not in {codice for codice, _ in azioni}:
        azione = ""
    filtrate = voci.filter(azione=azione) if azione else voci
    pagina = Paginator(filtrate.order_by("-pk"), VOCI_PER_PAGINA).get_page(request.GET.get("page"))

    rotte = verifica_catena()
    id_contratto = set(voci.filter(pk__in=[v.pk for v in rotte]).values_list("pk", flat=True))
    for voce in pagina.object_list:
        voce.alterata = voce.pk in id_contratto
    return render(
        request,
        "audit/contratto.html",
        {
            "contratto": contratto,
            "pagina": pagina,
            "azioni": azioni,
            "azione": azione,
            "query_senza_pagina": f"azione={azione}" if azione else "",
            "totale": filtrate.count(),
            "catena_integra": not rotte,
            "rotte_del_contratto": [v for v in rotte if v.pk in id_contratto],
            "rotte_altre": len(rotte) - len(id_contratto),
        },
    )
