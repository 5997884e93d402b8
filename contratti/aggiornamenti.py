"""What the pages waiting on ANAC or on the banditore show, as a short "version" (sct/aggiorna.js).

Each function returns the JSON of a status endpoint: ``versione`` (changes whenever the page would
show something else), ``in_attesa`` (the page is waiting: the indicator "in corso" is shown and the
browser keeps asking), ``annuncio`` (the sentence read by screen readers after the update). The page
renders the same ``versione`` (template tag ``aggiornamento``): the browser compares the two. Read
only: no ANAC call, no task, no write.
"""

import hashlib

from anac.services import trasmissioni_di

from .models import Adesione, Scheda


def _impronta(*parti):
    testo = "|".join("" if p is None else str(p) for p in parti)
    return hashlib.sha256(testo.encode()).hexdigest()[:16]


def _ultima_trasmissione(oggetto):
    return trasmissioni_di(oggetto).order_by("-pk").values_list("pk", flat=True).first()


def stato_ordinativo(ordinativo, *, con_log=False):
    """Passo 1 (and every page with the ordinativo's header) while ANAC works; with ``con_log`` also
    the Log Trasmissioni (a new exchange changes ``versione_log``)."""
    versione = _impronta(ordinativo.stato, ordinativo.cig_in_recupero, ordinativo.cig_derivato, ordinativo.errore_anac)
    dati = {
        "stato": ordinativo.stato,
        "cig_in_recupero": ordinativo.cig_in_recupero,
        "cig_derivato": ordinativo.cig_derivato,
        "errore": ordinativo.errore_anac,
        "in_attesa": ordinativo.operazione_anac_in_corso,
        "versione": versione,
        "annuncio": f"Stato dell'ordinativo aggiornato: {ordinativo.get_stato_display()}.",
    }
    if con_log:
        dati["versione_log"] = _impronta(versione, _ultima_trasmissione(ordinativo))
    return dati


def _in_attesa_scheda(scheda):
    return scheda.stato == Scheda.Stato.INVIO_IN_CORSO or scheda.verifica_in_corso


def _parti_scheda(scheda):
    return (
        scheda.pk,
        scheda.stato,
        scheda.verifica_in_corso,
        scheda.esito_verifica,
        scheda.errore_anac,
        scheda.id_scheda,
    )


def stato_schede(ordinativo):
    """The list "SCHEDE" of an ordinativo: after "invia scheda" and "Verifica invio"."""
    schede = list(ordinativo.schede.exclude(stato=Scheda.Stato.ELIMINATA).order_by("pk"))
    parti = [ordinativo.stato]
    for scheda in schede:
        parti.extend(_parti_scheda(scheda))
    annuncio = "; ".join(f"{s.nome}: {s.get_stato_display()}" for s in schede)
    return {
        "in_attesa": any(_in_attesa_scheda(s) for s in schede),
        "versione": _impronta(*parti),
        "annuncio": f"Stato delle schede aggiornato. {annuncio}." if annuncio else "Stato delle schede aggiornato.",
        "schede": [
            {"id": s.pk, "tipo": s.tipo, "stato": s.stato, "verifica_in_corso": s.verifica_in_corso} for s in schede
        ],
    }


def stato_scheda(scheda):
    """A scheda (tab "Inserimento dati" and "log trasmissioni")."""
    versione = _impronta(scheda.ordinativo.stato, *_parti_scheda(scheda))
    return {
        "stato": scheda.stato,
        "verifica_in_corso": scheda.verifica_in_corso,
        "in_attesa": _in_attesa_scheda(scheda),
        "versione": versione,
        "versione_log": _impronta(versione, _ultima_trasmissione(scheda)),
        "annuncio": f"Stato della scheda aggiornato: {scheda.get_stato_display()}.",
    }


def stato_adesione(adesione):
    """The riepilogo of an adesione while the banditore evaluates a round."""
    return {
        "stato": adesione.stato,
        "round_corrente": adesione.round_corrente,
        "in_attesa": adesione.stato == Adesione.Stato.IN_VALUTAZIONE,
        "versione": _impronta(adesione.stato, adesione.round_corrente, adesione.motivo_rifiuto),
        "annuncio": f"Stato dell'adesione aggiornato: {adesione.descrizione_stato}.",
    }
