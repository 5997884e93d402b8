"""The refusal of a request by the simulator (answered as problem+json with ``errori``)."""

from ..errori import ERRORI_ANAC


class Rifiuto(Exception):
    """An ANAC refusal: problem+json with ``errori``."""

    def __init__(self, codice, dettaglio=None, status=400):
        super().__init__(codice)
        self.codice = codice
        self.dettaglio = dettaglio or ERRORI_ANAC.get(codice, codice)
        self.status = status
