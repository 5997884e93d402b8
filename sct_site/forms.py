"""Form fields shared by the site's forms."""

import hashlib
import re
from decimal import Decimal, InvalidOperation

from django import forms

FORMATI_DATA = ["%d/%m/%Y", "%Y-%m-%d"]


def chiave_dati(dati, *, escludi=()):
    """A short key of a form's valid values (empty ones and ``escludi`` left out): equal values, equal key."""
    valori = sorted((k, str(v)) for k, v in dati.items() if k not in escludi and v not in (None, ""))
    return hashlib.sha256(repr(valori).encode()).hexdigest()[:32] if valori else "tutti"


class ImportoField(forms.Field):
    """An amount in euro as Italians write it ("12.345,67", "12345,67", "12345.67"), as a Decimal
    with at most two decimals."""

    default_error_messages = {
        "invalid": "Inserisci un importo valido, ad esempio 12.345,67.",
        "decimali": "L'importo può avere al massimo due decimali.",
        "minimo": "L'importo deve essere maggiore di zero.",
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
            testo = re.sub(r"[\s€]", "", str(value))
            if len(testo) > 30:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if "," in testo:
                testo = testo.replace(".", "").replace(",", ".")
            elif testo.count(".") > 1 or re.fullmatch(r"-?\d{1,3}(\.\d{3})+", testo):
                testo = testo.replace(".", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", testo):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            importo = Decimal(testo)
        except InvalidOperation as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if -importo.as_tuple().exponent > 2:
            raise forms.ValidationError(self.error_messages["decimali"], code="decimali")
        if self.minimo is not None and importo < self.minimo:
            raise forms.ValidationError(self.error_messages["minimo"], code="minimo")
        if importo > self.massimo:
            raise forms.ValidationError(self.error_messages["massimo"], code="massimo")
        return importo.quantize(Decimal("0.01"))

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value
