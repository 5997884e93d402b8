import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from contratti.models import ContrattoPage
from organizzazioni.models import Ente
from sct_site.forms import DataField, ImportoField, chiave_dati
from sct_site.widgets import ScelteNormalizzate, SelectVeloce

from .cache import memorizzato
from .models import Esito
from .ricerca import RE_CIG, filtra_testo


def scelte_filtri():
    """Choices of the filters (enti and contracts with visible esiti, years), cached per version of the
    esiti: at 100,000 esiti these queries cost tens of milliseconds, the list needs them on every view."""

    def calcola():
        visibili = Esito.objects.visibili()
        enti = Ente.objects.filter(Exists(visibili.filter(ente=OuterRef("pk")))).order_by("denominazione")
        contratti = ContrattoPage.objects.filter(Exists(visibili.filter(contratto=OuterRef("pk")))).order_by("title")
        estremi = visibili.aggregate(primo=Min("data_aggiudicazione"), ultimo=Max("data_aggiudicazione"))
        anni = list(range(estremi["ultimo"].year, estremi["primo"].year - 1, -1)) if estremi["primo"] else []
        return {
            "enti": [(e.pk, e.denominazione) for e in enti.only("id", "denominazione")],
            "contratti": [(c.pk, f"{c.title[:80]} (CIG {c.cig})") for c in contratti.only("id", "title", "cig")],
            "anni": anni,
        }

    return memorizzato("scelte", calcola)


