from . import convertitori  # noqa: F401 - registers the "id" path converter before any URL or route is built
from .celery import app as celery_app

__all__ = ("celery_app",)
