"""Routes of the adesione under the contract's address (``ContrattoPage``); the views are in ``views``."""

from sct_site.rotte import mixin_rotte, path, viste

views = viste("contratti.adesioni.views")

urlpatterns = [
    path("adesioni/nuova/", views.nuova, name="adesione_nuova"),
    path("adesioni/<id:pk>/", views.riepilogo, name="adesione_riepilogo"),
    path("adesioni/<id:pk>/stato/", views.stato, name="adesione_stato"),
    path("adesioni/<id:pk>/modifica/", views.modifica, name="adesione_modifica"),
    path("adesioni/<id:pk>/invia/", views.invia, name="adesione_invia"),
    path("adesioni/<id:pk>/ritira/", views.ritira, name="adesione_ritira"),
    path("adesioni/<id:pk>/elimina/", views.elimina, name="adesione_elimina"),
    path("adesioni/<id:pk>/documenti/", views.carica_documenti, name="adesione_documenti"),
    path("adesioni/<id:pk>/documenti/<id:documento_pk>/", views.scarica_documento, name="adesione_documento"),
]


class RotteAdesioni(mixin_rotte(urlpatterns)):
    """Member pages of the adesione."""
