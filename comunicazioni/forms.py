"""Forms of the comunicazioni. They only collect the input: the rules (lengths, recipients, who may
write) are checked by ``services``, whose messages are shown next to the fields."""

from django import forms

from organizzazioni.models import Profilo

from . import conf
from .models import Messaggio, Parte
from .services import MSG_DESTINATARIO


def _stile(form):
    """Bootstrap Italia classes on the widgets."""
    for campo in form.fields.values():
        widget = campo.widget
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.TextInput | forms.Textarea):
            widget.attrs.setdefault("class", "form-control")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        pulisci = super().clean
        if isinstance(data, list | tuple):
            return [pulisci(d, initial) for d in data if d]
        return [pulisci(data, initial)] if data else []


class _TestoForm(forms.Form):
    oggetto = forms.CharField(label="Oggetto", required=False, strip=True)
    testo = forms.CharField(label="Testo", required=False, strip=True, widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oggetto"].widget.attrs.update({"maxlength": conf.max_oggetto(), "required": True})
        self.fields["testo"].widget.attrs.update({"maxlength": conf.max_testo(), "required": True})
        self.fields["testo"].help_text = f"Al massimo {conf.max_testo():,} caratteri.".replace(",", ".")
        self.fields["allegati"] = MultipleFileField(
            label="Allegati",
            required=False,
            help_text=(
                f"Facoltativi, al massimo {conf.max_allegati()} file PDF o firmati digitalmente (.p7m). "
                "I file sono conservati in forma riservata."
            ),
        )
        _stile(self)

    def applica_errori(self, errore):
        """Show a ``ValidationError`` raised by the services next to its fields."""
        if hasattr(errore, "error_dict"):
            for campo, messaggi in errore.message_dict.items():
                self.add_error(campo if campo in self.fields else None, messaggi)
        else:
            self.add_error(None, errore.messages)


class MessaggioForm(_TestoForm):
    field_order = ["destinatario", "tipo", "oggetto", "testo", "allegati"]

    def __init__(self, *args, scelte, **kwargs):
        super().__init__(*args, **kwargs)
        if len(scelte) == 1:
            choices = [("", "— scegli il destinatario —")] + scelte[0][1]
        else:
            choices = [("", "— scegli mittente e destinatario —")] + [
                (f"Scrivi come {ruolo.etichetta}", opzioni) for ruolo, opzioni in scelte
            ]
        self.fields["destinatario"] = forms.ChoiceField(
            label="Destinatario",
            choices=choices,
            required=False,
            error_messages={"invalid_choice": MSG_DESTINATARIO},
        )
        self.fields["destinatario"].widget.attrs["required"] = True
        self.ente_scrive = any(ruolo.parte == Parte.ENTE for ruolo, _ in scelte)
        self.fields["tipo"] = forms.ChoiceField(
            label="Tipologia",
            choices=Messaggio.Tipo.choices,
            initial=Messaggio.Tipo.COMUNICAZIONE,
            widget=forms.RadioSelect,
            required=False,
            error_messages={"invalid_choice": "Scegli il tipo di messaggio: Comunicazione o Chiarimento."},
            help_text="Il chiarimento è riservato agli enti aderenti: il CdC_Banditore può pubblicarlo in forma anonima."
            if self.ente_scrive
            else "",
        )
        if not self.ente_scrive:
            self.fields["tipo"].widget = forms.HiddenInput()
        self.order_fields(self.field_order)
        _stile(self)


class RispostaForm(_TestoForm):
    pass


class PubblicazioneForm(forms.Form):
    domanda = forms.CharField(
        label="Domanda",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Togli ogni riferimento a chi ha posto la domanda: il chiarimento è pubblicato in forma anonima.",
    )
    risposta = forms.CharField(label="Risposta", required=False, widget=forms.Textarea(attrs={"rows": 8}))

    applica_errori = _TestoForm.applica_errori

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _stile(self)


class PreferenzeForm(forms.Form):
    notifiche_email = forms.ChoiceField(
        label="Come vuoi ricevere le notifiche via e-mail?",
        choices=Profilo.Notifiche.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Scegli come ricevere le notifiche via e-mail.",
            "invalid_choice": "Scegli come ricevere le notifiche via e-mail.",
        },
    )
