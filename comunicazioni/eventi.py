"""The automatic notifications of the manual ("notifiche automatiche … all'interno di un contratto").

Each event has a stable code (stored in ``Messaggio.evento``), the recipients the manual names and
an Italian subject and text with ``{placeholders}``. Callers pass the recipients to
``comunicazioni.services.notifica``; ``componi`` fills the texts::

    from comunicazioni import eventi
    from comunicazioni.services import notifica

    notifica(
        adesione.contratto,
        evento=eventi.ADESIONE_INVIATA,
        **eventi.componi(eventi.ADESIONE_INVIATA, codice=adesione.codice, ente=adesione.ente,
                         contratto=adesione.contratto.title, round=adesione.round_corrente),
        utenti=[utente_che_ha_inviato],
        banditore=True,
        riferimento=adesione,
    )

| evento | destinatari (manuale) | argomenti di ``notifica`` |
|---|---|---|
| ``ADESIONE_INVIATA`` | l'utente che ha inviato e il CdC_Banditore | ``utenti=[mittente], banditore=True`` |
| ``ROUND_APPROVATO`` | il solo ente aderente | ``enti=[ente]`` |
| ``ADESIONE_APPROVATA`` | il solo ente aderente | ``enti=[ente]`` |
| ``ROUND_NON_APPROVATO`` | il solo ente aderente | ``enti=[ente]`` |
| ``ORDINATIVO_INVIATO`` | l'utente che ha inoltrato e il CdC_Banditore | ``utenti=[mittente], banditore=True`` |
| ``ORDINATIVO_APPROVATO`` | l'ente aderente | ``enti=[ente]`` |
| ``ORDINATIVO_APPROVATO_OE`` | l'OE aggiudicatario (comunicazione automatica) | ``operatore=True`` |
| ``ORDINATIVO_RIFIUTATO`` | l'ente aderente | ``enti=[ente]`` |
"""

import string
from dataclasses import dataclass

ADESIONE_INVIATA = "adesione_inviata"
ROUND_APPROVATO = "round_approvato"
ADESIONE_APPROVATA = "adesione_approvata"
ROUND_NON_APPROVATO = "round_non_approvato"
ORDINATIVO_INVIATO = "ordinativo_inviato"
ORDINATIVO_APPROVATO = "ordinativo_approvato"
ORDINATIVO_APPROVATO_OE = "ordinativo_approvato_oe"
ORDINATIVO_RIFIUTATO = "ordinativo_rifiutato"


@dataclass(frozen=True)
class Evento:
    codice: str
    nome: str
    destinatari: str
    oggetto: str
    testo: str


EVENTI = {
    e.codice: e
    for e in (
        Evento(
            ADESIONE_INVIATA,
            "Ente aderente che invia un'adesione",
            "l'utente che ha inviato la manifestazione di interesse e il CdC_Banditore del contratto",
            "Adesione {codice} inviata – round {round}",
            "L'ente {ente} ha inviato l'adesione {codice} al contratto “{contratto}” (round {round}).\n"
            "L'adesione è in attesa dell'approvazione da parte del RUP del Contratto Quadro.",
        ),
        Evento(
            ROUND_APPROVATO,
            "Approvazione di un round dell'adesione",
            "il solo ente aderente",
            "Adesione {codice}: round {round} approvato",
            "Il round {round} dell'adesione {codice} al contratto “{contratto}” è stato approvato.\n"
            "Carica i documenti richiesti per il round successivo e invia di nuovo l'adesione dal tab "
            "“elenco adesioni”.",
        ),
        Evento(
            ADESIONE_APPROVATA,
            "Approvazione dell'adesione (conclusione dell'intero iter)",
            "il solo ente aderente",
            "Adesione {codice} approvata",
            "L'adesione {codice} al contratto “{contratto}” è stata approvata.\n"
            "L'amministrazione può procedere all'emissione dell'ordinativo di fornitura dal tab “elenco ordinativi”.",
        ),
        Evento(
            ROUND_NON_APPROVATO,
            "Non approvazione di un singolo round",
            "il solo ente aderente",
            "Adesione {codice}: round {round} non approvato",
            "Il round {round} dell'adesione {codice} al contratto “{contratto}” non è stato approvato.\n"
            "Motivo: {motivo}\n"
            "L'adesione è tornata in bozza: aprila dal tab “elenco adesioni” cliccando sull'icona occhio.",
        ),
        Evento(
            ORDINATIVO_INVIATO,
            "Ente aderente che invia l'ordinativo",
            "l'utente che ha inoltrato l'atto di adesione/contratto attuativo e il CdC_Banditore del contratto",
            "Ordinativo di fornitura {codice} inviato",
            "L'ente {ente} ha inviato l'ordinativo di fornitura {codice} (CIG derivato {cig}) al contratto "
            "“{contratto}”.\nL'ordinativo è in attesa dell'approvazione da parte del CdC_Banditore.",
        ),
        Evento(
            ORDINATIVO_APPROVATO,
            "Approvazione di un ordinativo di fornitura",
            "l'ente aderente",
            "Ordinativo di fornitura {codice} approvato",
            "L'ordinativo di fornitura {codice} (CIG derivato {cig}) al contratto “{contratto}” è stato approvato.\n"
            "Ricorda di inviare al Fornitore tramite PEC l'atto di adesione/contratto attuativo e la scheda di sintesi "
            "firmati.",
        ),
        Evento(
            ORDINATIVO_APPROVATO_OE,
            "Comunicazione automatica all'OE aggiudicatario per un ordinativo approvato",
            "l'OE aggiudicatario del contratto",
            "Nuovo ordinativo di fornitura approvato: {codice}",
            "L'ordinativo di fornitura {codice} (CIG derivato {cig}) dell'ente {ente} al contratto “{contratto}” "
            "è stato approvato dal CdC_Banditore.\nL'ordinativo è consultabile nell'area riservata.",
        ),
        Evento(
            ORDINATIVO_RIFIUTATO,
            "Rifiuto di un ordinativo di fornitura",
            "l'ente aderente",
            "Ordinativo di fornitura {codice} non approvato",
            "L'ordinativo di fornitura {codice} al contratto “{contratto}” non è stato approvato.\nMotivo: {motivo}",
        ),
    )
}


def campi(evento):
    """Placeholder names the subject and text of ``evento`` need."""
    e = EVENTI[evento]
    formatter = string.Formatter()
    return sorted({nome for testo in (e.oggetto, e.testo) for _, nome, _, _ in formatter.parse(testo) if nome})


def componi(evento, **dati):
    """``{"oggetto": …, "testo": …}`` of ``evento`` filled with ``dati`` (every placeholder is required)."""
    e = EVENTI[evento]
    mancanti = [nome for nome in campi(evento) if nome not in dati]
    if mancanti:
        raise KeyError(f"Dati mancanti per l'evento {evento}: {', '.join(mancanti)}")
    valori = {k: ("—" if v is None or v == "" else v) for k, v in dati.items()}
    return {"oggetto": e.oggetto.format_map(valori), "testo": e.testo.format_map(valori)}
