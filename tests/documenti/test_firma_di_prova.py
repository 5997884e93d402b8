"""The demo-only "Firma di prova" page, and the demo CA module."""

import datetime

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: F401
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from documenti import conf, firma_prova
from documenti.validazione import valida_e_salva, verifica_firma

from . import campioni as c

URL = "/documenti-privati/firma-di-prova/"


def test_url_stabile():
    assert reverse("documenti:firma_di_prova") == URL


@override_settings(SCT_SIMULATED_SPID=False)
def test_spenta_fuori_dalla_demo(client_as):
    client = client_as("aderente")
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"formato": "pades", "file": SimpleUploadedFile("a.pdf", c.pdf())}).status_code == 404
    assert client.get(reverse("documenti:firma_di_prova_ca")).status_code == 404


def test_richiede_accesso(client, demo):
    risposta = client.get(URL)
    assert risposta.status_code == 302 and risposta["Location"].startswith(reverse("login"))
    assert client.post(URL, {"formato": "pades"}).status_code == 302


def test_pagina(client_as):
    risposta = client_as("aderente").get(URL)
    assert risposta.status_code == 200
    testo = risposta.content.decode()
    assert "<h1>Firma di prova</h1>" in testo
    assert "nessun valore legale" in testo.lower()
    assert "BNCLRA75E45G999M" in testo and "Laura Bianchi" in testo
    assert 'enctype="multipart/form-data"' in testo


def test_firma_pades_poi_accettata_come_firmata_e_attendibile(client_as, demo):
    risposta = client_as("aderente").post(URL, {"formato": "pades", "file": SimpleUploadedFile("modello.pdf", c.pdf())})
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/pdf"
    assert "modello-firmato.pdf" in risposta["Content-Disposition"]
    assert risposta["Cache-Control"] == "private, no-store"
    firmato = risposta.content
    assert firmato.startswith(c.pdf())
    documento = valida_e_salva(SimpleUploadedFile("modello-firmato.pdf", firmato), utente=None, firma_richiesta=True)
    assert documento.firma_tipo == "pades" and documento.firma_attendibile
    assert documento.firmatario_cf == "BNCLRA75E45G999M" and documento.firmatario_nome == "Laura Bianchi"


@pytest.mark.parametrize(
    ("formato", "inizio"), [("cades", b"\x30"), ("cades-pem", b"-----BEGIN PKCS7-----"), ("cades-base64", b"MI")]
)
def test_firma_cades_nei_tre_formati(client_as, formato, inizio):
    risposta = client_as("aderente2").post(URL, {"formato": formato, "file": SimpleUploadedFile("atto.pdf", c.pdf())})
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/pkcs7-mime"
    assert 'filename="atto.pdf.p7m"' in risposta["Content-Disposition"]
    assert risposta.content.startswith(inizio)
    esito = verifica_firma(risposta.content)
    assert esito.tipo == "cades" and esito.intatta and esito.attendibile
    assert esito.firmatario_cf == "NREPLA82M50G999L" and esito.contenuto == c.pdf()


def test_file_non_pdf_rifiutato_con_messaggio(client_as):
    risposta = client_as("aderente").post(URL, {"formato": "pades", "file": SimpleUploadedFile("a.pdf", c.HTML)})
    assert risposta.status_code == 400
    assert "il contenuto è una pagina HTML" in risposta.content.decode()


def test_p7m_in_pades_rifiutato_ma_cofirma_cades_ammessa(client_as):
    client = client_as("aderente")
    risposta = client.post(URL, {"formato": "pades", "file": SimpleUploadedFile("a.pdf.p7m", c.cades())})
    assert risposta.status_code == 400
    assert "è già un file firmato .p7m" in risposta.content.decode()
    risposta = client.post(URL, {"formato": "cades", "file": SimpleUploadedFile("a.pdf.p7m", c.cades())})
    assert risposta.status_code == 200
    assert verifica_firma(risposta.content).livelli == 2


def test_senza_file_o_vuoto(client_as):
    client = client_as("aderente")
    risposta = client.post(URL, {"formato": "pades"})
    assert risposta.status_code == 400 and "Seleziona il file da caricare." in risposta.content.decode()
    risposta = client.post(URL, {"formato": "pades", "file": SimpleUploadedFile("vuoto.pdf", b"")})
    assert risposta.status_code == 400 and "è vuoto" in risposta.content.decode()


