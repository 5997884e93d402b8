"""E-mail: through django-anymail, retried by Celery, failures visible to the sender, daily digest."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comunicazioni import services
from comunicazioni.models import Consegna
from organizzazioni.models import Profilo

from .aiuti import EMAIL, collega_firenze, destinatari_email

pytestmark = pytest.mark.django_db


class _EspFinto(BaseHTTPRequestHandler):
    """A local HTTP endpoint that speaks Mailgun's API (the ESP is outside our code)."""

    def do_POST(self):  # noqa: N802 - http.server API
        lunghezza = int(self.headers.get("Content-Length") or 0)
        self.server.richieste.append((self.path, self.rfile.read(lunghezza)))
        codice = self.server.codice
        corpo = {"id": f"<{len(self.server.richieste)}@sct.example.it>", "message": "Queued. Thank you."}
        if codice != 200:
            corpo = {"message": "Servizio non disponibile"}
        dati = json.dumps(corpo).encode()
        self.send_response(codice)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(dati)))
        self.end_headers()
        self.wfile.write(dati)

    def log_message(self, *args):
        pass


@pytest.fixture
def esp(settings, monkeypatch):
    server = None
    for porta in range(8140, 8160):
        try:
            server = HTTPServer(("127.0.0.1", porta), _EspFinto)
            break
        except OSError:
            continue
    assert server is not None, "nessuna porta libera tra 8140 e 8159"
    server.richieste, server.codice = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {"MAILGUN_API_KEY": "chiave-di-prova", "MAILGUN_API_URL": f"http://127.0.0.1:{porta}/v3"}
    yield server
    server.shutdown()
    server.server_close()


def _al_banditore(demo, oggetto="Richiesta"):
    return services.invia_messaggio(
        demo.sct,
        utente=demo.user("aderente"),
        destinatario=f"ente:{demo.firenze.pk}>banditore",
        tipo="comunicazione",
        oggetto=oggetto,
        testo="Testo della richiesta",
    )


def test_invio_tramite_anymail(demo, commit, esp):
    with commit():
        m = _al_banditore(demo)
    consegna = m.consegne.get()
    assert consegna.email_stato == Consegna.StatoEmail.INVIATA
    assert consegna.email_id_esp == "<1@sct.example.it>"
    assert consegna.email_tentativi == 1
    [(percorso, corpo)] = esp.richieste
    assert percorso == "/v3/sct.example.it/messages"
    campi = parse_qs(corpo.decode())
    assert campi["to"] == [EMAIL["banditore"]]
    assert campi["subject"] == ["[Negozio Elettronico SCT] Richiesta"]
    assert "Testo della richiesta" in campi["text"][0] and "Testo della richiesta" in campi["html"][0]


def test_invio_fallito_ritentato_poi_visibile_al_mittente(client_as, demo, commit, esp):
    from comunicazioni.tasks import invia_email_consegna

    esp.codice = 503
    with commit():
        m = _al_banditore(demo, oggetto="Non arriverà")
    consegna = m.consegne.get()
    assert consegna.email_stato == Consegna.StatoEmail.ERRORE
    assert len(esp.richieste) == invia_email_consegna.max_retries + 1 == consegna.email_tentativi
    assert "503" in consegna.email_errore
    assert consegna.letto_il is None  # the message itself is delivered in the site

    mittente = client_as("aderente").get(reverse("comunicazioni:messaggio", args=[m.pk])).content.decode()
    assert "Invio non riuscito" in mittente and "503" in mittente and "Invia di nuovo l'e-mail" in mittente

    # the ESP is back: the sender asks again
    esp.codice = 200
    with commit():
        risposta = client_as("aderente").post(reverse("comunicazioni:ritenta", args=[consegna.pk]))
    assert risposta.status_code == 302
    consegna.refresh_from_db()
    assert consegna.email_stato == Consegna.StatoEmail.INVIATA and consegna.email_errore == ""


