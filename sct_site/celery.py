import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sct_site.settings.dev")

app = Celery("sct_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="sct_site.ping")
def ping():
    return "pong"
