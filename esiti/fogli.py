"""The esiti for spreadsheets: a CSV as Italian spreadsheets open it (``;``, decimal comma, dates
``gg/mm/aaaa``, UTF-8 with BOM) and an XLSX, with the same columns, rows and filters as the standard CSV
(``exports.genera_csv``)."""

import datetime
import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from sct_site.esportazioni import cella_testo

from .exports import (
    INTESTAZIONE_CSV,
    RE_CONTROLLO,
    FormatoCsv,
    esiti_filtrati,
    genera_csv,
    righe_esiti,
    risposta_dati,
    url_esito_assoluto,
)

FORMATO_EURO = '#,##0.00 "€"'
FORMATO_DATA = "DD/MM/YYYY"
FORMATO_DATA_ORA = "DD/MM/YYYY HH:MM"
COLONNE_IMPORTO = {"importo_aggiudicazione", "importo_somme_liquidate"}
LARGHEZZE = {"oggetto": 60, "contratto": 40, "struttura_proponente": 40, "aggiudicatario": 40, "url": 50}


def _locale(valore):
    """A date-time in the site's time zone (Europe/Rome)."""
    return valore.astimezone(timezone.get_default_timezone())


def importo_virgola(valore):
    """``1234,56``: decimal comma, no thousands separator."""
    return "" if valore is None else f"{valore:.2f}".replace(".", ",")


def data_italiana(valore):
    """``gg/mm/aaaa``; a date-time ``gg/mm/aaaa hh:mm:ss`` in the site's time zone."""
    if valore is None:
        return ""
    if isinstance(valore, datetime.datetime):
        return _locale(valore).strftime("%d/%m/%Y %H:%M:%S")
    return valore.strftime("%d/%m/%Y")


CSV_FOGLI = FormatoCsv(";", importo_virgola, data_italiana, inizio="\ufeff")


def csv_fogli_view(request, pagina):
    form, esiti = esiti_filtrati(request)
    contenuto = genera_csv(esiti, url_esito_assoluto(request, pagina), CSV_FOGLI)
    return risposta_dati(contenuto, "text/csv; charset=utf-8", "esiti-fogli-di-calcolo.csv", form)


# --- XLSX ----------------------------------------------------------------------------------------


def _testo_xlsx(valore):
    """Text cell: formula injection neutralised as in the CSV; without the characters XML refuses."""
    return cella_testo(RE_CONTROLLO.sub("", valore)) if valore else valore


def scrivi_xlsx(queryset, url_esito, destinazione):
    """Write the XLSX in openpyxl's write-only mode: rows go to a temporary file as they come, so
    memory does not grow with the esiti. Amounts are numbers (euro format), dates real dates."""
    libro = Workbook(write_only=True)
    foglio = libro.create_sheet("Esiti")
    for numero, nome in enumerate(INTESTAZIONE_CSV, start=1):
        foglio.column_dimensions[get_column_letter(numero)].width = LARGHEZZE.get(nome, 16)
    foglio.freeze_panes = "A2"
    foglio.append(INTESTAZIONE_CSV)

    def importo(valore):
        if valore is None:
            return None
        cella = WriteOnlyCell(foglio, value=valore)
        cella.number_format = FORMATO_EURO
        return cella

    def data(valore):
        if valore is None:
            return None
        if isinstance(valore, datetime.datetime):
            # Excel has no time zones: the local time, without the offset.
            cella = WriteOnlyCell(foglio, value=_locale(valore).replace(tzinfo=None))
            cella.number_format = FORMATO_DATA_ORA
        else:
            cella = WriteOnlyCell(foglio, value=valore)
            cella.number_format = FORMATO_DATA
        return cella

    for righe in righe_esiti(queryset, url_esito, importo=importo, data=data, testo=_testo_xlsx):
        for riga in righe:
            foglio.append(riga)
        del righe
    libro.save(destinazione)


def xlsx_view(request, pagina):
    form, esiti = esiti_filtrati(request)
    # A spooled file: in memory while small, on disk beyond; closed (and removed) with the response.
    file = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    scrivi_xlsx(esiti, url_esito_assoluto(request, pagina), file)
    file.seek(0)
    oggi = timezone.localdate().isoformat()
    risposta = FileResponse(file, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return risposta_dati(None, None, f"esiti-{oggi}.xlsx", form, risposta=risposta, disposizione="attachment")
