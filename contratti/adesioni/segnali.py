"""Domain signals of the adesione, sent by ``stati.cambia_stato`` once per transition, inside the
transaction (a receiver that writes rows is rolled back with the change; e-mails go ``on_commit``).

Every signal is sent with ``sender=Adesione`` and the keyword arguments ``adesione``, ``utente``,
``da``, ``a`` (states before and after) and ``dati`` (the audit entry's data, e.g. ``dati["round"]``,
the round the transition concerns). Receivers live in the apps above contratti (comunicazioni).
"""

from django.dispatch import Signal

adesione_inviata = Signal()  # sent or sent again after a non-approval: in valutazione
adesione_ritirata = Signal()  # "ritira invio adesione"
adesione_eliminata = Signal()  # "elimina bozza" (also when the record is deleted right after)
round_approvato = Signal()  # a round approved (``a`` is "approvata" when it was the last one)
round_non_approvato = Signal()  # a round not approved, with ``adesione.motivo_rifiuto``
