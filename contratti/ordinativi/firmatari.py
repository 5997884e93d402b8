"""Per chi si firmano i documenti dell'ordinativo (``documenti.titolari.Titolare``): l'atto per
l'ente, i documenti del fornitore per l'aggiudicatario, la scheda di sintesi solo dal RUP
dell'ordinativo o dal legale rappresentante dell'ente."""

from documenti.titolari import Titolare
from organizzazioni.models import Incarico

from ..models import DocumentoOrdinativo


def titolare_scheda(ordinativo):
    return Titolare(
        ordinativo.ente,
        ruoli=(Incarico.Ruolo.LEGALE_RAPPRESENTANTE,),
        codici_fiscali=(ordinativo.cf_rup,),
        chi_puo_firmare=(
            f"La scheda di sintesi va firmata dal RUP dell'ordinativo ({ordinativo.cf_rup}) "
            "o dal legale rappresentante dell'ente."
        ),
    )


def titolare_documento(documento):
    """``documento``: a ``DocumentoOrdinativo`` (anything else: no titolare to compare with)."""
    ordinativo = getattr(documento, "ordinativo", None)
    if ordinativo is None:
        return None
    if documento.caricato_da == DocumentoOrdinativo.Caricato.OE:
        return Titolare(ordinativo.contratto.aggiudicatario)
    return Titolare(ordinativo.ente)
