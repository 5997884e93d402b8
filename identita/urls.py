from django.urls import path

from . import views

app_name = "identita"
urlpatterns = [
    path("", views.stato, name="stato"),
    path("spid-simulato/", views.spid_simulato, name="spid_simulato"),
    path("oidc/avvia/", views.avvia_oidc, name="oidc_avvia"),
    path("oidc/callback/", views.callback_oidc, name="oidc_callback"),
    path("cns/", views.accesso_cns, name="cns"),
    path("due-fattori/", views.due_fattori, name="due_fattori"),
    path("csp-report/", views.rapporto_csp, name="csp_report"),
]
