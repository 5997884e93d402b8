"""Domain signals of the esito, sent by ``stati`` once per change, inside the transaction.

Every signal is sent with ``sender=Esito`` and the keyword arguments ``esito``, ``utente``, ``da``,
``a`` (states before and after; equal for ``esito_annullato``, which marks the esito without changing
its state) and, for a transition, ``dati`` (the audit entry's data). No receiver today: they are the hook for whoever must react to a publication.
"""

from django.dispatch import Signal

esito_pubblicato = Signal()  # bozza → pubblicato: public from now on
esito_ritirato = Signal()  # pubblicato → ritirato, with ``esito.ritirato_motivo``
esito_annullato = Signal()  # the ordinativo was cancelled by a confirmed ANN scheda
