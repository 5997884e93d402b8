from django import forms

from sct_site.forms import DataField, ImportoField
from sct_site.validatori import valida_codice_appalto, valida_codice_istat, valida_codice_nuts

from ..adesioni.forms import DocumentiRoundForm, campo_file  # noqa: F401 - reused for the atto di adesione
from ..models import Ordinativo


class RichiestaCIGForm(forms.ModelForm):
    """"Richiedi CIG": the data ANAC needs for the derived CIG (scheda AD4). For a new ordine with the
    adesione to choose (``adesioni``); for an existing ordinativo without it (passo 1 chooses it) and
    with the fields ``bloccati`` shown but not editable."""

    adesione = forms.ModelChoiceField(label="Adesione", queryset=None, empty_label=None)
    importo_totale = ImportoField(label="Importo totale dell'ordine (lotto, euro)")
    data_adesione = DataField(label="Data adesione")

    class Meta:
        model = Ordinativo
        fields = [
            "oggetto", "importo_totale", "cpv", "codice_istat", "codice_nuts", "durata_mesi", "categoria",
            "finanziamento", "cf_rup", "data_adesione", "codice_appalto", "tracciabilita",
        ]
        help_texts = {
            "cpv": "Es. 72000000-5 (servizi informatici).",
            "codice_istat": "Codice ISTAT del comune del luogo di esecuzione (6 cifre).",
            "codice_nuts": "Es. ITI14 (Firenze).",
            "cf_rup": "Codice fiscale del RUP dell'amministrazione aderente: le azioni verso ANAC richiedono il suo accesso con SPID, CIE o CNS.",
            "codice_appalto": "Identificativo dell'appalto per ANAC: da 8 a 64 caratteri, lettere, cifre e - _ . /",
            "tracciabilita": "Come indicato nell'atto di adesione: il Fornitore invia una comunicazione per ciascun soggetto del RTI o solo per la mandataria.",
        }

    def __init__(self, *args, adesioni=None, bloccati=(), **kwargs):
        super().__init__(*args, **kwargs)
        if adesioni is None:
            del self.fields["adesione"]
        else:
            self.fields["adesione"].queryset = adesioni
        for nome in bloccati:
            self.fields[nome].disabled = True
        self.fields["data_adesione"].widget.input_type = "date"
        self.fields["data_adesione"].widget.format = "%Y-%m-%d"
        self.fields["oggetto"].widget = forms.Textarea(attrs={"rows": 2, "maxlength": 250})
        for nome in ("cpv", "codice_istat", "codice_nuts", "cf_rup", "codice_appalto"):
            self.fields[nome].widget.attrs["autocomplete"] = "off"
        # Stricter than the model's patterns (ASCII digits, real NUTS codes, no markup in the codice).
        self.fields["codice_istat"].validators = [valida_codice_istat]
        self.fields["codice_nuts"].validators = [valida_codice_nuts]
        self.fields["codice_appalto"].validators.append(valida_codice_appalto)

    def clean_cf_rup(self):
        return (self.cleaned_data.get("cf_rup") or "").strip().upper()

    def clean_codice_appalto(self):
        codice = (self.cleaned_data.get("codice_appalto") or "").strip()
        if Ordinativo.objects.filter(codice_appalto=codice).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Questo codice appalto è già usato da un altro ordinativo.")
        return codice


class RigaForm(forms.Form):
    descrizione = forms.CharField(label="Descrizione", max_length=500)
    importo_unitario = ImportoField(label="Importo unitario (euro)")
    quantita = ImportoField(label="Quantità")


class AdesioneForm(forms.Form):
    adesione = forms.ModelChoiceField(label="Adesione a cui associare l'ordinativo", queryset=None, empty_label=None)

    def __init__(self, *args, adesioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adesione"].queryset = adesioni


class SchedaFirmataForm(forms.Form):
    scheda = forms.FileField(
        label="Scheda di sintesi firmata digitalmente",
        help_text="Il PDF scaricato, firmato digitalmente (PAdES) oppure la busta .p7m (CAdES) che lo contiene.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.p7m,application/pdf,application/pkcs7-mime"}),
        error_messages={"required": "Seleziona il file della scheda di sintesi firmata."},
    )


class DocumentiOEForm(forms.Form):
    def __init__(self, *args, richieste, **kwargs):
        super().__init__(*args, **kwargs)
        self.richieste = richieste
        for codice, etichetta in richieste:
            self.fields[f"doc_{codice}"] = forms.FileField(
                label=etichetta, required=False, help_text="PDF firmato digitalmente o file .p7m.",
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.p7m,application/pdf,application/pkcs7-mime"}),
            )

    def clean(self):
        dati = super().clean()
        if not any(dati.get(f"doc_{codice}") for codice, _ in self.richieste):
            raise forms.ValidationError("Seleziona almeno un file da caricare.")
        return dati

    def files_per_codice(self):
        return {codice: self.cleaned_data[f"doc_{codice}"] for codice, _ in self.richieste if self.cleaned_data.get(f"doc_{codice}")}
