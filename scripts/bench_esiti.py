#!/usr/bin/env python
"""Time and peak memory of the esiti open-data exports, against a raw ``values_list`` dump.

    .venv/bin/python scripts/bench_esiti.py                 # 10,000 esiti, temporary SQLite database
    .venv/bin/python scripts/bench_esiti.py -n 100000
    .venv/bin/python scripts/bench_esiti.py -n 100000 --database-url postgres://postgres@127.0.0.1:5432/bench_esiti

The database is a scratch one: a temporary SQLite file by default (removed at the end), or the one
given with ``--database-url`` (migrated, demo data loaded, esiti added up to ``-n``; use a database
made for the purpose, never the site's). Each export is requested through the Django test client and
its stream consumed and discarded, twice: once timed, once under ``tracemalloc`` for the peak of
Python memory. Not a test: it prints a table.
"""

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent


def argomenti():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", "--numero", type=int, default=10_000, help="esiti pubblicati (default 10000)")
    p.add_argument("--database-url", default="", help="database di prova (default: SQLite temporaneo)")
    p.add_argument("--blocco", type=int, default=0, help="righe per blocco degli export (default: impostazione)")
    p.add_argument("--ripetizioni", type=int, default=3, help="esecuzioni cronometrate per misura (default 3)")
    return p.parse_args()


def prepara_ambiente(args):
    temporanea = Path(tempfile.mkdtemp(prefix="sct-bench-esiti-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sct_site.settings.dev")
    os.environ["DEBUG"] = "0"  # with DEBUG every query is kept in memory: it would falsify the figures
    os.environ["SCT_CACHE_PAGINE"] = "0"  # measure the views, not the cache of the public pages
    os.environ["SCT_VAR_DIR"] = str(temporanea)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{temporanea / 'bench.sqlite3'}"
    sys.path.insert(0, str(RADICE))
    import django

    django.setup()
    return temporanea


class Scarto:
    def write(self, testo):
        return len(testo)


def consuma(risposta):
    assert risposta.status_code == 200, risposta.status_code
    contenuto = risposta.streaming_content if risposta.streaming else [risposta.content]
    return sum(len(pezzo) for pezzo in contenuto)


def misura(funzione, ripetizioni):
    """(best seconds, median seconds, bytes, peak MiB of Python allocations).

    The best of several runs is the figure least disturbed by other load on the machine."""
    durate = []
    for _ in range(ripetizioni):
        inizio = time.perf_counter()
        dimensione = funzione()
        durate.append(time.perf_counter() - inizio)
    durate.sort()
    tracemalloc.start()
    tracemalloc.reset_peak()
    funzione()
    _, picco = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return durate[0], durate[len(durate) // 2], dimensione, picco / 2**20


def main():
    args = argomenti()
    temporanea = prepara_ambiente(args)
    try:
        esegui(args)
    finally:
        shutil.rmtree(temporanea, ignore_errors=True)


def esegui(args):
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import ExtractYear
    from django.test import Client

    from esiti import exports
    from esiti.bulk import genera_esiti
    from esiti.models import Esito
    from home.demo import DemoLoader
    from organizzazioni.models import Ente

    if args.blocco:
        settings.SCT_ESITI_BLOCCO_EXPORT = args.blocco
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    DemoLoader().run()
    if Ente.objects.count() < 20:  # more enti, so that the list filters and L.190 files look real
        for i in range(20):
            cf = f"{80000000 + i:08d}000"
            Ente.objects.get_or_create(codice_fiscale=cf, defaults={"denominazione": f"Comune di prova {i}"})
    mancanti = args.numero - Esito.objects.visibili().count()
    if mancanti > 0:
        inizio = time.perf_counter()
        genera_esiti(mancanti, prefisso_cig="X", seme=42)
        print(
            f"Creati {mancanti} esiti (bulk_create + vettore di ricerca) in {time.perf_counter() - inizio:.1f} s",
            flush=True,
        )
    totale = Esito.objects.visibili().count()
    piu_grande = (
        Esito.objects.in_vigore()
        .values("ente__codice_fiscale", anno=ExtractYear("data_aggiudicazione"))
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    client = Client(HTTP_HOST="127.0.0.1")
    base = "/aggiudicazioni-e-affidamenti/"
    l190 = f"{base}dati-aperti/l190/{piu_grande['anno']}/{piu_grande['ente__codice_fiscale']}/"

    def dump_grezzo():
        scrittore = csv.writer(Scarto())
        n = 0
        for riga in Esito.objects.visibili().order_by("pk").values_list(*exports.CAMPI).iterator(chunk_size=2000):
            n += scrittore.writerow(riga)
        return n

    prove = [
        ("dump grezzo values_list → csv.writer", totale, dump_grezzo),
        ("CSV (tutti)", totale, lambda: consuma(client.get(f"{base}dati-aperti/csv/"))),
        (
            "CSV per fogli di calcolo (tutti)",
            totale,
            lambda: consuma(client.get(f"{base}dati-aperti/csv-fogli-di-calcolo/")),
        ),
        ("XLSX (tutti)", totale, lambda: consuma(client.get(f"{base}dati-aperti/xlsx/"))),
        ("catalogo DCAT-AP_IT", 1, lambda: consuma(client.get(f"{base}dati-aperti/catalogo/"))),
        ("OCDS release package (tutti)", totale, lambda: consuma(client.get(f"{base}dati-aperti/ocds/"))),
        (
            f"L.190 XML {piu_grande['anno']} {piu_grande['ente__codice_fiscale']}",
            piu_grande["n"],
            lambda: consuma(client.get(l190)),
        ),
        (
            "CSV filtrato (anno 2022)",
            Esito.objects.visibili().filter(data_aggiudicazione__year=2022).count(),
            lambda: consuma(client.get(f"{base}dati-aperti/csv/", {"anno": 2022})),
        ),
        ("feed Atom (ultimi 50)", 50, lambda: consuma(client.get(f"{base}dati-aperti/feed/"))),
        ("elenco, prima pagina", 20, lambda: consuma(client.get(base))),
        ("elenco, ricerca 'backup'", 20, lambda: consuma(client.get(base, {"q": "backup"}))),
        ("elenco, pagina profonda", 20, lambda: consuma(client.get(base, {"page": max(1, totale // 20 - 1)}))),
    ]
    risultati = []
    for nome, righe, funzione in prove:
        funzione()  # warm-up (caches, prepared statements)
        risultati.append((nome, righe, *misura(funzione, args.ripetizioni)))
    grezzo = risultati[0][2]
    print()
    print(f"{'misura':46} {'righe':>8} {'byte':>12} {'min s':>8} {'mediana s':>9} {'picco MiB':>10} {'× grezzo':>9}")
    for nome, righe, migliore, mediana, dimensione, picco in risultati:
        print(
            f"{nome:46} {righe:>8} {dimensione:>12} {migliore:>8.3f} {mediana:>9.3f} {picco:>10.1f} "
            f"{migliore / grezzo:>9.2f}"
        )
    print(
        f"\n{totale} esiti visibili; tempi: migliore e mediana di {args.ripetizioni} esecuzioni; × grezzo sul "
        "migliore; picco = massimo della memoria Python allocata durante la richiesta (tracemalloc)."
    )
    import platform

    print(
        f"Macchina: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python "
        f"{platform.python_version()}, carico medio {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
