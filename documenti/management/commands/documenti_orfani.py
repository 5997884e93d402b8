"""Files in the private storage under ``documenti/`` that no DocumentoPrivato references.

They appear when a caller's transaction is rolled back after ``valida_e_salva`` stored the bytes
(Django has no on-rollback hook). Listed by default; removed with ``--elimina`` when older than
``--ore`` hours (default 24, so that uploads of transactions still running are left alone).
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from documenti.models import DocumentoPrivato, archivio_privato


def _tutti(storage, cartella):
    sottocartelle, files = storage.listdir(cartella)
    for nome in files:
        yield f"{cartella}/{nome}"
    for sotto in sottocartelle:
        yield from _tutti(storage, f"{cartella}/{sotto}")


class Command(BaseCommand):
    help = "Elenca (o elimina con --elimina) i file privati dei documenti non più referenziati."

    def add_arguments(self, parser):
        parser.add_argument("--elimina", action="store_true", help="elimina i file orfani")
        parser.add_argument("--ore", type=int, default=24, help="solo i file più vecchi di tante ore (default 24)")

    def handle(self, *args, elimina, ore, **options):
        storage = archivio_privato()
        if not storage.exists("documenti"):
            self.stdout.write("Nessun file.")
            return
        limite = timezone.now() - datetime.timedelta(hours=ore)
        noti = set(DocumentoPrivato.objects.values_list("file", flat=True))
        orfani = []
        for nome in _tutti(storage, "documenti"):
            if nome in noti:
                continue
            try:
                modificato = storage.get_modified_time(nome)
            except (NotImplementedError, OSError):
                modificato = None
            if modificato is not None and modificato > limite:
                continue
            orfani.append(nome)
        for nome in orfani:
            if elimina:
                storage.delete(nome)
            self.stdout.write(("eliminato " if elimina else "orfano ") + nome)
        self.stdout.write(f"{len(orfani)} file orfani{' eliminati' if elimina else ''}.")
