"""Routes of the schede ANAC of an ordinativo (ANN, SC1: section "SCHEDE") under the contract's
address (``ContrattoPage``); the views are in ``views``."""

from sct_site.rotte import mixin_rotte, path, viste

views = viste("contratti.schede.views")

urlpatterns = [
    path("ordinativi/<id:pk>/schede/", views.elenco, name="schede_elenco"),
    path("ordinativi/<id:pk>/schede/stato/", views.stato_elenco, name="schede_stato"),
    path("ordinativi/<id:pk>/schede/nuova/<slug:tipo>/", views.nuova, name="scheda_nuova"),
    path("ordinativi/<id:pk>/schede/<id:scheda_pk>/", views.dettaglio, name="scheda_dettaglio"),
    path("ordinativi/<id:pk>/schede/<id:scheda_pk>/log-trasmissioni/", views.log_trasmissioni, name="scheda_log"),
    path("ordinativi/<id:pk>/schede/<id:scheda_pk>/stato/", views.stato, name="scheda_stato"),
    path("ordinativi/<id:pk>/schede/<id:scheda_pk>/invia/", views.invia, name="scheda_invia"),
    path("ordinativi/<id:pk>/schede/<id:scheda_pk>/verifica-invio/", views.verifica, name="scheda_verifica"),
    path("ordinativi/<id:pk>/schede/<id:scheda_pk>/elimina/", views.elimina, name="scheda_elimina"),
]


class RotteSchede(mixin_rotte(urlpatterns)):
    """Pages of the schede ANAC after the CIG."""
