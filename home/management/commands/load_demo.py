from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.demo import DemoLoader


class Command(BaseCommand):
    help = "Carica i dati dimostrativi (idempotente). Rifiutato con le impostazioni di produzione."

    def handle(self, *args, **options):
        if getattr(settings, "SCT_ENVIRONMENT", "") == "production":
            raise CommandError("I dati dimostrativi non possono essere caricati con le impostazioni di produzione.")
        DemoLoader(stdout=self.stdout).run()
