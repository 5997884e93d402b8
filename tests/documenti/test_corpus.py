"""The upload corpus: every bad file gets a clear Italian message and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from documenti.validazione import FileNonValido, valida_e_salva

from . import campioni as c

# (id, file name, content factory, firma_richiesta, expected code, fragment of the message)
CORPUS = [
    ("html-come-pdf", "offerta.pdf", lambda: c.HTML, False, "html", "il contenuto è una pagina HTML"),
    ("html-come-p7m", "offerta.pdf.p7m", lambda: c.HTML, True, "html", "non è un PDF"),
    ("svg-come-pdf", "logo.pdf", lambda: c.SVG, False, "html", "pagina HTML"),
    ("poliglotta-html-pdf", "doc.pdf", lambda: c.POLIGLOTTA, False, "html", "pagina HTML"),
    ("zip-come-pdf", "documento.pdf", c.zip_con_pdf, False, "archivio", "gli archivi non sono ammessi"),
    ("zip-come-p7m", "documento.pdf.p7m", c.zip_con_pdf, True, "archivio", "archivio compresso (ZIP)"),
    ("gzip-come-pdf", "documento.pdf", c.gzip_pdf, False, "archivio", "(GZIP)"),
    ("tar-come-pdf", "documento.pdf", c.tar_con_pdf, False, "archivio", "(TAR)"),
    ("7z-come-pdf", "documento.pdf", lambda: c.SETTE_Z, False, "archivio", "(7-Zip)"),
    ("rar-come-p7m", "documento.p7m", lambda: c.RAR, False, "archivio", "(RAR)"),
    ("docx-come-pdf", "relazione.pdf", c.docx, False, "tipo_non_ammesso", "documento Word"),
    ("png-come-pdf", "scansione.pdf", lambda: c.PNG, False, "tipo_non_ammesso", "un'immagine (PNG)"),
    ("jpeg-come-p7m", "foto.p7m", lambda: c.JPEG, False, "tipo_non_ammesso", "un'immagine (JPG)"),
    ("exe-come-pdf", "fattura.pdf", lambda: c.EXE, False, "tipo_non_ammesso", "programma eseguibile"),
    ("elf-come-p7m", "fattura.p7m", lambda: c.ELF, False, "tipo_non_ammesso", "programma eseguibile"),
    (
        "testo-come-pdf",
        "nota.pdf",
        lambda: "Questo è un semplice testo.".encode(),
        False,
        "tipo_non_ammesso",
        "un file di testo",
    ),
    ("vuoto-pdf", "vuoto.pdf", lambda: b"", False, "vuoto", "è vuoto"),
    ("vuoto-p7m", "vuoto.p7m", lambda: b"", True, "vuoto", "è vuoto"),
    ("pdf-troncato", "troncato.pdf", lambda: c.pdf()[: len(c.pdf()) // 2], False, "pdf_danneggiato", "danneggiato"),
    (
        "pdf-solo-intestazione",
        "finto.pdf",
        lambda: b"%PDF-1.7\n%%EOF\n",
        False,
        "pdf_danneggiato",
        "non è un PDF valido",
    ),
    (
        "pdf-spazzatura",
        "finto.pdf",
        lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n",
        False,
        "pdf_danneggiato",
        "danneggiato",
    ),
    ("pdf-cifrato", "riservato.pdf", c.pdf_cifrato, False, "pdf_cifrato", "protetto da password"),
    ("pdf-non-firmato", "manifestazione.pdf", c.pdf, True, "non_firmato", "non risulta firmato digitalmente"),
    (
        "pades-manomesso",
        "firmato.pdf",
        c.pades_manomesso,
        True,
        "firma_non_integra",
        "non è integra: il documento è stato modificato dopo la firma",
    ),
    (
        "pades-manomesso-firma-non-richiesta",
        "firmato.pdf",
        c.pades_manomesso,
        False,
        "firma_non_integra",
        "non è integra",
    ),
    (
        "pades-modificato-dopo",
        "firmato.pdf",
        c.pades_modificato_dopo_la_firma,
        True,
        "firma_modificata",
        "modificato dopo l'apposizione della firma",
    ),
    ("p7m-payload-cambiato", "firmato.pdf.p7m", c.p7m_payload_cambiato, True, "firma_non_integra", "non è integra"),
    ("p7m-firma-alterata", "firmato.pdf.p7m", c.p7m_firma_alterata, True, "firma_non_integra", "non è integra"),
    (
        "p7m-annidato-5",
        "firmato.pdf.p7m.p7m.p7m.p7m.p7m",
        lambda: c.annidato(5),
        True,
        "p7m_annidamento",
        "più di 3 buste di firma",
    ),
    ("p7m-annidato-4", "firmato.pdf.p7m", lambda: c.annidato(4), True, "p7m_annidamento", "più di 3"),
    ("p7m-staccato", "firma.p7m", c.p7m_staccato, True, "p7m_staccato", "contiene solo la firma"),
    ("p7m-di-html", "firmato.pdf.p7m", lambda: c.p7m_di(c.HTML), True, "p7m_contenuto", "non è un PDF"),
    ("p7m-di-zip", "firmato.pdf.p7m", lambda: c.p7m_di(c.zip_con_pdf()), True, "p7m_contenuto", "archivio compresso"),
    (
        "p7m-di-pdf-troncato",
        "firmato.pdf.p7m",
        lambda: c.p7m_di(c.pdf()[:300]),
        True,
        "pdf_danneggiato",
        "Il documento contenuto nel file firmato",
    ),
    ("p7m-troncato", "firmato.pdf.p7m", lambda: c.cades()[:-200], True, "p7m_non_valido", "non è una busta di firma"),
    ("p7m-pem-rotto", "firmato.pdf.p7m", c.pem_rotto, True, "p7m_non_valido", "non è una busta di firma"),
    ("cms-non-firma", "firmato.pdf.p7m", c.cms_non_signed_data, True, "p7m_non_valido", "non è una busta di firma"),
    (
        "base64-non-cms",
        "firmato.p7m",
        lambda: b"UXVlc3RvIG5vbiDDqCB1biBwN20=\n",
        True,
        "tipo_non_ammesso",
        "non è un documento ammesso",
    ),
]

NOMI_CATTIVI = [
    ("traversal", "../../etc/passwd.pdf", "percorsi di cartelle"),
    ("traversal-windows", "..\\..\\windows\\system32.pdf", "percorsi di cartelle"),
    ("assoluto", "/etc/passwd.pdf", "percorsi di cartelle"),
    ("nul", "documento\x00.exe.pdf", "caratteri non ammessi"),
    ("a-capo", "documento\r\nContent-Type: text/html.pdf", "caratteri non ammessi"),
    ("rtlo", "fattura\u202efdp.exe", "caratteri non ammessi"),
    ("lunghissimo", "a" * 300 + ".pdf", "troppo lungo"),
    ("punti", "..", "percorsi di cartelle"),
]


def _ids(lista):
    return [voce[0] for voce in lista]


@pytest.mark.parametrize(
    ("nome", "fabbrica", "firma", "codice", "frammento"), [v[1:] for v in CORPUS], ids=_ids(CORPUS)
)
def test_file_cattivo_rifiutato_e_nulla_salvato(demo, conta_archivio, nome, fabbrica, firma, codice, frammento):
    prima = conta_archivio()
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(SimpleUploadedFile(nome, fabbrica()), utente=demo.user("aderente"), firma_richiesta=firma)
    messaggio = info.value.messages[0]
    assert info.value.code == codice, messaggio
    assert frammento in messaggio
    assert f"«{nome}»" in messaggio
    assert conta_archivio() == prima


@pytest.mark.parametrize(("nome", "frammento"), [v[1:] for v in NOMI_CATTIVI], ids=_ids(NOMI_CATTIVI))
def test_nome_cattivo_rifiutato(demo, conta_archivio, nome, frammento):
    prima = conta_archivio()
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(c.NomeGrezzo(c.pades(), nome), utente=demo.user("aderente"), firma_richiesta=True)
    assert info.value.code == "nome_non_valido"
    messaggio = info.value.messages[0]
    assert frammento in messaggio
    # The bad name is never echoed back.
    assert "\x00" not in messaggio and "\u202e" not in messaggio and "passwd" not in messaggio
    assert conta_archivio() == prima


def test_file_troppo_grande_con_limite_esplicito(demo, conta_archivio):
    prima = conta_archivio()
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(SimpleUploadedFile("grande.pdf", c.pades()), utente=None, firma_richiesta=False, max_bytes=1024)
    assert info.value.code == "troppo_grande"
    assert info.value.messages[0] == "Il file «grande.pdf» supera la dimensione massima consentita di 1 KB."
    assert conta_archivio() == prima


@override_settings(SCT_MAX_UPLOAD_BYTES=2 * 1024 * 1024)
def test_file_troppo_grande_col_limite_delle_impostazioni(demo, conta_archivio):
    prima = conta_archivio()
    enorme = c.pdf()[:-6] + b" " * (2 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(SimpleUploadedFile("enorme.pdf", enorme), utente=None, firma_richiesta=False)
    assert info.value.code == "troppo_grande"
    assert "2 MB" in info.value.messages[0]
    assert conta_archivio() == prima


def test_file_troppo_grande_senza_dimensione_dichiarata_letto_solo_fino_al_limite(demo, conta_archivio):
    """A stream that does not declare its size is read only up to the limit (+1 block)."""

    class Flusso:
        name = "flusso.pdf"
        letti = 0

        def read(self, n=-1):
            Flusso.letti += n
            return b"%PDF-" + b"x" * (n - 5)

    prima = conta_archivio()
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(Flusso(), utente=None, firma_richiesta=False, max_bytes=200_000)
    assert info.value.code == "troppo_grande"
    assert Flusso.letti <= 200_000 + 64 * 1024
    assert conta_archivio() == prima


def test_il_corpus_ha_almeno_30_file_cattivi():
    assert len(CORPUS) + len(NOMI_CATTIVI) + 3 >= 30
    assert len({voce[0] for voce in CORPUS}) == len(CORPUS)


@override_settings(SCT_FIRMA_RICHIEDI_ATTENDIBILE=True)
@pytest.mark.parametrize(
    "fabbrica", [lambda: c.pades("estranea"), lambda: c.cades("der", "estranea")], ids=["pades", "cades"]
)
def test_firma_non_attendibile_rifiutata_se_richiesta_attendibile(demo, conta_archivio, fabbrica):
    prima = conta_archivio()
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(SimpleUploadedFile("firmato.pdf", fabbrica()), utente=None, firma_richiesta=True)
    assert info.value.code == "firma_non_attendibile"
    messaggio = info.value.messages[0]
    assert "non è rilasciato da un'autorità di certificazione riconosciuta" in messaggio
    assert "Laura Bianchi (certificato rilasciato da CA estranea di prova - NON ATTENDIBILE)" in messaggio
    assert conta_archivio() == prima


@override_settings(SCT_FIRMA_TRUST_ROOTS=[])
def test_senza_radici_configurate_nessuna_firma_e_attendibile(demo):
    documento = valida_e_salva(SimpleUploadedFile("f.pdf", c.pades()), utente=None, firma_richiesta=True)
    assert documento.firmato and not documento.firma_attendibile
