from django import forms

from sct_site.forms import DataField, ImportoField
from sct_site.validatori import valida_codice_appalto, valida_codice_istat, valida_codice_nuts

from ..adesioni.forms import DocumentiRoundForm, campo_file  # noqa: F401 - reused for the atto di adesione
from ..models import Ordinativo
from .services import CAMPI_RICHIESTA_CIG, MSG_NESSUN_RUP, MSG_RUP_NON_DELL_ENTE, rup_dell_ente


def stile_select(form):
    """Bootstrap Italia's look for the drop-down lists (a bare ``<select>`` is left unstyled)."""
    for campo in form.fields.values():
        if isinstance(campo.widget, forms.Select):
            campo.widget.attrs.setdefault("class", "form-select")


class RichiestaCIGForm(forms.ModelForm):
    """ "Richiedi CIG": the data ANAC needs for the derived CIG (scheda AD4). For a new ordine with the
    adesione to choose (``adesioni``); for an existing ordinativo without it (passo 1 chooses it) and
    with the fields ``bloccati`` shown but not editable."""

    adesione = forms.ModelChoiceField(label="Adesione", queryset=None, empty_label=None)
    cf_rup = forms.ChoiceField(
        label="RUP dell'ordinativo",
        help_text="Una delle persone con l'incarico “RUP” dell'ente aderente: le azioni verso ANAC richiedono il suo accesso con SPID, CIE o CNS.",
        error_messages={
            "required": "Scegli il RUP dell'ordinativo.",
            "invalid_choice": "Il RUP scelto non è tra i RUP dell'ente aderente: scegli una delle persone dell'elenco.",
        },
    )
    importo_totale = ImportoField(label="Importo totale dell'ordine (lotto, euro)")
    data_adesione = DataField(label="Data adesione")

    class Meta:
        model = Ordinativo
        fields = list(CAMPI_RICHIESTA_CIG)
        help_texts = {
            "cpv": "Es. 72000000-5 (servizi informatici).",
            "codice_istat": "Codice ISTAT del comune del luogo di esecuzione (6 cifre).",
            "codice_nuts": "Es. ITI14 (Firenze).",
            "codice_appalto": "Identificativo dell'appalto per ANAC: da 8 a 64 caratteri, lettere, cifre e - _ . /",
            "tracciabilita": "Come indicato nell'atto di adesione: il Fornitore invia una comunicazione per ciascun soggetto del RTI o solo per la mandataria.",
        }

    def __init__(self, *args, adesioni=None, bloccati=(), **kwargs):
        super().__init__(*args, **kwargs)
        if adesioni is None:
            del self.fields["adesione"]
            enti = [self.instance.ente]
        else:
            self.fields["adesione"].queryset = adesioni
            enti = list({a.ente_id: a.ente for a in adesioni.select_related("ente")}.values())
        self._scelte_rup(enti, bloccati)
        for nome in bloccati:
            self.fields[nome].disabled = True
        self.fields["data_adesione"].widget.input_type = "date"
        self.fields["data_adesione"].widget.format = "%Y-%m-%d"
        self.fields["oggetto"].widget = forms.Textarea(attrs={"rows": 2, "maxlength": 250})
        for nome in ("cpv", "codice_istat", "codice_nuts", "codice_appalto"):
            self.fields[nome].widget.attrs["autocomplete"] = "off"
        stile_select(self)
        # Stricter than the model's patterns (ASCII digits, real NUTS codes, no markup in the codice).
        self.fields["codice_istat"].validators = [valida_codice_istat]
        self.fields["codice_nuts"].validators = [valida_codice_nuts]
        self.fields["codice_appalto"].validators.append(valida_codice_appalto)

    def _scelte_rup(self, enti, bloccati):
        """The RUP is one of the people with the RUP incarico in the ente (``services.rup_dell_ente``)."""
        self.rup_per_ente = {ente.pk: dict(rup_dell_ente(ente)) for ente in enti}
        scelte = []
        for ente in enti:
            nome_ente = f" – {ente}" if len(enti) > 1 else ""
            scelte += [(cf, f"{nome} ({cf}){nome_ente}") for cf, nome in self.rup_per_ente[ente.pk].items()]
        corrente = self.instance.cf_rup if self.instance.pk else ""
        if "cf_rup" in bloccati and corrente and corrente not in dict(scelte):
            scelte.append((corrente, corrente))  # locked with the appalto on ANAC: shown as it is
        self.senza_rup = [ente for ente in enti if not self.rup_per_ente[ente.pk]]
        self.messaggi_senza_rup = [MSG_NESSUN_RUP.format(ente=ente) for ente in self.senza_rup]
        self.fields["cf_rup"].choices = [("", "Scegli il RUP")] + scelte

    def clean(self):
        dati = super().clean()
        adesione, cf = dati.get("adesione"), dati.get("cf_rup")
        if adesione is not None and cf and "cf_rup" not in self.errors:
            rup = self.rup_per_ente.get(adesione.ente_id, {})
            if not rup:
                self.add_error("cf_rup", MSG_NESSUN_RUP.format(ente=adesione.ente))
            elif cf not in rup:
                self.add_error("cf_rup", MSG_RUP_NON_DELL_ENTE.format(ente=adesione.ente))
        elif not cf and "cf_rup" in self.errors:
            senza = [e for e in self.senza_rup if adesione is None or e.pk == adesione.ente_id]
            if senza:
                self.errors["cf_rup"] = self.error_class([MSG_NESSUN_RUP.format(ente=e) for e in senza])
        return dati

    def clean_codice_appalto(self):
        codice = (self.cleaned_data.get("codice_appalto") or "").strip()
        if Ordinativo.objects.filter(codice_appalto=codice).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Questo codice appalto è già usato da un altro ordinativo.")
        return codice


class RigaForm(forms.Form):
    descrizione = forms.CharField(label="Descrizione", max_length=500)
    importo_unitario = ImportoField(label="Importo unitario (euro)")
    quantita = ImportoField(label="Quantità")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():  # the whole width of their column, on one line with the button
            campo.widget.attrs.setdefault("class", "form-control")


class AdesioneForm(forms.Form):
    adesione = forms.ModelChoiceField(label="Adesione a cui associare l'ordinativo", queryset=None, empty_label=None)

    def __init__(self, *args, adesioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adesione"].queryset = adesioni
        stile_select(self)


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
                label=etichetta,
                required=False,
                help_text="PDF firmato digitalmente o file .p7m.",
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.p7m,application/pdf,application/pkcs7-mime"}),
            )

    def clean(self):
        dati = super().clean()
        if not any(dati.get(f"doc_{codice}") for codice, _ in self.richieste):
            raise forms.ValidationError("Seleziona almeno un file da caricare.")
        return dati

    def files_per_codice(self):
        return {
            codice: self.cleaned_data[f"doc_{codice}"]
            for codice, _ in self.richieste
            if self.cleaned_data.get(f"doc_{codice}")
        }
