"""verifica_documento_generato: the signed upload must hold exactly the document the platform generated."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from documenti import firma_prova
from documenti.validazione import FileNonValido, valida_e_salva, verifica_documento_generato

from . import campioni as c


def _pades(pdf, **chi):
    return firma_prova.firma_pades(pdf, **(chi or c.LAURA))


def _cades(pdf, formato="der"):
    return firma_prova.firma_cades(pdf, formato=formato, **c.LAURA)


def _rifiutato(generato, caricato, codice):
    with pytest.raises(FileNonValido) as info:
        verifica_documento_generato(generato, caricato, nome="scheda.pdf")
    assert info.value.code == codice, info.value.messages
    return info.value.messages[0]


def test_identico_pades_accettato():
    firmato = _pades(c.scheda())
    assert firmato[: len(c.scheda())] == c.scheda()
    esito = verifica_documento_generato(c.scheda(), firmato)
    assert esito.tipo == "pades" and esito.intatta and esito.attendibile
    assert esito.firmatario_cf == "BNCLRA75E45G999M"


@pytest.mark.parametrize("formato", ["der", "pem", "base64"])
def test_identico_cades_accettato(formato):
    esito = verifica_documento_generato(c.scheda(), _cades(c.scheda(), formato))
    assert esito.tipo == "cades" and esito.intatta and esito.contenuto == c.scheda()


def test_identico_con_cofirma_pades_accettato():
    cofirmato = _pades(_pades(c.scheda()), **c.MARCO)
    esito = verifica_documento_generato(c.scheda(), cofirmato)
    assert [f.codice_fiscale for f in esito.firmatari] == ["BNCLRA75E45G999M", "RSSMRA80A01D612Y"]


def test_pdf_diverso_firmato_pades_rifiutato():
    diverso = c.pdf_semplice("Scheda di sintesi ordinativo di fornitura CIG B123456789 totale 9,99 euro", pagine=2)
    messaggio = _rifiutato(c.scheda(), _pades(diverso), "documento_diverso")
    assert "non è il documento generato dal sistema" in messaggio and "«scheda.pdf»" in messaggio


def test_pdf_diverso_firmato_cades_rifiutato():
    messaggio = _rifiutato(c.scheda(), _cades(c.pdf()), "documento_diverso")
    assert "è stato firmato un documento diverso" in messaggio


def test_generato_firmato_poi_manomesso_rifiutato():
    firmato = _pades(c.scheda())
    manomesso = c.flip(firmato, firmato.index(b"99,99") + 1)
    messaggio = _rifiutato(c.scheda(), manomesso, "firma_non_integra")
    assert "il documento è stato modificato dopo la firma" in messaggio


def test_generato_firmato_cades_poi_manomesso_rifiutato():
    firmato = _cades(c.scheda())
    _rifiutato(c.scheda(), c.flip(firmato, firmato.index(b"99,99") + 1), "firma_non_integra")


def test_generato_firmato_poi_pagina_cambiata_rifiutato():
    """An incremental update after the signature replaces the page: the prefix is intact, the content is not."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(_pades(c.scheda())), strict=False)
    pagina = w.root["/Pages"]["/Kids"][0].get_object()
    pagina["/Contents"] = w.add_object(
        generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 720 Td (totale 1 euro) Tj ET")
    )
    w.update_container(pagina)
    out = io.BytesIO()
    w.write(out)
    _rifiutato(c.scheda(), out.getvalue(), "firma_modificata")


def test_non_firmato_identico_rifiutato():
    messaggio = _rifiutato(c.scheda(), c.scheda(), "non_firmato")
    assert "non risulta firmato digitalmente" in messaggio


def test_non_firmato_diverso_rifiutato():
    _rifiutato(c.scheda(), c.pdf(), "non_firmato")


def test_riscritto_dal_programma_di_firma_rifiutato_con_spiegazione():
    riscritto = c.pdf_riscritto(c.scheda())
    assert riscritto != c.scheda()
    messaggio = _rifiutato(c.scheda(), _pades(riscritto), "documento_riscritto")
    assert "il programma di firma lo ha riscritto" in messaggio


def test_cades_di_pdf_risalvato_rifiutato_con_spiegazione():
    messaggio = _rifiutato(c.scheda(), _cades(c.pdf_riscritto(c.scheda())), "documento_riscritto")
    assert "salvato di nuovo prima della firma" in messaggio


def test_html_rifiutato():
    _rifiutato(c.scheda(), c.HTML, "html")


@override_settings(SCT_FIRMA_RICHIEDI_ATTENDIBILE=True)
def test_firma_estranea_rifiutata_se_richiesta_attendibile():
    firmato = firma_prova.firma_pades(c.scheda(), autorita="estranea", **c.LAURA)
    _rifiutato(c.scheda(), firmato, "firma_non_attendibile")


def test_firma_estranea_accettata_ma_non_attendibile():
    firmato = firma_prova.firma_pades(c.scheda(), autorita="estranea", **c.LAURA)
    esito = verifica_documento_generato(c.scheda(), firmato)
    assert esito.intatta and not esito.attendibile


def test_valida_e_salva_con_generato(demo, conta_archivio):
    prima = conta_archivio()
    with pytest.raises(FileNonValido):
        valida_e_salva(
            SimpleUploadedFile("scheda.pdf", _pades(c.pdf())), utente=None, firma_richiesta=True, generato=c.scheda()
        )
    assert conta_archivio() == prima
    documento = valida_e_salva(
        SimpleUploadedFile("scheda.pdf.p7m", _cades(c.scheda())), utente=None, firma_richiesta=True, generato=c.scheda()
    )
    assert documento.contenuto_sha256 == hashlib.sha256(c.scheda()).hexdigest()
    assert documento.firmato and documento.firma_tipo == "cades"
