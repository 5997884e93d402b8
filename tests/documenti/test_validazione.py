"""Good files are accepted and stored with the right metadata; the record is immutable."""

import hashlib
import re
import unicodedata

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from audit.services import voci_per
from documenti.models import DocumentoImmutabile, DocumentoPrivato
from documenti.validazione import FileNonValido, salva, valida, valida_e_salva, verifica_firma

from . import campioni as c

NOME_CASUALE = re.compile(r"^documenti/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|p7m)$")


def _carica(nome, data, *, firma=True, utente=None):
    return valida_e_salva(SimpleUploadedFile(nome, data), utente=utente, firma_richiesta=firma)


def test_pdf_semplice_accettato_se_la_firma_non_e_richiesta(demo):
    utente = demo.user("aderente")
    documento = _carica("Piano dei fabbisogni.pdf", c.pdf(), firma=False, utente=utente)
    assert documento.tipo == "pdf" and not documento.firmato and documento.firma_tipo == ""
    assert documento.nome_originale == "Piano dei fabbisogni.pdf"
    assert documento.dimensione == len(c.pdf())
    assert documento.sha256 == hashlib.sha256(c.pdf()).hexdigest() == documento.contenuto_sha256
    assert documento.caricato_da == utente
    assert NOME_CASUALE.match(documento.file.name), documento.file.name
    with documento.file.open("rb") as fh:
        assert fh.read() == c.pdf()
    assert (settings.PRIVATE_STORAGE_ROOT / documento.file.name).is_file()
    assert voci_per(documento).filter(azione="documento.caricato").count() == 1


def test_pades_attendibile_con_firmatario_e_codice_fiscale(demo):
    documento = _carica("manifestazione.pdf", c.pades())
    assert documento.firmato and documento.firma_tipo == "pades" and documento.firma_attendibile
    assert documento.firmatario_nome == "Laura Bianchi"
    assert documento.firmatario_cf == "BNCLRA75E45G999M"
    assert documento.firma_verificata_il is not None
    assert documento.firmato_da("bnclra75e45g999m") and not documento.firmato_da("RSSMRA80A01D612Y")
    assert documento.contenuto_sha256 == documento.sha256


@pytest.mark.parametrize("formato", ["der", "pem", "base64"])
def test_cades_der_pem_base64_accettati(demo, formato):
    documento = _carica("manifestazione.pdf.p7m", c.cades(formato))
    assert documento.tipo == "p7m" and documento.firma_tipo == "cades"
    assert documento.firmato and documento.firma_attendibile
    assert documento.firmatario_cf == "BNCLRA75E45G999M"
    assert documento.contenuto_sha256 == hashlib.sha256(c.pdf()).hexdigest()
    assert documento.sha256 == hashlib.sha256(c.cades(formato)).hexdigest()
    assert documento.file.name.endswith(".p7m")


def test_cades_annidato_tre_livelli_accettato(demo):
    documento = _carica("doc.pdf.p7m.p7m.p7m", c.annidato(3))
    assert documento.firmato and documento.contenuto_sha256 == hashlib.sha256(c.pdf()).hexdigest()
    assert len(documento.firmatari) == 3
    assert [f["livello"] for f in documento.firmatari] == [1, 2, 3]


def test_firma_non_attendibile_accettata_e_segnata(demo):
    documento = _carica("firmato.pdf", c.pades("estranea"))
    assert documento.firmato and not documento.firma_attendibile
    assert documento.firmatari[0]["emittente"] == "CA estranea di prova - NON ATTENDIBILE"
    documento = _carica("firmato.pdf.p7m", c.cades("der", "estranea"))
    assert documento.firmato and not documento.firma_attendibile


def test_cofirma_pades_due_firme_valide(demo):
    cofirmato = c.firma_prova.firma_pades(c.pades(), **c.MARCO)
    documento = _carica("cofirmato.pdf", cofirmato)
    assert documento.firmato and documento.firma_attendibile
    assert [f["codice_fiscale"] for f in documento.firmatari] == ["BNCLRA75E45G999M", "RSSMRA80A01D612Y"]
    assert documento.firmato_da("RSSMRA80A01D612Y")


