import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home import bulk


class Command(BaseCommand):
    help = (
        "Genera dati di prova in blocco (bulk insert) per benchmark e test di carico: enti, operatori, "
        "contratti (pagine Wagtail), adesioni, ordinativi con righe, esiti pubblicati con il vettore di ricerca. "
        "Idempotente: se i dati di prova ci sono già non fa nulla (usa --reset per rigenerarli, --elimina per "
        "toglierli). Rifiutato con le impostazioni di produzione."
    )

    def add_arguments(self, parser):
        d = bulk.Dimensioni()
        parser.add_argument("--contratti", type=int, default=d.contratti)
        parser.add_argument("--enti", type=int, default=d.enti)
        parser.add_argument("--operatori", type=int, default=0, help="default: uno ogni 20 contratti (almeno 2)")
        parser.add_argument("--adesioni", type=int, default=d.adesioni)
        parser.add_argument("--ordinativi", type=int, default=d.ordinativi)
        parser.add_argument("--righe", type=int, default=d.righe, help="righe per ordinativo")
        parser.add_argument("--esiti", type=int, default=d.esiti)
        parser.add_argument("--lotto", type=int, default=d.lotto, help="righe per bulk_create / transazione")
        parser.add_argument("--seme", type=int, default=d.seme)
        parser.add_argument("--reset", action="store_true", help="elimina i dati di prova esistenti e li rigenera")
        parser.add_argument("--elimina", action="store_true", help="elimina i dati di prova e basta")

    def handle(self, *args, **o):
        if getattr(settings, "SCT_ENVIRONMENT", "") == "production":
            raise CommandError("I dati di prova non possono essere generati con le impostazioni di produzione.")
        log = self.stdout.write
        if o["reset"] or o["elimina"]:
            bulk.elimina(log=log)
            if o["elimina"]:
                return
        esistenti = bulk.presenti()
        if any(esistenti.values()):
            log(
                "Dati di prova già presenti ("
                + ", ".join(f"{v} {k}" for k, v in esistenti.items())
                + "): nulla da fare. --reset per rigenerarli."
            )
            return
        try:
            dimensioni = bulk.Dimensioni(
                contratti=o["contratti"],
                enti=o["enti"],
                operatori=o["operatori"],
                adesioni=o["adesioni"],
                ordinativi=o["ordinativi"],
                righe=o["righe"],
                esiti=o["esiti"],
                lotto=o["lotto"],
                seme=o["seme"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        inizio = time.perf_counter()
        bulk.Generatore(dimensioni, log=log).esegui()
        log(
            f"Dati di prova generati in {time.perf_counter() - inizio:.1f} s: "
            + ", ".join(f"{v} {k}" for k, v in bulk.presenti().items())
        )
