"""home's own URLs, included by sct_site.urls by name (sct_site never imports home)."""

from django.urls import path

from . import stato, views

urlpatterns = [
    path("health/", stato.health, name="health"),
    path("area-riservata/", views.area_riservata, name="area_riservata"),
]
