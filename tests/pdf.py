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


@functools.cache
def pdf_firmato(testo="documento di prova", nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M"):
    from documenti.firma_prova import firma_pades

    return firma_pades(pdf_semplice(testo), nome=nome, codice_fiscale=codice_fiscale)


@functools.cache
def p7m(testo="documento di prova", nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M"):
    from documenti.firma_prova import firma_cades

    return firma_cades(pdf_semplice(testo), nome=nome, codice_fiscale=codice_fiscale)


def pdf_firmato_da(utente, testo="documento di prova"):
    """Signed by ``utente`` (a User or a demo username), with the name and codice fiscale of the profile:
    a person registered for their ente or operatore economico, entitled to sign for it."""
    if isinstance(utente, str):
        from django.contrib.auth import get_user_model

        utente = get_user_model().objects.select_related("profilo").get(username=utente)
    return pdf_firmato(testo, nome=utente.get_full_name(), codice_fiscale=utente.profilo.codice_fiscale)
