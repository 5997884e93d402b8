"""Domain signals of the scheda ANAC: one per state transition, sent by ``stati.transita`` in the
transaction of the change, after its audit entry.

Arguments: ``sender=Scheda``, ``scheda``, ``utente``, ``da``, ``a``, ``dati``. Receivers:
``comunicazioni.ricevitori.ordinativi`` (``scheda_confermata``: the notification to the ente and the
banditore). The ANN's effect on the ordinativo is ``ordinativo_annullato`` (contratti.ordinativi.segnali)."""

from django.dispatch import Signal

scheda_invio_richiesto = Signal()  # "invia scheda": crea-scheda / conferma-scheda start
scheda_inviata = Signal()  # ANAC accepted the request
scheda_anac_ko = Signal()  # ANAC refused (or did not answer): back to bozza
scheda_confermata = Signal()  # "Verifica invio": ANAC confirmed it
scheda_eliminata = Signal()
