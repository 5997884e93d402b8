"""Time to generate the "Scheda di sintesi ordinativo di fornitura" (WeasyPrint): median of N runs.

    DJANGO_SETTINGS_MODULE=sct_site.settings.dev .venv/bin/python scripts/bench_scheda_sintesi.py [N]

Uses a throw-away ordinativo built in memory from the demo data (run `manage.py load_demo` first);
nothing is saved.
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sct_site.settings.dev")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from contratti.models import Adesione, ContrattoPage, Ordinativo, RigaOrdinativo  # noqa: E402
from contratti.ordinativi.pdf import genera_scheda_sintesi  # noqa: E402
from organizzazioni.models import Ente  # noqa: E402


class _Righe:
    def __init__(self, righe):
        self._righe = righe

    def all(self):
        return self._righe


def main(n):
    contratto = ContrattoPage.objects.get(slug="sistema-cloud-toscana")
    ente = Ente.objects.get(codice_fiscale="01307110484")
    adesione = Adesione(codice="A000001/2026", ipotesi="A", ente=ente, contratto=contratto)
    o = Ordinativo(
        contratto=contratto,
        ente=ente,
        adesione=adesione,
        codice="O000001/2026",
        oggetto="Servizi SCT – prova",
        importo_totale=Decimal("99.99"),
        cpv="72000000-5",
        codice_istat="048017",
        codice_nuts="ITI14",
        durata_mesi=12,
        cf_rup="BNCLRA75E45G999M",
        cig_accordo_quadro=contratto.cig,
        data_adesione=timezone.localdate(),
        codice_appalto="SCT-BENCH-0001",
        cig_derivato="B123456789",
    )
    righe = [
        RigaOrdinativo(descrizione=f"Servizio {i}", importo_unitario=Decimal("33.33"), quantita=Decimal("3"))
        for i in range(10)
    ]
    Ordinativo.righe = property(lambda self: _Righe(righe))  # in memory: nothing is saved
    genera_scheda_sintesi(o)  # warm-up (fonts)
    tempi = []
    for _ in range(n):
        inizio = time.perf_counter()
        pdf = genera_scheda_sintesi(o)
        tempi.append(time.perf_counter() - inizio)
    print(f"scheda di sintesi: {n} generazioni, {len(pdf)} byte")
    print(
        f"mediana {statistics.median(tempi) * 1000:.0f} ms, min {min(tempi) * 1000:.0f} ms, max {max(tempi) * 1000:.0f} ms"
    )
    print(f"ritmo: {1 / statistics.median(tempi):.1f} schede/s per processo")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
