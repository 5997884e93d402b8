"""The blue "esito" button of an approved ordinativo (POST from the contract's list of ordinativi):
the draft esito, prefilled from the order, then its publication form in "Aggiudicazioni e affidamenti".
A plain Django URL (``esiti/urls.py``): the button has the ordinativo, not a page of this section."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from contratti.models import Ordinativo
from contratti.ordinativi.permessi import e_oe_dell_ordinativo, puo_operare, puo_vedere
from contratti.viste_comuni import messaggi_errore

from . import services
from .indirizzi import url_pubblicazione

MSG_SOLO_ENTE = "Solo il Responsabile/Buyer o il RUP dell'ente aderente può operare sull'ordinativo."


@login_required
@require_http_methods(["POST"])
def bozza_da_ordinativo(request, pk):
    """Who does not see the ordinativo gets 404; who sees it but may not act on it (the banditore, the
    supplier) 403; an ordinativo not approved: back to the contract's list with the message."""
    ordinativo = get_object_or_404(Ordinativo.objects.select_related("ente", "contratto"), pk=pk)
    if not (puo_vedere(request.user, ordinativo) or e_oe_dell_ordinativo(request.user, ordinativo)):
        raise Http404("Ordinativo non trovato.")
    if not puo_operare(request.user, ordinativo):
        raise PermissionDenied(MSG_SOLO_ENTE)
    try:
        esito = services.bozza_da_ordinativo(ordinativo, utente=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(messaggi_errore(exc)))
        return redirect(ordinativo.contratto.url + "#elenco-ordinativi")
    return redirect(url_pubblicazione(esito.pk, request=request))
