"""Revocation and trusted lists: a local CA with an OCSP responder and a CRL over loopback HTTP."""

import datetime

import pytest
from django.test import override_settings

from documenti import firme
from documenti.firma_prova import pdf_di_prova
from documenti.validazione import FileNonValido, verifica_firma

from .pki_locale import ADESSO, PkiLocale, firma_cades, firma_pades, porta_chiusa


@pytest.fixture(scope="module")
def pki():
    pki = PkiLocale.crea().avvia()
    yield pki
    pki.ferma()


@pytest.fixture
def fiducia(pki, tmp_path):
    """The test CA as the only trust root (no demo CA), fetching on."""
    with override_settings(
        SCT_FIRMA_TRUST_ROOTS=[str(pki.scrivi_ca(tmp_path))],
        SCT_FIRMA_TRUSTED_LIST="",
        SCT_FIRMA_REVOCA_ONLINE=True,
        SCT_FIRMA_REVOCA_TIMEOUT=3,
    ):
        yield pki


def test_certificato_valido_revoca_verificata(fiducia):
    firmatario = fiducia.firmatario("Mario Rossi", "RSSMRA80A01H501U")
    esito = verifica_firma(firma_pades(pdf_di_prova(), firmatario, fiducia.ca))
    assert esito.intatta and esito.attendibile, esito
    assert esito.firmatari[0].revoca == firme.REVOCA_VERIFICATA
    assert esito.revoca == firme.REVOCA_VERIFICATA
    assert any(r == "POST /ocsp" for r in fiducia.richieste)


def test_certificato_revocato_rifiutato(fiducia):
    firmatario = fiducia.firmatario("Luca Bianchi", "BNCLCU80A01D612X")
    fiducia.revoca(firmatario, ADESSO - datetime.timedelta(hours=1))
    firmato = firma_pades(pdf_di_prova(), firmatario, fiducia.ca)
    esito = verifica_firma(firmato)
    assert esito.intatta and not esito.attendibile
    assert esito.problema == firme.REVOCATO
    assert "revocato il" in esito.firmatari[0].nota
    with pytest.raises(FileNonValido) as errore:
        firme.controlla_certificato(esito, "atto.pdf")
    assert errore.value.code == firme.REVOCATO
    assert "revocato" in errore.value.messages[0] and "Luca Bianchi" in errore.value.messages[0]


def test_certificato_scaduto_alla_firma_rifiutato(fiducia):
    firmatario = fiducia.firmatario(
        "Anna Verdi",
        "VRDNNA80A41D612Y",
        dal=ADESSO - datetime.timedelta(days=60),
        al=ADESSO - datetime.timedelta(days=2),
    )
    esito = verifica_firma(firma_pades(pdf_di_prova(), firmatario, fiducia.ca))
    assert esito.intatta and not esito.attendibile
    assert esito.problema == firme.SCADUTO
    with pytest.raises(FileNonValido) as errore:
        firme.controlla_certificato(esito, "atto.pdf")
    assert errore.value.code == firme.SCADUTO and "scaduto" in errore.value.messages[0]


def test_firma_con_marca_anteriore_alla_revoca_accettata(fiducia):
    firmatario = fiducia.firmatario("Paola Neri", "NREPLA80A41D612Z")
    firmato = firma_pades(
        pdf_di_prova(), firmatario, fiducia.ca, tsa=fiducia.tsa(), marca_il=ADESSO - datetime.timedelta(days=2)
    )
    fiducia.revoca(firmatario, ADESSO - datetime.timedelta(days=1))
    esito = verifica_firma(firmato)
    assert esito.intatta and esito.attendibile, esito
    assert esito.problema == ""
    assert esito.firmatari[0].revoca == firme.REVOCA_VERIFICATA
    assert "marca temporale" in esito.firmatari[0].nota and "revocato il" in esito.firmatari[0].nota


def test_firma_con_marca_successiva_alla_revoca_rifiutata(fiducia):
    firmatario = fiducia.firmatario("Piero Gialli", "GLLPRI80A01D612K")
    firmato = firma_pades(
        pdf_di_prova(), firmatario, fiducia.ca, tsa=fiducia.tsa(), marca_il=ADESSO - datetime.timedelta(hours=1)
    )
    fiducia.revoca(firmatario, ADESSO - datetime.timedelta(days=1))
    esito = verifica_firma(firmato)
    assert not esito.attendibile and esito.problema == firme.REVOCATO


