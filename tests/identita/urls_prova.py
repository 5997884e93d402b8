"""URLconf for the gate tests: the site's URLs plus three small views that use the gate the three
ways domain code can (decorator, mixin, direct call)."""

from django.http import HttpResponse
from django.urls import path
from django.views import View

from identita.decorators import AutenticazioneForteMixin, richiede_autenticazione_forte
from identita.services import codici_fiscali_rup, verifica_autenticazione_forte
from organizzazioni.models import Ente
from sct_site.urls import urlpatterns as sito

FIRENZE = "01307110484"


def _rup_firenze(request, *args, **kwargs):
    return codici_fiscali_rup(Ente.objects.get(codice_fiscale=FIRENZE))


@richiede_autenticazione_forte(codice_fiscale_da=_rup_firenze)
def conferma_appalto(request):
    return HttpResponse("appalto confermato")


@richiede_autenticazione_forte(codice_fiscale_da=_rup_firenze, livello_minimo=3)
def solo_livello_3(request):
    return HttpResponse("ok livello 3")


class AcquisisciCig(AutenticazioneForteMixin, View):
    def get_codice_fiscale_atteso(self):
        return _rup_firenze(self.request)

    def post(self, request):
        return HttpResponse("CIG richiesto")


def chiamata_diretta(request):
    verifica_autenticazione_forte(request, codice_fiscale_atteso=_rup_firenze(request))
    return HttpResponse("diretta ok")


urlpatterns = [
    path("prova/conferma-appalto/", conferma_appalto),
    path("prova/livello-3/", solo_livello_3),
    path("prova/acquisisci-cig/", AcquisisciCig.as_view()),
    path("prova/diretta/", chiamata_diretta),
    *sito,
]
