from django.core.management.base import BaseCommand

from comunicazioni import services
from comunicazioni.tasks import invia_riepiloghi_giornalieri


class Command(BaseCommand):
    help = "Invia ora il riepilogo giornaliero delle comunicazioni agli utenti che lo hanno scelto."

    def add_arguments(self, parser):
        parser.add_argument(
            "--coda", action="store_true", help="Affida gli invii al worker Celery invece di eseguirli qui."
        )

    def handle(self, *args, coda=False, **options):
        if coda:
            invia_riepiloghi_giornalieri.delay()
            self.stdout.write("Riepiloghi affidati al worker Celery.")
            return
        inviati = errori = 0
        for utente_id in services.utenti_con_riepilogo():
            try:
                n = services.invia_riepilogo(utente_id)
            except Exception as exc:  # noqa: BLE001 - report and go on with the other users
                services.consegne_riepilogo_fallite(utente_id, exc)
                errori += 1
                self.stderr.write(f"Riepilogo per l'utente {utente_id} non inviato: {exc}")
            else:
                inviati += 1 if n else 0
        self.stdout.write(f"Riepiloghi inviati: {inviati}; non riusciti: {errori}.")