class RicercaEsitiForm(forms.Form):
    """Search parameters of "Aggiudicazioni e affidamenti". Invalid ones are ignored and reported;
    the same parameters filter the CSV and OCDS exports."""

    # Each ordering matches an index of Esito (visible esiti have these columns filled).
    ORDINAMENTI = {
        "recenti": ("-pubblicato_il", "-id"),
        "data": ("data_aggiudicazione", "id"),
        "-data": ("-data_aggiudicazione", "-id"),
        "importo": ("importo_aggiudicazione", "id"),
        "-importo": ("-importo_aggiudicazione", "-id"),
    }

    q = forms.CharField(
        label="Testo", required=False, max_length=200, help_text="Oggetto, CIG, struttura proponente, aggiudicatario"
    )
    ente = forms.TypedChoiceField(label="Struttura proponente", required=False, coerce=int, empty_value=None)
    contratto = forms.TypedChoiceField(label="Contratto / accordo quadro", required=False, coerce=int, empty_value=None)
    cig = forms.CharField(
        label="CIG", required=False, max_length=10, help_text="CIG derivato o CIG dell'accordo quadro"
    )
    anno = forms.TypedChoiceField(
        label="Anno di aggiudicazione",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Anno non valido."},
    )
    importo_min = ImportoField(label="Importo da (€)", required=False, minimo=Decimal("0"))
    importo_max = ImportoField(label="Importo fino a (€)", required=False, minimo=Decimal("0"))
    data_dal = DataField(label="Aggiudicato dal", required=False)
    data_al = DataField(label="Aggiudicato al", required=False)
    stato = forms.ChoiceField(
        label="Stato",
        required=False,
        choices=[("", "Tutti"), ("in-vigore", "In vigore"), ("annullati", "Annullati"), ("ritirati", "Ritirati")],
    )
    ordina = forms.ChoiceField(
        label="Ordina per",
        required=False,
        choices=[
            ("recenti", "Pubblicazione (più recenti)"),
            ("-data", "Data di aggiudicazione (più recenti)"),
            ("data", "Data di aggiudicazione (meno recenti)"),
            ("-importo", "Importo (decrescente)"),
            ("importo", "Importo (crescente)"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scelte = scelte_filtri()
        self.fields["ente"].choices = ScelteNormalizzate([("", "Tutte"), *scelte["enti"]])
        self.fields["contratto"].choices = ScelteNormalizzate([("", "Tutti"), *scelte["contratti"]])
        self.fields["anno"].choices = ScelteNormalizzate([("", "Tutti"), *((a, str(a)) for a in scelte["anni"])])
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = SelectVeloce(attrs=field.widget.attrs, choices=field.choices)
            classe = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", classe)
        for nome in ("data_dal", "data_al"):
            self.fields[nome].widget.input_type = "date"
        for nome in ("importo_min", "importo_max"):
            self.fields[nome].widget = forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"})

    def clean_cig(self):
        cig = (self.cleaned_data.get("cig") or "").strip().upper()
        if cig and not RE_CIG.match(cig):
            raise ValidationError("Il CIG è composto da 10 caratteri alfanumerici.")
        return cig

    def clean(self):
        dati = super().clean()
        minimo, massimo = dati.get("importo_min"), dati.get("importo_max")
        if minimo is not None and massimo is not None and minimo > massimo:
            self.add_error("importo_max", "L'importo massimo è inferiore all'importo minimo.")
        dal, al = dati.get("data_dal"), dati.get("data_al")
        if dal and al and dal > al:
            self.add_error("data_al", "La data finale precede la data iniziale.")
        return dati

    @property
    def filtri_attivi(self):
        """True when some valid parameter narrows the list (ordering does not)."""
        return any(v not in (None, "") for k, v in self.dati.items() if k != "ordina")

    def chiave_filtri(self):
        """A short key of the valid filters (not the ordering): the same key, the same esiti."""
        return chiave_dati(self.dati, escludi=("ordina",))

    @property
    def filtri_ignorati(self):
        if not self.is_bound or self.is_valid():
            return []
        return [
            f"{self.fields[name].label if name in self.fields else 'Parametri'}: {' '.join(errors)}"
            for name, errors in self.errors.items()
        ]

    @property
    def dati(self):
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filtra(self, esiti, ordina=True):
        dati = self.dati
        esiti = filtra_testo(esiti, dati.get("q"))
        if ente := dati.get("ente"):
            esiti = esiti.filter(ente_id=ente)
        if contratto := dati.get("contratto"):
            esiti = esiti.filter(contratto_id=contratto)
        if cig := dati.get("cig"):
            esiti = esiti.filter(Q(cig=cig) | Q(cig_accordo_quadro=cig))
        if anno := dati.get("anno"):
            esiti = esiti.filter(
                data_aggiudicazione__gte=datetime.date(anno, 1, 1), data_aggiudicazione__lte=datetime.date(anno, 12, 31)
            )
        if (minimo := dati.get("importo_min")) is not None:
            esiti = esiti.filter(importo_aggiudicazione__gte=minimo)
        if (massimo := dati.get("importo_max")) is not None:
            esiti = esiti.filter(importo_aggiudicazione__lte=massimo)
        if dal := dati.get("data_dal"):
            esiti = esiti.filter(data_aggiudicazione__gte=dal)
        if al := dati.get("data_al"):
            esiti = esiti.filter(data_aggiudicazione__lte=al)
        stato = dati.get("stato")
        if stato == "in-vigore":
            esiti = esiti.filter(stato=Esito.Stato.PUBBLICATO, annullato=False)
        elif stato == "annullati":
            esiti = esiti.filter(annullato=True)
        elif stato == "ritirati":
            esiti = esiti.filter(stato=Esito.Stato.RITIRATO)
        if ordina:
            esiti = esiti.order_by(*self.ORDINAMENTI[dati.get("ordina") or "recenti"])
        return esiti


class PubblicazioneEsitoForm(forms.ModelForm):
    """What the ente adds to the prefilled draft (manual fig. 41). The CIG and the amount are asked only
    when the order did not provide them."""

    class Meta:
        model = Esito
        fields = [
            "cig",
            "oggetto",
            "importo_aggiudicazione",
            "data_aggiudicazione",
            "data_inizio",
            "data_ultimazione",
            "importo_somme_liquidate",
        ]
        labels = {
            "data_inizio": "Data di inizio (tempi di completamento)",
            "data_ultimazione": "Data di ultimazione (tempi di completamento)",
        }
        help_texts = {
            "oggetto": "Al massimo 250 caratteri, come nel dataset L. 190/2012.",
            "importo_somme_liquidate": "Somme già liquidate all'aggiudicatario; 0 se nessuna.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.cig:
            del self.fields["cig"]
        if self.instance.importo_aggiudicazione is not None:
            del self.fields["importo_aggiudicazione"]
        for nome in ("data_aggiudicazione", "data_inizio", "data_ultimazione"):
            vecchio = self.fields[nome]
            self.fields[nome] = DataField(
                label=vecchio.label,
                help_text=vecchio.help_text,
                initial=vecchio.initial,
                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            )
        for nome in ("importo_aggiudicazione", "importo_somme_liquidate"):
            if nome in self.fields:
                vecchio = self.fields[nome]
                self.fields[nome] = ImportoField(
                    label=vecchio.label,
                    help_text=vecchio.help_text,
                    required=nome == "importo_aggiudicazione",
                    minimo=Decimal("0"),
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                )
        if "cig" in self.fields:
            self.fields["cig"].required = True
        self.fields["oggetto"].widget = forms.Textarea(attrs={"rows": 3, "maxlength": 250})
        for campo in self.fields.values():
            campo.widget.attrs.setdefault("class", "form-control")

    def clean_cig(self):
        return (self.cleaned_data.get("cig") or "").strip().upper()

    def clean_importo_somme_liquidate(self):
        valore = self.cleaned_data.get("importo_somme_liquidate")
        return Decimal("0.00") if valore is None else valore

    def clean(self):
        dati = super().clean()
        inizio, fine = dati.get("data_inizio"), dati.get("data_ultimazione")
        if inizio and fine and fine < inizio:
            self.add_error("data_ultimazione", "La data di ultimazione non può precedere la data di inizio.")
        aggiudicazione = dati.get("data_aggiudicazione")
        if aggiudicazione and aggiudicazione > timezone.localdate():
            self.add_error("data_aggiudicazione", "La data di aggiudicazione non può essere successiva a oggi.")
        return dati


class RitiroEsitoForm(forms.Form):
    motivo = forms.CharField(
        label="Motivo del ritiro",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "Il motivo del ritiro è obbligatorio."},
    )

    def clean_motivo(self):
        motivo = (self.cleaned_data.get("motivo") or "").strip()
        if not motivo:
            raise ValidationError("Il motivo del ritiro è obbligatorio.")
        return motivo
