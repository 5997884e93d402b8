"""Routes of the ordinativo di fornitura under the contract's address (``ContrattoPage``); the views
are in ``views``."""

from sct_site.rotte import mixin_rotte, path, viste

views = viste("contratti.ordinativi.views")

urlpatterns = [
    path("ordinativi/nuovo/", views.nuovo, name="ordinativo_nuovo"),
    path("ordinativi/<id:pk>/", views.passo1, name="ordinativo_passo1"),
    path("ordinativi/<id:pk>/richiedi-cig/", views.richiedi_cig, name="ordinativo_richiedi_cig"),
    path("ordinativi/<id:pk>/passo-1/<slug:azione>/", views.azione_passo1, name="ordinativo_azione"),
    path("ordinativi/<id:pk>/conferma-appalto/", views.conferma_appalto, name="ordinativo_conferma_appalto"),
    path("ordinativi/<id:pk>/acquisisci-cig/", views.acquisisci_cig, name="ordinativo_acquisisci_cig"),
    path("ordinativi/<id:pk>/stato/", views.stato, name="ordinativo_stato"),
    path("ordinativi/<id:pk>/passo-2/", views.passo2, name="ordinativo_passo2"),
    path("ordinativi/<id:pk>/scheda-di-sintesi/", views.scheda_sintesi, name="ordinativo_scheda"),
    path("ordinativi/<id:pk>/passo-3/", views.passo3, name="ordinativo_passo3"),
    path("ordinativi/<id:pk>/invia/", views.invia, name="ordinativo_invia"),
    path("ordinativi/<id:pk>/chiudi/", views.chiudi, name="ordinativo_chiudi"),
    path("ordinativi/<id:pk>/log-trasmissioni/", views.log_trasmissioni, name="ordinativo_log"),
    path("ordinativi/<id:pk>/documenti/<id:documento_pk>/", views.documento, name="ordinativo_documento"),
    path("ordinativi/<id:pk>/documenti-firmati/", views.pacchetto, name="ordinativo_pacchetto"),
    path("ordinativi/<id:pk>/documenti-fornitore/", views.documenti_oe, name="ordinativo_documenti_oe"),
]


class RotteOrdinativi(mixin_rotte(urlpatterns)):
    """Member pages of the ordinativo (passi 1-3, CIG, documents)."""