def test_responder_irraggiungibile_revoca_non_verificabile(fiducia):
    firmatario = fiducia.firmatario("Sara Blu", "BLUSRA80A41D612W", base_url=porta_chiusa())
    esito = verifica_firma(firma_pades(pdf_di_prova(), firmatario, fiducia.ca))
    assert esito.intatta and esito.attendibile
    assert esito.firmatari[0].revoca == firme.REVOCA_NON_VERIFICABILE
    assert esito.revoca == firme.REVOCA_NON_VERIFICABILE
    assert "hanno risposto" in esito.firmatari[0].nota


def test_cades_revocato_rifiutato(fiducia):
    firmatario = fiducia.firmatario("Carla Viola", "VLICRL80A41D612T")
    fiducia.revoca(firmatario, ADESSO - datetime.timedelta(hours=1))
    esito = verifica_firma(firma_cades(pdf_di_prova(), firmatario, fiducia.ca))
    assert esito.problema == firme.REVOCATO and not esito.attendibile


def test_cades_con_marca_anteriore_alla_revoca_accettata(fiducia):
    firmatario = fiducia.firmatario("Carla Marcata", "MRCCRL80A41D612T")
    firmato = firma_cades(
        pdf_di_prova(), firmatario, fiducia.ca, tsa=fiducia.tsa(), marca_il=ADESSO - datetime.timedelta(days=2)
    )
    fiducia.revoca(firmatario, ADESSO - datetime.timedelta(days=1))
    esito = verifica_firma(firmato)
    assert esito.attendibile and esito.problema == "", esito
    assert "marca temporale" in esito.firmatari[0].nota


def test_cades_responder_irraggiungibile(fiducia):
    firmatario = fiducia.firmatario("Carlo Rosa", "RSOCRL80A01D612T", base_url=porta_chiusa())
    esito = verifica_firma(firma_cades(pdf_di_prova(), firmatario, fiducia.ca))
    assert esito.attendibile and esito.revoca == firme.REVOCA_NON_VERIFICABILE


def test_senza_ricerca_online_revoca_non_verificabile(fiducia):
    firmatario = fiducia.firmatario("Elena Oro", "OROLNE80A41D612P")
    with override_settings(SCT_FIRMA_REVOCA_ONLINE=False):
        esito = verifica_firma(firma_pades(pdf_di_prova(), firmatario, fiducia.ca))
    assert esito.attendibile and esito.revoca == firme.REVOCA_NON_VERIFICABILE


def test_certificato_senza_servizi_di_revoca_in_produzione(fiducia):
    firmatario = fiducia.firmatario("Ugo Senza", "SNZUGO80A01D612Q", revoca=False)
    esito = verifica_firma(firma_pades(pdf_di_prova(), firmatario, fiducia.ca))
    assert esito.attendibile and esito.revoca == firme.REVOCA_NON_VERIFICABILE
    assert "non indica" in esito.firmatari[0].nota


# ---------------------------------------------------------------------------- trusted list

_TL = """<?xml version="1.0" encoding="UTF-8"?>
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" TSLTag="http://uri.etsi.org/19612/TSLTag">
 <tsl:SchemeInformation><tsl:SchemeTerritory>IT</tsl:SchemeTerritory></tsl:SchemeInformation>
 <tsl:TrustServiceProviderList><tsl:TrustServiceProvider>
  <tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang="it">Certificatore di prova</tsl:Name></tsl:TSPName></tsl:TSPInformation>
  <tsl:TSPServices><tsl:TSPService><tsl:ServiceInformation>
   <tsl:ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</tsl:ServiceTypeIdentifier>
   <tsl:ServiceName><tsl:Name xml:lang="it">CA qualificata di prova</tsl:Name></tsl:ServiceName>
   <tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>{cert}</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>
   <tsl:ServiceStatus>{stato}</tsl:ServiceStatus>
  </tsl:ServiceInformation></tsl:TSPService></tsl:TSPServices>
 </tsl:TrustServiceProvider></tsl:TrustServiceProviderList>
</tsl:TrustServiceStatusList>
"""
_CONCESSO = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
_REVOCATO = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn"


