from django.urls import path

from . import views

app_name = "documenti"
urlpatterns = [
    path("firma-di-prova/", views.firma_di_prova, name="firma_di_prova"),
    path("firma-di-prova/ca.pem", views.firma_di_prova_ca, name="firma_di_prova_ca"),
]
