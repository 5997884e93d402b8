"""audit records what the apps below it report with signals (they cannot import audit)."""

from anac.segnali import voucher_richiesto

from .services import registra


def _voucher_richiesto(sender, dati, **kwargs):
    registra("anac.voucher", dati=dati, motivo="" if dati.get("esito") == "ok" else dati.get("errore", ""))


def connect():
    """Connect the receivers (called once from AuditConfig.ready)."""
    voucher_richiesto.connect(_voucher_richiesto, dispatch_uid="audit_anac_voucher")