def _tl(pki, stato=_CONCESSO) -> bytes:
    import base64

    from cryptography.hazmat.primitives import serialization

    der = pki.ca.cert.public_bytes(serialization.Encoding.DER)
    return _TL.format(cert=base64.b64encode(der).decode(), stato=stato).encode()


@pytest.fixture
def solo_trusted_list(pki, tmp_path):
    """No PEM roots, no demo CA: trust comes only from the trusted list."""
    with override_settings(SCT_FIRMA_TRUST_ROOTS=[], SCT_FIRMA_TRUSTED_LIST_DIR=str(tmp_path / "cache")):
        yield tmp_path


def _firmato(pki, cf="TLSMRA80A01H501U"):
    return firma_pades(pdf_di_prova(), pki.firmatario("Maria Lista", cf), pki.ca)


def test_trusted_list_da_file_servizio_concesso(pki, solo_trusted_list):
    lista = solo_trusted_list / "TSL-IT.xml"
    lista.write_bytes(_tl(pki))
    with override_settings(SCT_FIRMA_TRUSTED_LIST=str(lista)):
        esito = verifica_firma(_firmato(pki))
    assert esito.attendibile and esito.revoca == firme.REVOCA_VERIFICATA


def test_trusted_list_servizio_cessato_non_attendibile(pki, solo_trusted_list):
    lista = solo_trusted_list / "TSL-IT.xml"
    lista.write_bytes(_tl(pki, _REVOCATO))
    with override_settings(SCT_FIRMA_TRUSTED_LIST=str(lista)):
        esito = verifica_firma(_firmato(pki))
    assert esito.intatta and not esito.attendibile and esito.revoca == ""


def test_trusted_list_pem_bundle(pki, solo_trusted_list):
    lista = solo_trusted_list / "radici.pem"
    lista.write_bytes(pki.ca.cert_pem)
    with override_settings(SCT_FIRMA_TRUSTED_LIST=str(lista)):
        assert verifica_firma(_firmato(pki)).attendibile


def test_trusted_list_scaricata_una_volta_e_tenuta_se_il_sito_non_risponde(pki, solo_trusted_list):
    pki.file_serviti["/TSL-IT.xml"] = _tl(pki)
    url = f"{pki.base_url}/TSL-IT.xml"
    with override_settings(SCT_FIRMA_TRUSTED_LIST=url):
        assert verifica_firma(_firmato(pki)).attendibile
        assert verifica_firma(_firmato(pki)).attendibile
        assert pki.richieste.count("GET /TSL-IT.xml") == 1  # cached for SCT_FIRMA_TRUSTED_LIST_MAX_ETA
        del pki.file_serviti["/TSL-IT.xml"]  # now the site answers 404
        with override_settings(SCT_FIRMA_TRUSTED_LIST_MAX_ETA=0):
            assert verifica_firma(_firmato(pki)).attendibile  # the previous copy is kept
        assert pki.richieste.count("GET /TSL-IT.xml") == 2


def test_trusted_list_irraggiungibile_senza_copia_nessuna_radice(pki, solo_trusted_list):
    with override_settings(SCT_FIRMA_TRUSTED_LIST=f"{porta_chiusa()}/TSL-IT.xml"):
        assert not verifica_firma(_firmato(pki)).attendibile


def test_trusted_list_predefinita_solo_in_produzione():
    from documenti import conf

    with override_settings(SCT_ENVIRONMENT="production"):
        assert conf.trusted_list() == conf.TRUSTED_LIST_AGID
    with override_settings(SCT_ENVIRONMENT="production", SCT_FIRMA_TRUSTED_LIST=""):
        assert conf.trusted_list() == ""
    assert conf.trusted_list() == ""  # tests and demo: none


# ---------------------------------------------------------------------------- demo CA


