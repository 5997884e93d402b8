from django.urls import path

from . import views

app_name = "comunicazioni"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferenze/", views.preferenze, name="preferenze"),
    path("contratto/<int:page_id>/", views.contratto, name="contratto"),
    path("contratto/<int:page_id>/scrivi/", views.scrivi, name="scrivi"),
    path("messaggio/<int:pk>/", views.messaggio, name="messaggio"),
    path("messaggio/<int:pk>/rispondi/", views.rispondi, name="rispondi"),
    path("messaggio/<int:pk>/pubblica/", views.pubblica, name="pubblica"),
    path("chiarimento/<int:pk>/ritira/", views.ritira, name="ritira"),
    path("consegna/<int:pk>/ritenta/", views.ritenta, name="ritenta"),
    path("allegato/<int:pk>/", views.allegato, name="allegato"),
]
