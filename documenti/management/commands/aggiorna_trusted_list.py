"""Downloads the configured trusted list now (for cron/systemd timers) and prints how many roots it gives."""

from django.core.management.base import BaseCommand, CommandError

from documenti import conf, elenco_fiducia


class Command(BaseCommand):
    help = "Scarica di nuovo la trusted list (SCT_FIRMA_TRUSTED_LIST) e mostra quante radici di fiducia contiene."

    def handle(self, *args, **options):
        sorgente = conf.trusted_list()
        if not sorgente:
            raise CommandError("Nessuna trusted list configurata (SCT_FIRMA_TRUSTED_LIST).")
        radici = elenco_fiducia.certificati(aggiorna=True)
        if not radici:
            raise CommandError(f"La trusted list {sorgente} non ha dato alcun certificato: vedi il log.")
        self.stdout.write(f"Trusted list {sorgente}: {len(radici)} certificati di servizi qualificati attivi.")