def test_ca_di_prova_in_demo_accettata_con_nota():
    from documenti.firma_prova import firma_pades as firma_demo

    esito = verifica_firma(firma_demo(pdf_di_prova(), nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M"))
    assert esito.attendibile and esito.revoca == firme.REVOCA_NON_PREVISTA
    assert esito.firmatari[0].nota == firme.ETICHETTE_REVOCA[firme.REVOCA_NON_PREVISTA]


def test_ca_di_prova_fuori_demo_revoca_non_verificabile():
    from documenti import conf
    from documenti.firma_prova import firma_pades as firma_demo

    firmato = firma_demo(pdf_di_prova(), nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M")
    with override_settings(SCT_SIMULATED_SPID=False, SCT_FIRMA_TRUST_ROOTS=[str(conf.percorso_ca_di_prova())]):
        esito = verifica_firma(firmato)
    assert esito.attendibile and esito.revoca == firme.REVOCA_NON_VERIFICABILE


# ---------------------------------------------------------------------------- stored and shown


@pytest.mark.django_db
def test_revoca_non_verificabile_salvata_e_mostrata(fiducia):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.template.loader import render_to_string

    from documenti.validazione import valida_e_salva

    firmatario = fiducia.firmatario("Sara Blu", "BLUSRA80A41D612W", base_url=porta_chiusa())
    firmato = firma_pades(pdf_di_prova(), firmatario, fiducia.ca)
    documento = valida_e_salva(
        SimpleUploadedFile("atto.pdf", firmato, "application/pdf"), utente=None, firma_richiesta=True
    )
    documento.refresh_from_db()
    assert documento.firma_attendibile and documento.revoca_non_verificabile
    assert documento.firmatari[0]["revoca"] == firme.REVOCA_NON_VERIFICABILE
    voce = {"etichetta": "Atto", "url": "/x", "documento": documento}
    for modello in ("contratti/admin/riepilogo_ordinativo.html", "contratti/admin/riepilogo_adesione.html"):
        html = render_to_string(modello, {"documenti": [voce], "a": None, "o": None})
        assert "revoca non verificabile" in html, modello
        assert "certificato non attendibile" not in html


@pytest.mark.django_db
def test_revocato_rifiutato_al_caricamento_anche_senza_firma_richiesta(fiducia):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documenti.models import DocumentoPrivato
    from documenti.validazione import valida_e_salva

    firmatario = fiducia.firmatario("Luca Bianchi", "BNCLCU80A01D612X")
    fiducia.revoca(firmatario, ADESSO - datetime.timedelta(hours=1))
    firmato = firma_pades(pdf_di_prova(), firmatario, fiducia.ca)
    prima = DocumentoPrivato.objects.count()
    with pytest.raises(FileNonValido) as errore:
        valida_e_salva(SimpleUploadedFile("atto.pdf", firmato, "application/pdf"), utente=None, firma_richiesta=False)
    assert errore.value.code == firme.REVOCATO
    assert DocumentoPrivato.objects.count() == prima


def test_documento_generato_firmato_con_certificato_revocato_rifiutato(fiducia):
    from documenti.validazione import verifica_documento_generato

    firmatario = fiducia.firmatario("Luca Bianchi", "BNCLCU80A01D612X")
    fiducia.revoca(firmatario, ADESSO - datetime.timedelta(hours=1))
    generato = pdf_di_prova("Scheda di sintesi")
    with pytest.raises(FileNonValido) as errore:
        verifica_documento_generato(generato, firma_pades(generato, firmatario, fiducia.ca), nome="scheda.pdf")
    assert errore.value.code == firme.REVOCATO


def test_comando_aggiorna_trusted_list(pki, solo_trusted_list):
    import io

    from django.core.management import call_command

    pki.file_serviti["/TL-comando.xml"] = _tl(pki)
    uscita = io.StringIO()
    with override_settings(SCT_FIRMA_TRUSTED_LIST=f"{pki.base_url}/TL-comando.xml"):
        call_command("aggiorna_trusted_list", stdout=uscita)
        call_command("aggiorna_trusted_list", stdout=uscita)
    assert "1 certificati" in uscita.getvalue()
    assert pki.richieste.count("GET /TL-comando.xml") == 2  # forced, not from the cache
