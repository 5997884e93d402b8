"""Admin forms of the organisations."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.snippets.widgets import AdminSnippetChooser

from .models import Ente, OperatoreEconomico


class SceltaSnippetSicura(AdminSnippetChooser):
    """Wagtail's snippet chooser looks the submitted value up again to redraw a refused form: a value
    that is not an id ("abc") raised ValueError there (a 500). Such a value shows an empty choice."""

    def get_instance(self, value):
        try:
            return super().get_instance(value)
        except (ValueError, TypeError, OverflowError, ValidationError):
            return None


class IncaricoForm(WagtailAdminModelForm):
    SCELTE = {
        "ente": (Ente, "Ente non valido: scegline uno dall'elenco."),
        "operatore": (OperatoreEconomico, "Operatore economico non valido: scegline uno dall'elenco."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nome, (modello, messaggio) in self.SCELTE.items():
            campo = self.fields[nome]
            campo.widget = SceltaSnippetSicura(modello)
            campo.error_messages["invalid_choice"] = messaggio
        self.fields["user"].error_messages["invalid_choice"] = "Utente non valido: scegline uno dall'elenco."
