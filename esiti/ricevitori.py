"""esiti reacts to what happens to an ordinativo and its schede (receivers of contratti's domain
signals, issue 16): contratti never imports esiti."""

from contratti.models import Ordinativo
from contratti.ordinativi.segnali import ordinativo_annullato

from . import services


def esiti_dell_ordinativo_annullati(sender, ordinativo, utente=None, **kwargs):
    """The scheda ANN confirmed by ANAC annulled the ordinativo: its esito stays visible, "Annullato"
    (in the worker's transaction that records ANAC's answer)."""
    services.segna_annullato_per(ordinativo, utente=utente)


def connect():
    """Connect the receivers (called once from EsitiConfig.ready)."""
    ordinativo_annullato.connect(
        esiti_dell_ordinativo_annullati, sender=Ordinativo, dispatch_uid="esiti_ordinativo_annullato"
    )
