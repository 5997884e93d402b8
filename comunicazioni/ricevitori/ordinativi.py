"""Notifications of the ordinativo and of its schede ANAC (receivers of contratti.ordinativi.segnali
and contratti.schede.segnali)."""


def connect():
    """Connect the receivers (called once from ComunicazioniConfig.ready)."""
