import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGINE = [
    ("/", "Negozio Elettronico"),
    ("/contratti/", "Parametri di ricerca"),
    ("/contratti/sistema-cloud-toscana/", "7154112FF8"),
    ("/documentazione/", "Modelli dei documenti"),
    ("/documentazione/istruzioni/", "Ipotesi A – proroga semplificata"),
    ("/documentazione/modelli/", "Manifestazione di interesse alla proroga"),
    ("/documentazione/faq/", "Conferma appalto"),
    ("/aggiudicazioni-e-affidamenti/", "Aggiudicazioni e affidamenti"),
]


@pytest.mark.parametrize(("url", "testo"), PAGINE)
def test_pagine_pubbliche_rispondono_in_italiano(client, demo, url, testo):
    risposta = client.get(url)
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert '<html lang="it">' in html
    assert testo in html


def test_pagina_contratto_mostra_tab_e_accordion_del_manuale(client, demo):
    html = client.get("/contratti/sistema-cloud-toscana/").content.decode()
    for tab in ["Informazioni generali", "Aggiudicatario", "Chiarimenti", "Elenco adesioni", "Elenco ordinativi"]:
        assert tab in html
    for accordion in [
        "DOCUMENTAZIONE ALLEGATA",
        "RICHIESTE DOCUMENTI PER ADESIONE – ROUND 0",
        "RICHIESTE DOCUMENTI PER ADESIONE – ROUND 1",
        "RICHIESTE PER ORDINATIVI FORNITURA",
        "SCADENZA",
        "UTENTI ABILITATI AD OPERARE SULLA PROCEDURA",
    ]:
        assert accordion in html
    assert "Il contratto prevede 2 round di adesione" in html
    assert "D11B17000180002" in html
    assert "SCT.Toscana@pec.telecomitalia.it" in html
    assert "Mandataria" in html and "Mandante" in html
    assert "02/10/2026" in html
    assert "€ 150.000.000,00" in html


def test_documenti_allegati_sono_pdf_scaricabili(client, demo):
    allegato = demo.sct.documenti_allegati.first()
    risposta = client.get(allegato.documento.url)
    assert risposta.status_code == 200
    contenuto = b"".join(risposta.streaming_content) if risposta.streaming else risposta.content
    assert contenuto.startswith(b"%PDF-")


def test_tab_adesioni_anonimo_non_vede_dati_privati(client, demo):
    html = client.get("/contratti/sistema-cloud-toscana/").content.decode()
    assert "Accedi all'area riservata" in html
    assert "Non ci sono adesioni da mostrare" not in html


@pytest.mark.parametrize(
    ("username", "atteso", "assente"),
    [
        ("aderente", "Non ci sono adesioni da mostrare", "non è associato a un ente aderente né al banditore"),
        ("banditore", "Non ci sono adesioni da mostrare", "non è associato a un ente aderente né al banditore"),
        ("oe", "non è associato a un ente aderente né al banditore", "Non ci sono adesioni da mostrare"),
        ("editor", "non è associato a un ente aderente né al banditore", "Non ci sono adesioni da mostrare"),
    ],
)
def test_tab_adesioni_per_ruolo(client_as, username, atteso, assente):
    html = client_as(username).get("/contratti/sistema-cloud-toscana/").content.decode()
    assert atteso in html
    assert assente not in html


def test_health_riporta_database_broker_storage(client, db):
    risposta = client.get(reverse("health"))
    assert risposta.status_code == 200
    assert risposta.json() == {"status": "ok", "database": "ok", "broker": "ok", "storage": "ok", "storage_media": "ok",
                               "cache": "ok", "cache_pagine": "ok"}  # the worker: tests/test_guasti_cache.py


def test_pagina_inesistente_404_in_italiano(client, demo):
    risposta = client.get("/contratti/non-esiste/")
    assert risposta.status_code == 404
    assert "Pagina non trovata" in risposta.content.decode()


def test_health_503_se_il_broker_non_risponde(client, db):
    from sct_site.celery import app

    prima = app.conf.broker_url, app.conf.broker_write_url
    # A closed port: no broker there (the write URL is its own setting once Celery has read the config).
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        risposta = client.get(reverse("health"))
    finally:
        app.conf.broker_url, app.conf.broker_write_url = prima
    assert risposta.status_code == 503
    dati = risposta.json()
    assert dati["status"] == "errore" and dati["database"] == "ok" and dati["storage"] == "ok"
    assert dati["broker"].startswith("errore: ")
    assert risposta["Cache-Control"].startswith("max-age=0")


def test_health_503_se_l_archivio_non_scrive(client, db, settings, tmp_path):
    bloccante = tmp_path / "un-file"
    bloccante.write_text("non una cartella")
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(bloccante / "privati")}}}
    risposta = client.get(reverse("health"))
    assert risposta.status_code == 503
    assert risposta.json()["storage"].startswith("errore: ") and risposta.json()["database"] == "ok"
