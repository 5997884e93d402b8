"""The auto-generated "Scheda di sintesi ordinativo di fornitura" (WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils import timezone


def genera_scheda_sintesi(ordinativo):
    from weasyprint import HTML

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
    return HTML(string=html).write_pdf()
