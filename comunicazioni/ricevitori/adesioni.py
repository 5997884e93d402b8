"""Notifications of the adesione (receivers of contratti.adesioni.segnali)."""


def connect():
    """Connect the receivers (called once from ComunicazioniConfig.ready)."""
