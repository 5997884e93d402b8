from django import forms
from django.db.models import F, Q
from django.utils import timezone

from organizzazioni.models import Ente
from sct_site.cache import memorizzato
from sct_site.forms import chiave_dati
from sct_site.widgets import ScelteNormalizzate, SelectVeloce

from .models import ContrattoPage

FORMATI_DATA = ["%d/%m/%Y", "%Y-%m-%d"]


def scelte_banditori():
    """The enti that are banditore of some contract, once per version of the public data."""
    return memorizzato(
        "contratti:banditori",
        lambda: list(
            Ente.objects.filter(contratti_banditi__isnull=False)
            .distinct()
            .order_by("denominazione")
            .values_list("pk", "denominazione")
        ),
    )


class RicercaContrattiForm(forms.Form):
    """ "Parametri di ricerca" of the Elenco contratti. Invalid parameters are ignored and reported."""

    ORDINAMENTI = {
        "scadenza": (F("data_scadenza").asc(nulls_last=True), "title"),
        "-scadenza": (F("data_scadenza").desc(nulls_last=True), "title"),
        "titolo": ("title",),
        "-titolo": ("-title",),
        "recenti": ("-first_published_at", "title"),
    }

    q = forms.CharField(label="Testo", required=False, max_length=200)
    tipo = forms.ChoiceField(label="Tipo", required=False, choices=[("", "Tutti"), *ContrattoPage.Tipo.choices])
    stato = forms.ChoiceField(
        label="Stato", required=False, choices=[("", "Tutti"), ("attivo", "Attivo"), ("scaduto", "Scaduto")]
    )
    banditore = forms.TypedChoiceField(label="Banditore", required=False, coerce=int, empty_value=None)
    scadenza_dal = forms.DateField(label="Scadenza dal", required=False, input_formats=FORMATI_DATA)
    scadenza_al = forms.DateField(label="Scadenza al", required=False, input_formats=FORMATI_DATA)
    ordina = forms.ChoiceField(
        label="Ordina per",
        required=False,
        choices=[
            ("scadenza", "Scadenza (prima le più vicine)"),
            ("-scadenza", "Scadenza (prima le più lontane)"),
            ("titolo", "Titolo (A-Z)"),
            ("-titolo", "Titolo (Z-A)"),
            ("recenti", "Pubblicazione (più recenti)"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["banditore"].choices = ScelteNormalizzate([("", "Tutti"), *scelte_banditori()])
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = SelectVeloce(attrs=field.widget.attrs, choices=field.choices)
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["scadenza_dal"].widget.input_type = "date"
        self.fields["scadenza_al"].widget.input_type = "date"

    def chiave(self):
        """Same key, same list (ordering included); "attivo"/"scaduto" depend on the day."""
        dati = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return f"{timezone.localdate().isoformat()}:{chiave_dati(dati)}"

    @property
    def filtri_ignorati(self):
        if not self.is_bound or self.is_valid():
            return []
        return [f"{self.fields[name].label}: {' '.join(errors)}" for name, errors in self.errors.items()]

    def filtra(self, contratti):
        dati = {}
        if self.is_bound:
            self.is_valid()
            dati = self.cleaned_data
        if q := (dati.get("q") or "").strip():
            contratti = contratti.filter(
                Q(title__icontains=q) | Q(cig__iexact=q) | Q(descrizione__icontains=q) | Q(cup__iexact=q)
            )
        if tipo := dati.get("tipo"):
            contratti = contratti.filter(tipo=tipo)
        oggi = timezone.localdate()
        if dati.get("stato") == "attivo":
            contratti = contratti.filter(Q(data_scadenza__isnull=True) | Q(data_scadenza__gte=oggi))
        elif dati.get("stato") == "scaduto":
            contratti = contratti.filter(data_scadenza__lt=oggi)
        if banditore := dati.get("banditore"):
            contratti = contratti.filter(banditore_id=banditore)
        if dal := dati.get("scadenza_dal"):
            contratti = contratti.filter(data_scadenza__gte=dal)
        if al := dati.get("scadenza_al"):
            contratti = contratti.filter(data_scadenza__lte=al)
        ordine = self.ORDINAMENTI.get(dati.get("ordina") or "scadenza")
        return contratti.select_related("banditore", "aggiudicatario").order_by(*ordine)
