"""Cells of the files meant for spreadsheets (CSV, XLSX)."""

# OWASP "CSV injection": a cell that starts with one of these is read as a formula by spreadsheets.
INIZI_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cella_testo(valore):
    """A text cell made inert: a leading apostrophe before a formula's first character (OWASP).
    Only for text columns: numbers (a negative amount too) are written as numbers, not through here."""
    if valore and valore.startswith(INIZI_FORMULA):
        return "'" + valore
    return valore
