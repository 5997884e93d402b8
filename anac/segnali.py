"""Signals of the ANAC integration, for the apps above it (anac sits at the bottom of the layers:
it never imports audit or identita, they connect here).

- ``voucher_richiesto``: sent after each request of a PDND voucher, successful or not; kwargs
  ``dati`` (client id, purpose id, jti of the assertion, outcome, HTTP status, validity: never the
  assertion nor the voucher). audit connects it to write ``anac.voucher``.
- ``livello_autenticazione``: asked when the tracking evidence is built; kwargs ``utente``,
  ``quando`` (when the operation was requested). identita answers with the LoA of that user's
  authentication at that time (``"https://www.spid.gov.it/SpidL2"``, ``"CIE_L2"``…) or None.
"""

from django.dispatch import Signal

voucher_richiesto = Signal()
livello_autenticazione = Signal()


def loa_di(utente, quando=None) -> str:
    """The first non-empty answer of the receivers of ``livello_autenticazione`` ("" if none)."""
    if utente is None or not getattr(utente, "is_authenticated", False):
        return ""
    for _ricevitore, risposta in livello_autenticazione.send(sender=None, utente=utente, quando=quando):
        if risposta:
            return str(risposta)
    return ""