def test_solo_il_mittente_ritenta(client_as, demo, commit, esp):
    esp.codice = 500
    with commit():
        m = _al_banditore(demo)
    consegna = m.consegne.get()
    risposta = client_as("banditore").post(reverse("comunicazioni:ritenta", args=[consegna.pk]))
    assert risposta.status_code == 403
    assert client_as("aderente2").post(reverse("comunicazioni:ritenta", args=[consegna.pk])).status_code == 404
    consegna.refresh_from_db()
    assert consegna.email_stato == Consegna.StatoEmail.ERRORE


def test_utente_senza_email(demo, commit, outbox):
    collega = collega_firenze(demo)
    collega.email = ""
    collega.save()
    with commit():
        [m] = services.notifica(demo.sct, evento="prova", oggetto="Per l'ente", testo="x", enti=[demo.firenze])
    stati = dict(m.consegne.values_list("utente__username", "email_stato"))
    assert stati == {"aderente": "inviata", "collega": "nessun_indirizzo"}
    assert destinatari_email(outbox) == [EMAIL["aderente"]]


def test_preferenza_e_riepilogo_giornaliero(client_as, demo, commit, outbox):
    c = client_as("aderente")
    assert c.post(reverse("comunicazioni:preferenze"), {"notifiche_email": "settimanale"}).status_code == 400
    assert Profilo.objects.get(user__username="aderente").notifiche_email == "immediate"
    assert c.post(reverse("comunicazioni:preferenze"), {"notifiche_email": "digest"}).status_code == 302
    assert Profilo.objects.get(user__username="aderente").notifiche_email == "digest"

    with commit():
        services.notifica(
            demo.sct, evento="prova", oggetto="Prima notifica", testo="x", enti=[demo.firenze], banditore=True
        )
        services.notifica(demo.sct, evento="prova", oggetto="Seconda notifica", testo="y", enti=[demo.firenze])
    # the banditore wants single e-mails, the aderente waits for the digest
    assert destinatari_email(outbox) == [EMAIL["banditore"]]
    assert set(Consegna.objects.filter(utente__username="aderente").values_list("email_stato", flat=True)) == {
        "riepilogo"
    }

    outbox.clear()
    call_command("invia_riepiloghi")
    [riepilogo] = outbox
    assert riepilogo.to == [EMAIL["aderente"]]
    assert "Riepilogo giornaliero delle comunicazioni (2)" in riepilogo.subject
    assert "Prima notifica" in riepilogo.body and "Seconda notifica" in riepilogo.body
    assert riepilogo.alternatives[0].mimetype == "text/html"
    assert set(Consegna.objects.filter(utente__username="aderente").values_list("email_stato", flat=True)) == {
        "inviata"
    }
    outbox.clear()
    call_command("invia_riepiloghi")
    assert outbox == []


def test_task_giornaliero_e_email_rimaste_in_coda(demo, celery_eager, commit, outbox):
    from comunicazioni.tasks import invia_riepiloghi_giornalieri
    from sct_site.celery import app

    assert "comunicazioni-riepiloghi-giornalieri" in app.conf.beat_schedule
    Profilo.objects.filter(user__username="aderente").update(notifiche_email="digest")
    [m] = services.notifica(
        demo.sct, evento="prova", oggetto="Nel riepilogo", testo="x", enti=[demo.firenze], banditore=True
    )
    # the banditore's e-mail was never queued (as if the broker had been down at the commit)
    persa = m.consegne.get(utente__username="banditore")
    Consegna.objects.filter(pk=persa.pk).update(consegnato_il=timezone.now() - timedelta(hours=2))
    risultato = invia_riepiloghi_giornalieri.delay().get()
    assert risultato == {"riepiloghi": 1, "email_riaccodate": 1}
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["banditore"]])
    assert set(m.consegne.values_list("email_stato", flat=True)) == {"inviata"}


def test_riepilogo_fallito_registrato(demo, esp, settings):
    Profilo.objects.filter(user__username="aderente").update(notifiche_email="digest")
    [m] = services.notifica(demo.sct, evento="prova", oggetto="Nel riepilogo", testo="x", enti=[demo.firenze])
    esp.codice = 500
    call_command("invia_riepiloghi")
    consegna = m.consegne.get()
    assert consegna.email_stato == Consegna.StatoEmail.ERRORE and "500" in consegna.email_errore
