from django.urls import path

from . import viste_ordinativo

app_name = "esiti"
urlpatterns = [
    path("ordinativi/<id:pk>/esito/", viste_ordinativo.bozza_da_ordinativo, name="bozza_da_ordinativo"),
]
