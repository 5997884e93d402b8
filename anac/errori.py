"""ANAC's error codes (tipologica ``errori`` of ``anticorruzione/npa``, the subset this project
meets), with ANAC's Italian descriptions. Used by the client when an answer carries a code without
text, and by the simulator (which must stay free of Django imports)."""

ERRORI_ANAC = {
    "ERR1": "utente non autorizzato alla chiamata del servizio",
    "ERR2": "scheda non ammessa in questa fase dell'appalto",
    "ERR3": "codice scheda errato",
    "ERR4": "errore nella conversione della scheda secondo il json schema definito",
    "ERR9": "anacForm obbligatorio",
    "ERR14": "lotIdentifier duplicato nell'elenco dei lotti",
    "ERR16": "operazione non consentita per lo stato dell'appalto",
    "ERR18": "operazione non consentita: è in corso una richiesta di conferma appalto",
    "ERR19": "idAppalto non trovato",
    "ERR20": "idScheda non trovato",
    "ERR23": "cig non trovato",
    "ERR26": "idAppalto obbligatorio",
    "ERR29": "idScheda obbligatorio",
    "ERR30": "codice scheda obbligatorio",
    "ERR31": "versione scheda obbligatorio",
    "ERR34": "verificare i criteri di ricerca",
    "ERR36": "il body della scheda non è valorizzato",
    "ERR37": "codiceAppalto obbligatorio",
    "ERR38": "codiceAppalto già presente",
    "ERR41": "errore generico durante la validazione dei dati della scheda",
    "ERR57": "mancata coerenza tra idAppalto e idScheda",
    "ERR58": "operazione non consentita per lo stato della scheda",
    "ERR60": "operazione non consentita: è in corso una richiesta di conferma scheda",
    "ERR61": "cig duplicato nell'elenco",
    "ERR66": "mancata coerenza tra idAppalto e cig",
    "ERR70": "la lista delle stazioni appaltanti nella scheda è vuota",
    "ERR98": "errore durante la validazione del CIG negli accordi quadro",
    "ERR112": "importo del lotto e/o oggetto principale del contratto non valorizzati.",
}
