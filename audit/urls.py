from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("contratto/<id:page_id>/", views.contratto, name="contratto"),
]