def test_utente_senza_codice_fiscale(client_as):
    client = client_as("editor")
    assert "la firma di prova non è disponibile" in client.get(URL).content.decode()
    risposta = client.post(URL, {"formato": "pades", "file": SimpleUploadedFile("a.pdf", c.pdf())})
    assert risposta.status_code == 400
    assert "Il tuo profilo non ha un codice fiscale" in risposta.content.decode()


def test_certificato_della_ca_scaricabile(client_as):
    risposta = client_as("aderente").get(reverse("documenti:firma_di_prova_ca"))
    assert risposta.status_code == 200
    cert = x509.load_pem_x509_certificate(risposta.content)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_certificato_del_firmatario():
    credenziali = firma_prova.credenziali("Laura Bianchi", "bnclra75e45g999m")
    cert = credenziali.certificato
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "TINIT-BNCLRA75E45G999M"
    uso = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert uso.content_commitment and uso.digital_signature and not uso.key_cert_sign
    ca = x509.load_pem_x509_certificate(credenziali.ca_pem)
    assert cert.issuer == ca.subject
    cert.verify_directly_issued_by(ca)
    assert cert.not_valid_after_utc > datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=300)
    # Cached: the same files are returned the second time.
    assert firma_prova.credenziali("Laura Bianchi", "BNCLRA75E45G999M") == credenziali


def test_ca_estranea_diversa_e_non_nelle_radici_di_default():
    assert firma_prova.ca_pem("estranea") != firma_prova.ca_pem("prova")
    assert conf.trust_roots_paths() == [firma_prova.percorso_ca("prova")]
    with override_settings(SCT_SIMULATED_SPID=False):
        assert conf.trust_roots_paths() == []


def test_autorita_sconosciuta():
    with pytest.raises(ValueError):
        firma_prova.percorso_ca("inventata")


def test_collegamento_nell_area_riservata(client_as):
    client = client_as("aderente")
    assert URL in client.get(reverse("area_riservata")).content.decode()
    with override_settings(SCT_SIMULATED_SPID=False):
        assert URL not in client.get(reverse("area_riservata")).content.decode()


def test_referrer_policy_lascia_l_origine_ai_post_della_pagina(client_as):
    """With "no-referrer" Chromium sent "Origin: null" on the page's own POST and the CSRF check refused
    every signature (issue 13): the page and its answers say "same-origin" (nothing to other sites)."""
    client = client_as("aderente")
    assert client.get(URL)["Referrer-Policy"] == "same-origin"
    assert client.post(URL, {"formato": "pades"})["Referrer-Policy"] == "same-origin"  # 400, the form again
    firmato = client.post(URL, {"formato": "pades", "file": SimpleUploadedFile("a.pdf", c.pdf())})
    assert firmato.status_code == 200 and firmato["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("username", "cf", "nome"),
    [
        ("aderente", "BNCLRA75E45G999M", "Laura Bianchi"),
        ("aderente2", "NREPLA82M50G999L", "Paola Neri"),
        ("oe", "SPSLGO78M52G999H", "Olga Esposito"),
    ],
)
def test_utenti_dimostrativi_firmano(client_as, username, cf, nome):
    client = client_as(username)
    area = client.get(reverse("area_riservata")).content.decode()
    assert URL in area and "Il tuo profilo non ha un codice fiscale" not in area
    risposta = client.post(URL, {"formato": "pades", "file": SimpleUploadedFile("doc.pdf", c.pdf())})
    assert risposta.status_code == 200
    esito = verifica_firma(risposta.content)
    assert esito.intatta and esito.attendibile and esito.firmatario_cf == cf and esito.firmatario_nome == nome


def test_area_riservata_senza_codice_fiscale_spiega_invece_del_collegamento(client_as):
    area = client_as("editor").get(reverse("area_riservata")).content.decode()
    assert "Il tuo profilo non ha un codice fiscale, quindi la firma di prova non è disponibile" in area
    assert "Chiedi all&#x27;amministratore del Negozio Elettronico di inserirlo nel tuo profilo." in area
    assert f'href="{URL}"' not in area
