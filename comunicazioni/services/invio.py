"""E-mail of each delivery: queueing on Celery, sending, retries, failures; the user's preference."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from organizzazioni.models import Profilo

from .. import conf
from ..models import Consegna
from ..permessi import e_parte_mittente

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.mail import EmailMessage

    from comunicazioni.models import Messaggio

logger = logging.getLogger("comunicazioni.services")


def accoda_email(consegna_ids: list[int]) -> None:
    """Hand the e-mails to Celery. A broker that does not answer leaves them "in invio": the daily
    job (``invia_riepiloghi_giornalieri``) queues them again."""
    from ..tasks import invia_email_consegna  # circle: tasks imports services

    for pk in consegna_ids:
        try:
            invia_email_consegna.delay(pk)
        except Exception:  # noqa: BLE001 - the message is stored; the e-mail is retried later
            logger.exception("Coda non disponibile: e-mail della consegna %s rimandata", pk)


def url_messaggio(messaggio: Messaggio) -> str:
    return conf.site_url() + reverse("comunicazioni:messaggio", args=[messaggio.pk])


def _email_consegna(consegna: Consegna) -> EmailMultiAlternatives:
    messaggio = consegna.messaggio
    contesto = {
        "messaggio": messaggio,
        "contratto": messaggio.contratto,
        "utente": consegna.utente,
        "url": url_messaggio(messaggio),
        "url_preferenze": conf.site_url() + reverse("comunicazioni:preferenze"),
    }
    oggetto = f"{conf.email_prefisso_oggetto()} {messaggio.oggetto}".strip()
    email = EmailMultiAlternatives(
        subject=" ".join(oggetto.split()),
        body=render_to_string("comunicazioni/email/messaggio.txt", contesto),
        to=[consegna.email_indirizzo or consegna.utente.email],
    )
    email.attach_alternative(render_to_string("comunicazioni/email/messaggio.html", contesto), "text/html")
    return email


def _id_esp(email: EmailMessage) -> str:
    stato = getattr(email, "anymail_status", None)
    return (getattr(stato, "message_id", None) or "") if stato is not None else ""


def invia_email_consegna(consegna_id: int) -> bool:
    """Send the e-mail of one delivery (idempotent). A failure is recorded and re-raised for the retry."""
    consegna = Consegna.objects.select_related("messaggio__contratto", "utente").filter(pk=consegna_id).first()
    if consegna is None or consegna.email_stato != Consegna.StatoEmail.IN_CODA:
        return False
    Consegna.objects.filter(pk=consegna.pk).update(email_tentativi=consegna.email_tentativi + 1)
    email = _email_consegna(consegna)
    try:
        email.send(fail_silently=False)
    except Exception as exc:
        Consegna.objects.filter(pk=consegna.pk).update(
            email_errore=_descrivi(exc), email_stato=Consegna.StatoEmail.IN_CODA
        )
        raise
    Consegna.objects.filter(pk=consegna.pk).update(
        email_stato=Consegna.StatoEmail.INVIATA,
        email_inviata_il=timezone.now(),
        email_errore="",
        email_id_esp=_id_esp(email)[:255],
    )
    return True


@transaction.atomic
def ritenta_email(consegna: Consegna, *, utente: User) -> None:
    """The sender asks to send a failed e-mail again."""
    if not e_parte_mittente(utente, consegna.messaggio):
        raise PermissionDenied("Solo chi ha inviato il messaggio può ritentare l'invio dell'e-mail.")
    if consegna.email_stato != Consegna.StatoEmail.ERRORE:
        raise ValidationError("L'e-mail di questo destinatario non è in errore.")
    Consegna.objects.filter(pk=consegna.pk).update(email_stato=Consegna.StatoEmail.IN_CODA, email_tentativi=0)
    transaction.on_commit(lambda: accoda_email([consegna.pk]))


def registra_invio_fallito(consegna_ids: list[int], exc: BaseException) -> None:
    """After the last retry: the deliveries show "Invio non riuscito" with the reason to the sender."""
    Consegna.objects.filter(pk__in=consegna_ids).exclude(email_stato=Consegna.StatoEmail.INVIATA).update(
        email_stato=Consegna.StatoEmail.ERRORE, email_errore=_descrivi(exc)
    )


def _descrivi(exc: BaseException) -> str:
    testo = str(exc).strip() or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {testo}"[:2000] if testo != exc.__class__.__name__ else testo


def consegne_rimaste_in_coda(eta_minuti: int = 60) -> list[int]:
    """Deliveries still "in invio" long after their message: their e-mail never left (broker down)."""
    limite = timezone.now() - datetime.timedelta(minutes=eta_minuti)
    return list(
        Consegna.objects.filter(
            email_stato=Consegna.StatoEmail.IN_CODA, consegnato_il__lt=limite, email_tentativi=0
        ).values_list("pk", flat=True)
    )


def imposta_preferenza(utente: User, valore: str) -> Profilo:
    if valore not in Profilo.Notifiche.values:
        raise ValidationError({"notifiche_email": "Scegli come ricevere le notifiche via e-mail."})
    profilo, _ = Profilo.objects.get_or_create(user=utente)
    profilo.notifiche_email = valore
    profilo.save(update_fields=["notifiche_email"])
    return profilo
