"""HTTP front of the simulator: a threaded stdlib server, so that a delayed answer (the
``timeout`` fault) does not hold up the other requests."""

import json
import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .core import Simulatore

log = logging.getLogger("anac.simulatore")


class _Gestore(BaseHTTPRequestHandler):
    server_version = "SimulatorePCP/1.0"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def _gestisci(self, metodo):
        parti = urlsplit(self.path)
        lunghezza = int(self.headers.get("Content-Length") or 0)
        corpo = self.rfile.read(lunghezza) if lunghezza else b""
        intestazioni = {k.lower(): v for k, v in self.headers.items()}
        try:
            risposta = self.server.simulatore.gestisci(
                metodo, parti.path, dict(parse_qsl(parti.query)), intestazioni, corpo
            )
            dati = risposta.byte()
            status, tipo = risposta.status, risposta.intestazioni()["Content-Type"]
            ritardo = risposta.ritardo
        except Exception:  # an unexpected bug of the simulator: a 500 the client will treat as transient
            log.exception("Errore interno del simulatore")
            dati = json.dumps({"status": 500, "title": "Internal Server Error"}).encode()
            status, tipo, ritardo = 500, "application/problem+json", 0
        if ritardo:
            time.sleep(ritardo)
        try:
            self.send_response(status)
            self.send_header("Content-Type", tipo)
            self.send_header("Content-Length", str(len(dati)))
            self.end_headers()
            self.wfile.write(dati)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (timeout): the request was processed anyway

    def do_GET(self):  # noqa: N802 (http.server API)
        self._gestisci("GET")

    def do_POST(self):  # noqa: N802
        self._gestisci("POST")

    def log_message(self, formato, *args):
        log.info("%s %s", self.address_string(), formato % args)


class ServerSimulatore(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, indirizzo, simulatore: Simulatore):
        super().__init__(indirizzo, _Gestore)
        self.simulatore = simulatore
