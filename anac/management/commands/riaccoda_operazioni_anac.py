from datetime import timedelta

from django.core.management.base import BaseCommand

from anac.tasks import riaccoda_operazioni_ferme


class Command(BaseCommand):
    help = (
        "Rimette in coda le operazioni ANAC rimaste aperte (messaggio perso, worker caduto): "
        "da eseguire periodicamente, ad esempio ogni 10 minuti."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minuti", type=int, default=10, help="ferme da almeno tanti minuti (default 10)")

    def handle(self, *args, minuti, **options):
        conta = riaccoda_operazioni_ferme(timedelta(minutes=minuti))
        self.stdout.write(f"Operazioni ANAC rimesse in coda: {conta}")
