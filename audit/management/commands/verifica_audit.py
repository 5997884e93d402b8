from django.core.management.base import BaseCommand, CommandError

from audit.services import verifica_catena


class Command(BaseCommand):
    help = "Verifica che il registro di audit non sia stato alterato (catena di hash)."

    def handle(self, *args, **options):
        rotte = verifica_catena()
        if rotte:
            for voce in rotte:
                self.stderr.write(f"Voce alterata o fuori catena: #{voce.pk} {voce}")
            raise CommandError(f"{len(rotte)} voci del registro di audit non corrispondono.")
        self.stdout.write("Registro di audit integro.")
