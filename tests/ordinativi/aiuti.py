"""Helpers of the ordinativo tests: an approved adesione, logins, the Richiedi CIG data."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import TaskState

from contratti.adesioni import services as servizi_adesione
from contratti.models import Adesione, Ordinativo
from tests.pdf import pdf_firmato

RUP_FIRENZE = "BNCLRA75E45G999M"


def sub(contratto, nome, *args):
    return contratto.url + contratto.reverse_subpage(nome, args=args)


def upload(nome="atto.pdf", dati=None, content_type="application/pdf"):
    return SimpleUploadedFile(nome, dati if dati is not None else pdf_firmato("atto di adesione"), content_type=content_type)


def _task_state(oggetto):
    return TaskState.objects.get(workflow_state__object_id=str(oggetto.pk), status=TaskState.STATUS_IN_PROGRESS,
                                 workflow_state__base_content_type__model=oggetto._meta.model_name)


def adesione_approvata(demo, *, username="aderente", ente=None, ipotesi="A"):
    utente = demo.user(username)
    ente = ente or demo.firenze
    contratto = demo.sct
    files = {"manifestazione-interesse": upload("manifestazione.pdf")}
    if ipotesi == "B":
        files.update({"piano-fabbisogni": upload("piano.pdf"), "progetto-fabbisogni": upload("progetto.pdf")})
    adesione = servizi_adesione.crea_bozza(
        contratto=contratto, ente=ente, utente=utente, ipotesi=ipotesi, importo="1000.00",
        scadenza=contratto.scadenza_adesioni_suggerita, files=files,
    )
    banditore = demo.user("banditore")
    while adesione.stato != Adesione.Stato.APPROVATA:
        if adesione.round_corrente == 1 and ipotesi == "B":
            servizi_adesione.carica_documenti_round(adesione, utente=utente, files={"data-protection-agreement": upload("dpa.pdf")})
        servizi_adesione.invia(adesione, utente=utente)
        adesione = servizi_adesione.approva_round(adesione, utente=banditore, task_state=_task_state(adesione))
    return adesione


def dati_richiesta_cig(adesione, **extra):
    dati = {
        "adesione": adesione.pk,
        "oggetto": "Proroga dei servizi Sistema Cloud Toscana",
        "importo_totale": "99,99",
        "cpv": "72000000-5",
        "codice_istat": "048017",
        "codice_nuts": "ITI14",
        "durata_mesi": "12",
        "categoria": "FS",
        "finanziamento": "A",
        "cf_rup": RUP_FIRENZE,
        "data_adesione": "2026-10-01",
        "codice_appalto": f"SCT-PROVA-{uuid.uuid4().hex[:12]}",
        "tracciabilita": "mandataria",
    }
    dati.update(extra)
    return dati


def crea_ordinativo(client, demo, adesione, **extra):
    risposta = client.post(sub(demo.sct, "ordinativo_nuovo"), dati_richiesta_cig(adesione, **extra))
    assert risposta.status_code == 302, risposta.content.decode()[:2000]
    return Ordinativo.objects.latest("pk")


def spid(client, demo, username="aderente", livello=2):
    risposta = client.post("/identita/spid-simulato/", {"utente": demo.user(username).pk, "livello": livello, "next": "/"})
    assert risposta.status_code == 302
    return client


def aggiungi_righe(client, demo, ordinativo, righe):
    for descrizione, unitario, quantita in righe:
        risposta = client.post(sub(demo.sct, "ordinativo_azione", ordinativo.pk, "riga"),
                               {"descrizione": descrizione, "importo_unitario": unitario, "quantita": quantita})
        assert risposta.status_code == 302, risposta.content.decode()[:2000]


def task_state(oggetto):
    return _task_state(oggetto)
