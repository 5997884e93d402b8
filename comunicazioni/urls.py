from django.urls import path

from . import views

app_name = "comunicazioni"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferenze/", views.preferenze, name="preferenze"),
    path("contratto/<id:page_id>/", views.contratto, name="contratto"),
    path("contratto/<id:page_id>/scrivi/", views.scrivi, name="scrivi"),
    path("messaggio/<id:pk>/", views.messaggio, name="messaggio"),
    path("messaggio/<id:pk>/rispondi/", views.rispondi, name="rispondi"),
    path("messaggio/<id:pk>/pubblica/", views.pubblica, name="pubblica"),
    path("chiarimento/<id:pk>/ritira/", views.ritira, name="ritira"),
    path("consegna/<id:pk>/ritenta/", views.ritenta, name="ritenta"),
    path("allegato/<id:pk>/", views.allegato, name="allegato"),
]
