"""Files uploaded against requested documents, with versions: a new file replaces the current one
only while it has not been sent, or where the caller allows a sent one to be replaced (a round that
was not approved); the old one stays in the history (``corrente=False``), the sent one unchanged
(``inviato=True``, the same immutable ``DocumentoPrivato``)."""

from django.core.exceptions import ValidationError

from audit.services import registra
from documenti.validazione import salva


def salva_versioni(documenti, elementi, *, utente, oggetto, contratto_id, azione, sostituisci_inviati=False, **comuni):
    """``documenti``: the related manager (e.g. ``adesione.documenti``); ``elementi``: a list of
    ``(codice, etichetta, richiesta, validato)`` where ``validato`` comes from
    ``documenti.validazione.valida``; ``comuni``: fields shared by every row (e.g. ``round=1``).
    ``sostituisci_inviati``: a sent document may be replaced by a new version (the caller has checked
    that the state allows it); otherwise a sent document is final.
    Nothing is stored unless every element may be stored."""

    precedenti = {}
    for codice, etichetta, _richiesta, _validato in elementi:
        precedente = documenti.filter(codice_richiesta=codice, corrente=True, **comuni).first()
        if precedente is not None and precedente.inviato and not sostituisci_inviati:
            raise ValidationError(f"Il documento “{etichetta}” è già stato inviato e non può essere sostituito.")
        precedenti[codice] = precedente
    creati = []
    for codice, etichetta, richiesta, validato in elementi:
        documento = salva(validato, utente=utente)
        precedente = precedenti[codice]
        if precedente is not None:
            precedente.corrente = False
            precedente.save(update_fields=["corrente"])
        creati.append(
            documenti.create(
                richiesta=richiesta,
                codice_richiesta=codice,
                etichetta=etichetta,
                documento=documento,
                versione=(precedente.versione + 1) if precedente else 1,
                **comuni,
            )
        )
        dati = {"documento": etichetta, "sha256": documento.sha256, **comuni}
        if precedente is not None:
            dati.update(
                versione=precedente.versione + 1,
                sostituisce=precedente.documento.sha256,
                sostituito_inviato=precedente.inviato,
            )
        registra(azione, oggetto, utente=utente, contratto=contratto_id, dati=dati)
    return creati
