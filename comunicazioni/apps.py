from celery import current_app
from celery.schedules import crontab
from django.apps import AppConfig

from . import conf


class ComunicazioniConfig(AppConfig):
    name = "comunicazioni"
    verbose_name = "Comunicazioni"

    def ready(self):
        from . import ricevitori, visibilita_audit  # import models: only once the registry is ready

        ricevitori.connect()
        visibilita_audit.registra()
        self._pianifica_riepiloghi()

    @staticmethod
    def _pianifica_riepiloghi():
        """Add the daily digest to Celery beat's schedule (unless the settings already name it)."""
        voci = dict(current_app.conf.beat_schedule or {})
        voci.setdefault(
            "comunicazioni-riepiloghi-giornalieri",
            {
                "task": "comunicazioni.invia_riepiloghi_giornalieri",
                "schedule": crontab(hour=conf.ora_riepilogo(), minute=0),
            },
        )
        current_app.conf.beat_schedule = voci
