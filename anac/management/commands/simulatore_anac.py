import json
from urllib.parse import urljoin

import requests
from django.core.management.base import BaseCommand, CommandError

from anac import conf


class Command(BaseCommand):
    help = (
        "Comanda il simulatore ANAC PCP configurato in SCT_ANAC_BASE_URL: "
        "guasto <servizio> <tipo> [--codice ERR98] [--ritardo 30] [--status 503] [--volte 1|0=sempre], "
        "config --wt-polls N, reset, stato, richieste."
    )

    def add_arguments(self, parser):
        parser.add_argument("azione", choices=["guasto", "config", "reset", "stato", "richieste"])
        parser.add_argument("servizio", nargs="?", default="*", help="es. conferma-appalto (* = tutti)")
        parser.add_argument(
            "tipo", nargs="?", choices=["ko", "esito_ko", "timeout", "errore_http", "duplicato", "cig_ripetuto"]
        )
        parser.add_argument("--codice")
        parser.add_argument("--messaggio")
        parser.add_argument("--status", type=int)
        parser.add_argument("--ritardo", type=float)
        parser.add_argument("--volte", type=int, default=1, help="quante volte (0 = sempre)")
        parser.add_argument("--wt-polls", type=int)
        parser.add_argument("--wt-secondi", type=float)

    def handle(self, *args, azione, servizio, tipo, **opzioni):
        admin = urljoin(conf.base_url(), "/__sim__/")
        try:
            if azione == "guasto":
                if not tipo:
                    raise CommandError("Indicare il tipo di guasto.")
                dati = {"servizio": servizio, "tipo": tipo, "volte": opzioni["volte"] or None}
                dati.update({k: opzioni[k] for k in ("codice", "messaggio", "status", "ritardo") if opzioni[k]})
                risposta = requests.post(admin + "guasti", json=dati, timeout=10)
            elif azione == "config":
                dati = {k: opzioni[k] for k in ("wt_polls", "wt_secondi") if opzioni[k] is not None}
                risposta = requests.post(admin + "config", json=dati, timeout=10)
            elif azione == "reset":
                risposta = requests.post(admin + "reset", json={}, timeout=10)
            else:
                risposta = requests.get(admin + azione, timeout=10)
        except requests.RequestException as exc:
            raise CommandError(f"Simulatore non raggiungibile su {admin}: {exc}") from exc
        if risposta.status_code >= 400:
            raise CommandError(risposta.text)
        self.stdout.write(json.dumps(risposta.json(), ensure_ascii=False, indent=2))
