"""Tab "Inserimento dati" of a scheda. CIG and reason are shown prefilled and read-only; what the
browser sends for them is passed to the services as it is (``None`` if absent), which refuse any
change."""

from decimal import Decimal

from django import forms

from sct_site.forms import DataField, ImportoField

from ..models import Scheda
from .services import MSG_DATE_SC1


def _data(label, required=True, help_text=""):
    campo = DataField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    return campo


class SchedaForm(forms.Form):
    """ANN: nothing to fill in (CIG and reason are fixed)."""

    def dati(self):
        """The cleaned fields plus CIG and reason as sent: ``None`` if absent, a list if repeated."""
        dati = {}
        for campo in ("cig", "motivo"):
            valori = self.data.getlist(campo) if hasattr(self.data, "getlist") else [self.data.get(campo)]
            valori = [v for v in valori if v is not None]
            dati[campo] = None if not valori else valori[0] if len(valori) == 1 else valori
        dati.update(self.cleaned_data)
        return dati


class SchedaSC1Form(SchedaForm):
    """SC1, sottoscrizione del contratto: ANAC's ``datiContratto``."""

    data_stipula = _data("Data di stipula")
    data_decorrenza = _data("Data di decorrenza")
    data_scadenza = _data("Data di scadenza")
    data_esecutivita = _data("Data di esecutività", required=False, help_text="Facoltativa.")
    importo_cauzione = ImportoField(
        label="Importo della cauzione (euro)",
        minimo=Decimal("0"),
        required=False,
        help_text="Facoltativo: 0 se non prevista.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["importo_cauzione"].widget.attrs["class"] = "form-control"
        for nome, campo in self.fields.items():
            if campo.help_text:  # the id of the help text in contratti/adesioni/_campo.html
                campo.widget.attrs["aria-describedby"] = f"id_{nome}-aiuto"

    def clean(self):
        dati = super().clean()
        if (
            dati.get("data_decorrenza")
            and dati.get("data_scadenza")
            and dati["data_scadenza"] < dati["data_decorrenza"]
        ):
            self.add_error("data_scadenza", MSG_DATE_SC1)
        if dati.get("importo_cauzione") is None:
            dati["importo_cauzione"] = Decimal("0.00")
        return dati


def form_per(tipo, *args, scheda=None, **kwargs):
    if tipo == Scheda.Tipo.SC1:
        if scheda is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    campo: getattr(scheda, campo)
                    for campo in (
                        "data_stipula",
                        "data_decorrenza",
                        "data_scadenza",
                        "data_esecutivita",
                        "importo_cauzione",
                    )
                },
            )
        return SchedaSC1Form(*args, **kwargs)
    return SchedaForm(*args, **kwargs)
