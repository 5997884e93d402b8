"""``operazione_anac_completata(sender=OperazioneANAC, operazione=…, oggetto=…)``: sent when an
operation ends (ok, ko or errore), inside the transaction that records the end — an alternative
to defining ``anac_operazione_completata(operazione)`` on the owning model."""

from django.dispatch import Signal

operazione_anac_completata = Signal()
