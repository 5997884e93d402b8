"""Celery tasks of the comunicazioni: one e-mail per delivery, the daily digests.

Transient failures (SMTP, the ESP's API through django-anymail, the network) are retried with an
exponential backoff; after the last retry the delivery is marked "Invio non riuscito" with the
reason, which the sender sees in the message's delivery table.
"""

import logging
from smtplib import SMTPException

from anymail.exceptions import AnymailAPIError
from celery import Task, shared_task

from . import conf, services

logger = logging.getLogger(__name__)

RITENTABILI = (SMTPException, AnymailAPIError, OSError)


class _TaskEmail(Task):
    max_retries = conf.email_max_tentativi()

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error("E-mail non inviata dopo %s tentativi (%s): %s", self.request.retries + 1, self.name, exc)
        self.registra_fallimento(args[0] if args else kwargs.get("consegna_id") or kwargs.get("utente_id"), exc)

    def registra_fallimento(self, chiave, exc):  # pragma: no cover - overridden
        raise NotImplementedError


class _TaskEmailConsegna(_TaskEmail):
    def registra_fallimento(self, consegna_id, exc):
        services.registra_invio_fallito([consegna_id], exc)


class _TaskRiepilogo(_TaskEmail):
    def registra_fallimento(self, utente_id, exc):
        services.consegne_riepilogo_fallite(utente_id, exc)


_OPZIONI_RETRY = {
    "bind": True,
    "autoretry_for": RITENTABILI,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "acks_late": True,
}


@shared_task(name="comunicazioni.invia_email_consegna", base=_TaskEmailConsegna, **_OPZIONI_RETRY)
def invia_email_consegna(self, consegna_id):
    return services.invia_email_consegna(consegna_id)


@shared_task(name="comunicazioni.invia_riepilogo_utente", base=_TaskRiepilogo, **_OPZIONI_RETRY)
def invia_riepilogo_utente(self, utente_id):
    return services.invia_riepilogo(utente_id)


@shared_task(name="comunicazioni.invia_riepiloghi_giornalieri")
def invia_riepiloghi_giornalieri():
    """Daily (Celery beat): one digest per user who chose it; e-mails whose queueing was lost are queued again."""
    utenti = services.utenti_con_riepilogo()
    for utente_id in utenti:
        invia_riepilogo_utente.delay(utente_id)
    rimaste = services.consegne_rimaste_in_coda()
    services.accoda_email(rimaste)
    return {"riepiloghi": len(utenti), "email_riaccodate": len(rimaste)}
