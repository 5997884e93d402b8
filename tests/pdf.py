"""Small real PDFs and signed copies for tests."""

import functools
import io

from pypdf import PdfWriter


@functools.cache
def pdf_semplice(testo="documento di prova"):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": testo})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_firmato(testo="documento di prova", nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M"):
    return _firmato("pades", testo, nome, codice_fiscale, _cartella_ca())


def p7m(testo="documento di prova", nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M"):
    return _firmato("cades", testo, nome, codice_fiscale, _cartella_ca())


def _cartella_ca():
    """The signatures are kept per demo CA: tests/documenti moves the CA to a temporary folder for the rest
    of the session, and a copy signed by the other CA would then be "non attendibile"."""
    from documenti import conf  # settings are read when called: tests change them

    return str(conf.firma_prova_dir())


@functools.cache
def _firmato(formato, testo, nome, codice_fiscale, _cartella):
    from documenti.firma_prova import firma_cades, firma_pades  # settings are read when called

    firma = firma_pades if formato == "pades" else firma_cades
    return firma(pdf_semplice(testo), nome=nome, codice_fiscale=codice_fiscale)


def pdf_firmato_da(utente, testo="documento di prova"):
    """Signed by ``utente`` (a User or a demo username), with the name and codice fiscale of the profile:
    a person registered for their ente or operatore economico, entitled to sign for it."""
    if isinstance(utente, str):
        from django.contrib.auth import get_user_model

        utente = get_user_model().objects.select_related("profilo").get(username=utente)
    return pdf_firmato(testo, nome=utente.get_full_name(), codice_fiscale=utente.profilo.codice_fiscale)
