import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import require_safe


@functools.cache
def _favicon():
    return Path(finders.find("sct/favicon.ico")).read_bytes()


@require_safe
def favicon(request):
    """/favicon.ico, asked by browsers and crawlers whatever the page says (the pages link the SVG too)."""
    risposta = HttpResponse(_favicon(), content_type="image/x-icon")
    risposta["Cache-Control"] = "public, max-age=86400"
    return risposta
