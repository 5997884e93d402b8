"""Formats of the codes sent to ANAC and published as open data (digits and letters are ASCII only:
Python's ``\\d`` and ``str.isdigit`` also accept other scripts' digits)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

# Codice ISTAT del comune: 6 digits (3 of the provincia, 3 of the comune), e.g. 048017 (Firenze).
valida_codice_istat = RegexValidator(r"\A[0-9]{6}\Z", "Il codice ISTAT ha 6 cifre.", "istat")

# NUTS 2021 for Italy: IT + macroregion (C, F, G, H, I) + optional region digit + optional provincia
# character (ITI, ITI1, ITI14, ITC4C), or the extra-regio ITZ, ITZZ, ITZZZ.
valida_codice_nuts = RegexValidator(
    r"\AIT(?:[CFGHI](?:[1-9][0-9A-Z]?)?|Z(?:ZZ?)?)\Z",
    "Codice NUTS italiano non valido: ad esempio ITI1 (Toscana) o ITI14 (Firenze).",
    "nuts",
)

# codiceAppalto of the scheda AD4: 8 to 64 characters (ANAC); we accept letters, digits and the
# separators - _ . / that codes of acts use, starting and ending with a letter or digit.
RE_CODICE_APPALTO = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?\Z")


def valida_codice_appalto(valore):
    if len(valore) < 8:
        raise ValidationError(f"Il codice appalto deve avere almeno 8 caratteri (ne ha {len(valore)}).", "corto")
    if len(valore) > 64:
        raise ValidationError("Il codice appalto può avere al massimo 64 caratteri.", "lungo")
    if not RE_CODICE_APPALTO.match(valore):
        raise ValidationError(
            "Il codice appalto può contenere solo lettere, cifre e i separatori - _ . / "
            "(all'inizio e alla fine lettere o cifre).",
            "codice_appalto",
        )
