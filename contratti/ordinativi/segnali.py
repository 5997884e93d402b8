"""Domain signals of the ordinativo: one per state transition, sent by ``stati.transita`` in the
transaction of the change, after its audit entry (receivers run synchronously, in that transaction).

Arguments: ``sender=Ordinativo``, ``ordinativo``, ``utente`` (``None`` for ANAC's answers), ``da``,
``a`` (the states), ``dati`` (the audit entry's data). Receivers: ``comunicazioni.ricevitori.ordinativi`` (the notifications of the
manual), ``esiti.ricevitori`` (the esito of an annulled ordinativo); docs/architecture.md,
"Stati e segnali (ordinativo, scheda)"."""

from django.dispatch import Signal

ordinativo_conferma_richiesta = Signal()  # "Conferma appalto": the ANAC sequence starts
ordinativo_anac_ko = Signal()  # ANAC refused (or did not answer): back where the user can try again
ordinativo_appalto_confermato = Signal()
ordinativo_cig_acquisito = Signal()
ordinativo_inviato = Signal()  # to the banditore for the nulla osta (also again, after a refusal)
ordinativo_approvato = Signal()
ordinativo_rifiutato = Signal()
ordinativo_chiuso = Signal()
ordinativo_annullato = Signal()  # the scheda ANN confirmed by ANAC
