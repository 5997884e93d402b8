import colorsys
import io
import re
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse
from wagtail.documents import get_document_model

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "sct_site/static"

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
    assert risposta.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "storage": "ok",
        "storage_media": "ok",
        "cache": "ok",
        "cache_pagine": "ok",
    }  # the worker: tests/test_guasti_cache.py


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
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(bloccante / "privati")},
        },
    }
    risposta = client.get(reverse("health"))
    assert risposta.status_code == 503
    assert risposta.json()["storage"].startswith("errore: ") and risposta.json()["database"] == "ok"


def test_titolo_della_home_senza_il_nome_del_sito_ripetuto(client, demo):
    html = client.get("/").content.decode()
    assert "<title>Negozio Elettronico – Sistema Cloud Toscana</title>" in html
    altra = client.get("/contratti/").content.decode()
    assert re.search(r"<title>[^<]+ – Negozio Elettronico – Sistema Cloud Toscana</title>", altra)


def test_favicon(client, demo):
    risposta = client.get("/favicon.ico")
    assert risposta.status_code == 200 and risposta["Content-Type"] == "image/x-icon"
    assert risposta.content.startswith(b"\x00\x00\x01\x00")  # an ICO file
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/favicon.ico"' in html and "sct/favicon.svg" in html
    assert client.post("/favicon.ico").status_code == 405


def _luminanza(rgb):
    def lineare(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lineare(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _hsl(testo):
    tinta, saturazione, luce = (float(x) for x in re.findall(r"[\d.]+", testo))
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(tinta / 360, luce / 100, saturazione / 100))


def test_badge_di_avviso_con_contrasto_aa(client, demo):
    """The "certificato non attendibile" badge (and the other bg-warning badges): white text of
    Bootstrap Italia's badge on its bg-warning, at least 4.5:1 (WCAG AA); no dark text on it."""
    css = (STATIC / "vendor/bootstrap-italia/css/bootstrap-italia.min.css").read_text()
    sfondo = _hsl(re.findall(r"\.bg-warning\{background-color:(hsl\([^)]*\))", css)[-1])
    testo = _hsl(re.search(r"--bs-badge-color: ?(hsl\([^)]*\))", css).group(1))
    chiaro, scuro = sorted((_luminanza(testo), _luminanza(sfondo)), reverse=True)
    assert (chiaro + 0.05) / (scuro + 0.05) >= 4.5
    modelli = [p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    assert modelli
    assert [p for p in modelli if "bg-warning text-dark" in p.read_text()] == []
    riepilogo = (ROOT / "contratti/templates/contratti/adesioni/riepilogo.html").read_text()
    assert "{% firma d.documento adesione.ente %}" in riepilogo
    firma = (ROOT / "documenti/templates/documenti/_firma.html").read_text()
    assert '<span class="badge bg-warning">certificato non attendibile</span>' in firma


def test_testo_delle_schede_della_home_in_titillium(client, demo):
    html = client.get("/").content.decode()
    assert 'class="card-text"' in html
    assert html.index("bootstrap-italia.min.css") < html.index("sct/sct.css")  # ours comes after, same specificity
    css = (STATIC / "sct/sct.css").read_text()
    regola = re.search(r"\.card \.card-body \.card-text \{([^}]*)\}", css).group(1)
    assert 'font-family: "Titillium Web"' in regola and "serif;" not in regola.replace("sans-serif", "")


def _testo_pdf(client, url):
    risposta = client.get(url)
    assert risposta.status_code == 200
    dati = b"".join(risposta.streaming_content) if risposta.streaming else risposta.content
    assert dati.startswith(b"%PDF-")
    return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(dati)).pages)


def test_manuali_nelle_istruzioni_e_modello_della_richiesta_tracciabilita(client, demo):
    istruzioni = client.get("/documentazione/istruzioni/")
    html = istruzioni.content.decode()
    documenti = {d.title: d for d in get_document_model().objects.all()}
    manuale_cig = documenti["Manuale Richiedi Cig"]
    manuale_com = documenti["Manuale nuovo modulo Comunicazioni (revisione Luglio 2022)"]
    for doc in (manuale_cig, manuale_com):
        assert doc.title in html and doc.url in html, doc.title
    testo = _testo_pdf(client, manuale_cig.url)
    for atteso in ("nuovo ordine", "Codice appalto", "Conferma appalto", "Acquisisci CIG", "SPID, CIE o CNS", "048017"):
        assert atteso in testo, atteso
    testo = _testo_pdf(client, manuale_com.url)
    for atteso in ("CdC_Banditore", "Chiarimento", "riepilogo giornaliero", "[omissis]", "numeri di telefono"):
        assert atteso in testo, atteso
    modelli = client.get("/documentazione/modelli/").content.decode()
    richiesta = documenti["Richiesta di acquisizione dei conti correnti dedicati (tracciabilità dei pagamenti)"]
    assert richiesta.url in modelli and "conti correnti dedicati" in _testo_pdf(client, richiesta.url)
    assert richiesta.pk in set(demo.sct.documenti_allegati.values_list("documento_id", flat=True))
