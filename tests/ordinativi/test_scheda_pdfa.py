"""The scheda di sintesi is a PDF/A-3b (fonts embedded, output intent, XMP pdfaid) and, signed as
PAdES, it still passes the check that the upload is exactly the generated document."""

import datetime
import io
import re
import uuid
from decimal import Decimal

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contratti.models import Ordinativo
from contratti.ordinativi import services
from documenti.firma_prova import firma_pades
from documenti.validazione import verifica_documento_generato

from .aiuti import RUP_FIRENZE, adesione_approvata, upload

pytestmark = pytest.mark.django_db


def _ordinativo_con_cig(demo):
    adesione = adesione_approvata(demo)
    utente = demo.user("aderente")
    dati = {
        "oggetto": "Scheda in PDF/A",
        "importo_totale": Decimal("99.99"),
        "cpv": "72000000-5",
        "codice_istat": "048017",
        "codice_nuts": "ITI14",
        "durata_mesi": 12,
        "categoria": "FS",
        "finanziamento": "A",
        "cf_rup": RUP_FIRENZE,
        "data_adesione": datetime.date(2026, 10, 1),
        "codice_appalto": f"SCT-PDFA-{uuid.uuid4().hex[:12]}",
        "tracciabilita": "mandataria",
    }
    ordinativo = services.crea(demo.sct, ente=adesione.ente, adesione=adesione, utente=utente, dati=dati)
    services.aggiungi_riga(
        ordinativo, utente=utente, descrizione="Servizio IaaS – àèìòù €", importo_unitario=Decimal("33.33"), quantita=3
    )
    codice_atto = services.richieste_atto(ordinativo)[0].codice
    services.carica_documenti(ordinativo, utente=utente, files={codice_atto: upload("atto.pdf")})
    Ordinativo.objects.filter(pk=ordinativo.pk).update(
        stato=Ordinativo.Stato.CIG_ACQUISITO,
        cig_derivato="P123456789",
        id_appalto=str(uuid.uuid4()),
    )
    ordinativo.refresh_from_db()
    return ordinativo, utente


def _descrittori(font):
    if "/FontDescriptor" in font:
        yield font["/FontDescriptor"].get_object()
    for discendente in font.get("/DescendantFonts", []):
        yield from _descrittori(discendente.get_object())


def _controlla_pdfa(pdf: bytes):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalogo = reader.trailer["/Root"]
    xmp = catalogo["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="3"|<pdfaid:part>3<', xmp), xmp
    assert re.search(r'pdfaid:conformance="B"|<pdfaid:conformance>B<', xmp), xmp
    intenti = catalogo["/OutputIntents"]
    assert intenti and intenti[0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intenti[0].get_object()
    fonts = 0
    for pagina in reader.pages:
        for font in pagina["/Resources"]["/Font"].values():
            font = font.get_object()
            descrittori = list(_descrittori(font))
            assert descrittori, font
            for d in descrittori:
                fonts += 1
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(d.keys()), f"font non incorporato: {d}"
    assert fonts


def test_scheda_sintesi_pdfa_e_firmata_resta_identica(demo):
    ordinativo, utente = _ordinativo_con_cig(demo)
    pdf = services.scheda_sintesi(ordinativo)
    _controlla_pdfa(pdf)

    firmata = firma_pades(pdf, nome="Laura Bianchi", codice_fiscale=RUP_FIRENZE)
    assert firmata[: len(pdf)] == pdf  # the signature is an incremental update
    esito = verifica_documento_generato(pdf, firmata, nome="scheda.pdf")
    assert esito.intatta and esito.firmatario_cf == RUP_FIRENZE
    _controlla_pdfa(firmata)  # the archival properties survive the signature

    ordinativo = services.carica_scheda_firmata(
        ordinativo, utente=utente, upload=SimpleUploadedFile("scheda-firmata.pdf", firmata, "application/pdf")
    )
    assert ordinativo.scheda_firmata.firmatario_cf == RUP_FIRENZE
