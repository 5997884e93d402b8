"""Form fields shared by the site's forms."""

import datetime
import hashlib
import re
from decimal import Decimal, InvalidOperation

from django import forms

FORMATI_DATA = ["%d/%m/%Y", "%Y-%m-%d"]
# Dates of the procedures: nothing before 2000 or after 2100 makes sense (no "0001-01-01", no "9999-12-31").
DATA_MINIMA = datetime.date(2000, 1, 1)
DATA_MASSIMA = datetime.date(2100, 12, 31)
# An amount: digits with "." as thousands separator and "," for the decimals, or a plain "12345.67".
RE_IMPORTO = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def chiave_dati(dati, *, escludi=()):
    """A short key of a form's valid values (empty ones and ``escludi`` left out): equal values, equal key."""
    valori = sorted((k, str(v)) for k, v in dati.items() if k not in escludi and v not in (None, ""))
    return hashlib.sha256(repr(valori).encode()).hexdigest()[:32] if valori else "tutti"


def _migliaia_ok(intera):
    """The integer part, with its "." thousands separators if any, is well formed ("1.234.567", "1234567")."""
    return "." not in intera or re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", intera) is not None


class ImportoField(forms.Field):
    """An amount in euro as Italians write it ("12.345,67", "12345,67", "12345.67"), as a Decimal
    with at most two decimals."""

    default_error_messages = {
        "invalid": "Inserisci un importo valido, ad esempio 12.345,67.",
        "decimali": "L'importo può avere al massimo due decimali.",
        "minimo": "L'importo deve essere maggiore di zero.",
        "negativo": "L'importo non può essere negativo.",
        "massimo": "L'importo è troppo grande.",
    }
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, minimo=Decimal("0.01"), massimo=Decimal("999999999999.99"), **kwargs):
        self.minimo, self.massimo = minimo, massimo
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            testo = str(value)
        else:
            # Only the euro sign and spaces around the number are dropped: "12 34", "1_000" and
            # digits other than 0-9 ("١٢", "１２") are refused, not read as some other amount.
            testo = str(value).strip().removeprefix("€").removesuffix("€").strip()
            if not testo:
                return None
            if len(testo) > 30 or not testo.isascii():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if "," in testo:
                testo = testo.replace(".", "").replace(",", ".") if _migliaia_ok(testo.split(",")[0]) else "x"
            elif testo.count(".") > 1 or re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", testo):
                testo = testo.replace(".", "") if _migliaia_ok(testo) else "x"
        if not RE_IMPORTO.fullmatch(testo):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            importo = Decimal(testo)
        except InvalidOperation as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if -importo.as_tuple().exponent > 2:
            raise forms.ValidationError(self.error_messages["decimali"], code="decimali")
        if self.minimo is not None and importo < self.minimo:
            codice = "negativo" if self.minimo == 0 else "minimo"
            raise forms.ValidationError(self.error_messages[codice], code=codice)
        if importo > self.massimo:
            raise forms.ValidationError(self.error_messages["massimo"], code="massimo")
        return importo.quantize(Decimal("0.01"))

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


class DataField(forms.DateField):
    """A date as "31/12/2025" or "2025-12-31" (the date input), between 2000 and 2100, digits 0-9 only."""

    default_error_messages = {
        "invalid": "Inserisci una data valida, ad esempio 31/12/2025.",
        "intervallo": "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", FORMATI_DATA)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and not DATA_MINIMA <= value <= DATA_MASSIMA:
            raise forms.ValidationError(self.error_messages["intervallo"], code="intervallo")


class ImportoAdminField(ImportoField):
    """``ImportoField`` in the place of Django's ``DecimalField`` in Wagtail's admin forms (which accepts
    "1_000" and other scripts' digits): the model's validators still apply (sct_site/wagtail_hooks.py)."""

    def __init__(self, *, max_digits=None, decimal_places=None, min_value=None, max_value=None, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(minimo=min_value, massimo=max_value or Decimal("999999999999.99"), **kwargs)


class DataAdminField(DataField):
    """``DataField`` (2000–2100, digits 0-9) in the place of Django's ``DateField`` in Wagtail's admin forms."""

    def __init__(self, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(**kwargs)
