"""Prints how long signature checks take (median of N runs), on files signed with the demo CA."""

import statistics
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand

from documenti import firma_prova
from documenti.validazione import valida, verifica_firma


def _misura(funzione, ripetizioni):
    tempi = []
    for _ in range(ripetizioni):
        inizio = time.perf_counter()
        funzione()
        tempi.append(time.perf_counter() - inizio)
    return statistics.median(tempi), max(tempi)


class Command(BaseCommand):
    help = "Misura i tempi di verifica delle firme PAdES e CAdES (mediana di N esecuzioni)."

    def add_arguments(self, parser):
        parser.add_argument("-n", "--ripetizioni", type=int, default=20)

    def handle(self, *args, ripetizioni, **options):
        chi = {"nome": "Laura Bianchi", "codice_fiscale": "BNCLRA75E45G999M"}
        pdf_1 = firma_prova.pdf_di_prova("Scheda di sintesi", pagine=1)
        pdf_100 = firma_prova.pdf_di_prova("Progetto dei fabbisogni", pagine=100)
        pades_1 = firma_prova.firma_pades(pdf_1, **chi)
        pades_100 = firma_prova.firma_pades(pdf_100, **chi)
        cofirmato = firma_prova.firma_pades(pades_1, nome="Marco Rossi", codice_fiscale="RSSMRA80A01D612Y")
        cades = firma_prova.firma_cades(pdf_1, **chi)
        casi = [
            ("verifica PAdES, 1 pagina", lambda: verifica_firma(pades_1)),
            ("verifica PAdES, 100 pagine", lambda: verifica_firma(pades_100)),
            ("verifica PAdES con due firme", lambda: verifica_firma(cofirmato)),
            ("verifica CAdES (.p7m DER)", lambda: verifica_firma(cades)),
            (
                "valida() completa di un PAdES",
                lambda: valida(SimpleUploadedFile("a.pdf", pades_1), firma_richiesta=True),
            ),
        ]
        self.stdout.write(f"Ripetizioni: {ripetizioni}")
        for nome, funzione in casi:
            funzione()  # warm-up (trust roots, imports)
            mediana, massimo = _misura(funzione, ripetizioni)
            self.stdout.write(f"{nome:34s} mediana {mediana * 1000:7.1f} ms   massimo {massimo * 1000:7.1f} ms")
