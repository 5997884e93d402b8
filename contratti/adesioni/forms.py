from django import forms

from sct_site.forms import DataField, ImportoField

from ..models import Adesione
from .services import importo_da_piano


def campo_file(richiesta):
    return f"doc_{richiesta.codice}"


class DocumentiRoundMixin:
    """One optional file input per requested document of a round (mandatory ones are checked at
    sending, so that a draft can be saved without them)."""

    def aggiungi_campi_documenti(self, richieste, contratto):
        self.richieste = list(richieste)
        for richiesta in self.richieste:
            solo_b = richiesta.solo_ipotesi_b and (contratto is None or contratto.prevede_ipotesi)
            etichetta = richiesta.etichetta + (" (SOLO NEL CASO DI IPOTESI B)" if solo_b else "")
            aiuto = [richiesta.descrizione] if richiesta.descrizione else []
            if richiesta.firma_digitale:
                aiuto.append("PDF firmato digitalmente (PAdES) o file .p7m (CAdES).")
            self.fields[campo_file(richiesta)] = forms.FileField(
                label=etichetta,
                required=False,
                help_text=" ".join(aiuto),
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.p7m,application/pdf,application/pkcs7-mime"}),
            )

    def files_per_codice(self):
        return {
            r.codice: self.cleaned_data[campo_file(r)] for r in self.richieste if self.cleaned_data.get(campo_file(r))
        }


class PassoUnoForm(DocumentiRoundMixin, forms.Form):
    ente = forms.ModelChoiceField(label="Ente aderente", queryset=None, empty_label=None)
    importo = ImportoField(label="Importo di adesione (euro)", required=False)
    scadenza = DataField(label="Scadenza dell'adesione")
    ipotesi = forms.ChoiceField(label="Ipotesi", choices=Adesione.Ipotesi.choices, widget=forms.RadioSelect)
    importo_piano = ImportoField(label="Importo del piano dei fabbisogni (euro)", required=False)
    data_piano = DataField(label="Data di redazione del piano dei fabbisogni", required=False)

    def __init__(self, *args, enti, richieste, contratto, **kwargs):
        super().__init__(*args, **kwargs)
        # Ipotesi A/B and the 4,9% helper only where the contract has them (Sistema Cloud Toscana).
        self.con_ipotesi = contratto.prevede_ipotesi
        self.con_calcolo = contratto.adeguamento_listino
        if not self.con_ipotesi:
            del self.fields["ipotesi"]
        if not self.con_calcolo:
            del self.fields["importo_piano"], self.fields["data_piano"]
        self.fields["ente"].queryset = enti
        self.ente_unico = enti.first() if enti.count() == 1 else None
        if self.ente_unico is not None:
            self.fields["ente"].required = False
        self.fields["scadenza"].widget.input_type = "date"
        self.fields["scadenza"].widget.format = "%Y-%m-%d"
        if self.con_calcolo:
            self.fields["data_piano"].widget.input_type = "date"
            self.fields["data_piano"].widget.format = "%Y-%m-%d"
            self.fields["importo_piano"].help_text = (
                "Facoltativo: con importo e data del piano il sistema calcola l'importo di adesione. "
                "Se il piano è stato redatto prima di aprile 2023 l'importo è aumentato del 4,9% "
                "(decreto n. 6687 del 04/04/2023, modificato con decreto n. 8220 del 26/04/2023)."
            )
        self.aggiungi_campi_documenti(richieste, contratto)

    def clean_ente(self):
        return self.cleaned_data.get("ente") or self.ente_unico

    def clean(self):
        dati = super().clean()
        piano, data = dati.get("importo_piano"), dati.get("data_piano")
        if (
            (piano is None) != (data is None)
            and not self.errors.get("importo_piano")
            and not self.errors.get("data_piano")
        ):
            raise forms.ValidationError("Per il calcolo indica sia l'importo sia la data del piano dei fabbisogni.")
        if dati.get("importo") is None and not self.errors.get("importo"):
            if piano is not None and data is not None:
                dati["importo"] = importo_da_piano(piano, data)
            else:
                self.add_error("importo", "Inserisci l'importo di adesione.")
        return dati


class DocumentiRoundForm(DocumentiRoundMixin, forms.Form):
    def __init__(self, *args, richieste, contratto=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.aggiungi_campi_documenti(richieste, contratto)

    def clean(self):
        dati = super().clean()
        if not any(dati.get(campo_file(r)) for r in self.richieste):
            raise forms.ValidationError("Seleziona almeno un file da caricare.")
        return dati
