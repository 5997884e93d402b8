"""The auto-generated "Scheda di sintesi ordinativo di fornitura" (WeasyPrint), as PDF/A-3b.

PDF/A (ISO 19005-3, level B): fonts embedded, sRGB output intent, XMP metadata with
``pdfaid:part``/``pdfaid:conformance``: the archival format of documents kept with a contract.
A signature added as an incremental update (PAdES) keeps these bytes as a prefix.
"""

from django.template.loader import render_to_string
from django.utils import timezone

PDF_VARIANT = "pdf/a-3b"


def genera_scheda_sintesi(ordinativo):
    from weasyprint import HTML  # heavy (weasyprint, ~1 s): loaded only when a PDF is made

    contratto = ordinativo.contratto
    html = render_to_string(
        "contratti/ordinativi/scheda_sintesi.html",
        {
            "o": ordinativo,
            "contratto": contratto,
            "oe": contratto.aggiudicatario,
            "membri": list(contratto.aggiudicatario.membri.all()),
            "righe": list(ordinativo.righe.all()),
            "generata_il": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
