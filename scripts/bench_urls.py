"""URLconf of the benchmark (``scripts/bench_settings.py``): the site's URLs plus the *floor*, a
view that returns precomputed bytes of a given size through the same middleware and server."""

from django.http import HttpResponse
from django.urls import path

from sct_site.urls import urlpatterns as urlpatterns_sito

_CORPI = {}


def pavimento(request, dimensione):
    corpo = _CORPI.get(dimensione)
    if corpo is None:
        corpo = _CORPI[dimensione] = (b"<!doctype html><title>floor</title>" + b"x" * dimensione)[:dimensione]
    return HttpResponse(corpo, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/pavimento/<int:dimensione>/", pavimento), *urlpatterns_sito]