def test_cofirma_cades_con_un_firmatario_non_attendibile(demo):
    esito = verifica_firma(c.p7m_cofirmato())
    assert esito.tipo == "cades" and esito.intatta and not esito.attendibile
    assert {f.codice_fiscale for f in esito.firmatari} == {"BNCLRA75E45G999M", "RSSMRA80A01D612Y"}
    assert esito.contenuto == c.pdf()


def test_verifica_firma_esiti(demo):
    assert verifica_firma(c.pdf()).tipo == "" and verifica_firma(c.pdf()).problema == "non_firmato"
    manomesso = verifica_firma(c.pades_manomesso())
    assert manomesso.tipo == "pades" and not manomesso.intatta and manomesso.problema == "firma_non_integra"
    modificato = verifica_firma(c.pades_modificato_dopo_la_firma())
    assert not modificato.intatta and modificato.problema == "firma_modificata"
    with pytest.raises(FileNonValido):
        verifica_firma(c.HTML)


@pytest.mark.parametrize(
    ("nome", "atteso"),
    [
        ("Délibera n°12 – città.pdf", "Délibera n°12 – città.pdf"),
        (unicodedata.normalize("NFD", "Délibera città.pdf"), "Délibera città.pdf"),  # NFD → NFC
        ("  spazi   multipli  .pdf", "spazi multipli .pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        (".nascosto.pdf", "nascosto.pdf"),
        ("senza estensione", "senza estensione.pdf"),
        ("programma.exe", "programma.exe.pdf"),
        ("documento.p7m", "documento.pdf"),  # a PDF named .p7m
        ("", "documento.pdf"),
    ],
)
def test_nome_visualizzato_sanificato(demo, nome, atteso):
    documento = valida_e_salva(c.NomeGrezzo(c.pdf(), nome), utente=None, firma_richiesta=False)
    assert documento.nome_originale == atteso
    assert NOME_CASUALE.match(documento.file.name)


def test_nome_p7m_con_estensione_giusta(demo):
    assert _carica("manifestazione.pdf", c.cades()).nome_originale == "manifestazione.pdf.p7m"
    assert _carica("manifestazione", c.cades()).nome_originale == "manifestazione.pdf.p7m"


def test_nome_lungo_esattamente_255_accettato(demo):
    nome = "b" * 251 + ".pdf"
    assert _carica(nome, c.pdf(), firma=False).nome_originale == nome


def test_valida_non_scrive_nulla_e_salva_scrive(demo, conta_archivio):
    prima = conta_archivio()
    validati = [
        valida(SimpleUploadedFile(n, d), firma_richiesta=True) for n, d in (("a.pdf", c.pades()), ("b.p7m", c.cades()))
    ]
    assert conta_archivio() == prima
    documenti = [salva(v, utente=demo.user("aderente")) for v in validati]
    assert conta_archivio() == (prima[0] + 2, prima[1] + 2)
    assert [d.tipo for d in documenti] == ["pdf", "p7m"]


def test_documento_immutabile(demo):
    documento = _carica("a.pdf", c.pades())
    documento.sha256 = "0" * 64
    with pytest.raises(DocumentoImmutabile):
        documento.save()
    documento.refresh_from_db()
    documento.file.name = "documenti/altro.pdf"
    with pytest.raises(DocumentoImmutabile):
        documento.save()
    with pytest.raises(DocumentoImmutabile):
        DocumentoPrivato.objects.filter(pk=documento.pk).update(nome_originale="altro.pdf")
    documento.refresh_from_db()
    assert documento.nome_originale == "a.pdf"
    # The signature fields may be refreshed (re-verification with a new trust list).
    DocumentoPrivato.objects.filter(pk=documento.pk).update(firma_attendibile=False)
    documento.refresh_from_db()
    documento.firma_attendibile = True
    documento.save()
    assert DocumentoPrivato.objects.get(pk=documento.pk).firma_attendibile


def test_riverifica_con_nuove_radici(demo):
    from documenti.validazione import riverifica_firma

    documento = _carica("a.pdf", c.pades())
    assert documento.firma_attendibile
    with override_settings(SCT_FIRMA_TRUST_ROOTS=[]):
        riverifica_firma(documento)
    documento.refresh_from_db()
    assert documento.firmato and not documento.firma_attendibile


def test_override_dello_storage_privato_rispettato(demo, tmp_path):
    storages = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    with override_settings(STORAGES=storages):
        documento = _carica("a.pdf", c.pades())
        assert (tmp_path / documento.file.name).is_file()
    assert not (settings.PRIVATE_STORAGE_ROOT / documento.file.name).exists()


def test_errore_nel_salvataggio_del_record_non_lascia_file(demo, conta_archivio):
    """If the record cannot be written after the bytes were stored, the bytes are removed again."""
    from django.contrib.auth import get_user_model

    prima = conta_archivio()
    validato = valida(SimpleUploadedFile("a.pdf", c.pades()), firma_richiesta=True)
    fantasma = get_user_model()(username="fantasma")  # never saved: the FK makes save() fail
    with pytest.raises(ValueError):
        salva(validato, utente=fantasma)
    assert conta_archivio() == prima


def test_radici_e_politica_dalle_variabili_d_ambiente(demo, monkeypatch, tmp_path):
    from documenti import conf

    monkeypatch.setenv("SCT_FIRMA_TRUST_ROOTS", "")
    monkeypatch.setenv("SCT_FIRMA_RICHIEDI_ATTENDIBILE", "1")
    assert conf.trust_roots_paths() == [] and conf.richiedi_firma_attendibile()
    with pytest.raises(FileNonValido) as info:
        _carica("a.pdf", c.pades())
    assert info.value.code == "firma_non_attendibile"
    monkeypatch.setenv("SCT_FIRMA_TRUST_ROOTS", f"{c.firma_prova.percorso_ca()}, {tmp_path / 'assente.pem'}")
    assert _carica("a.pdf", c.pades()).firma_attendibile  # a missing file is skipped (and logged)


@pytest.mark.skipif(not __import__("shutil").which("openssl"), reason="openssl non disponibile")
@pytest.mark.parametrize(
    "opzioni",
    [["-outform", "DER"], ["-outform", "DER", "-stream"], ["-outform", "PEM"], ["-outform", "SMIME"]],
    ids=["der", "ber-stream", "pem", "smime"],
)
def test_p7m_prodotto_da_openssl(demo, tmp_path, opzioni):
    """Interoperability with another signing tool: ``openssl cms -sign -cades`` (BER streaming too)."""
    import subprocess

    credenziali = c.firma_prova.credenziali(**c.LAURA)
    (tmp_path / "cert.pem").write_bytes(credenziali.cert_pem)
    (tmp_path / "key.pem").write_bytes(credenziali.key_pem)
    (tmp_path / "doc.pdf").write_bytes(c.pdf())
    subprocess.run(
        [
            "openssl",
            "cms",
            "-sign",
            "-nodetach",
            "-binary",
            "-cades",
            "-md",
            "sha256",
            "-in",
            str(tmp_path / "doc.pdf"),
            "-signer",
            str(tmp_path / "cert.pem"),
            "-inkey",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "doc.p7m"),
            *opzioni,
        ],
        check=True,
        capture_output=True,
    )
    data = (tmp_path / "doc.p7m").read_bytes()
    if opzioni[-1] == "SMIME":
        with pytest.raises(FileNonValido) as info:  # S/MIME mail text is not a .p7m file
            _carica("doc.pdf.p7m", data)
        assert info.value.code == "tipo_non_ammesso"
        return
    documento = _carica("doc.pdf.p7m", data)
    assert documento.firmato and documento.firma_attendibile and documento.firmatario_cf == "BNCLRA75E45G999M"
    assert documento.contenuto_sha256 == hashlib.sha256(c.pdf()).hexdigest()


def test_verifica_e_firma_anche_dentro_un_event_loop():
    """Under ASGI a loop runs in the thread: pyHanko's asyncio.run must then go to a worker thread."""
    import asyncio

    async def dentro():
        firmato = c.firma_prova.firma_pades(c.pdf(), **c.MARCO)
        return verifica_firma(firmato), verifica_firma(c.firma_prova.firma_cades(c.pdf(), **c.MARCO))

    pades, cades = asyncio.run(dentro())
    assert pades.intatta and pades.firmatario_cf == "RSSMRA80A01D612Y"
    assert cades.intatta and cades.contenuto == c.pdf()
