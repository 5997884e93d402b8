"""The daily digest: one e-mail per user with every message waiting for it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .. import conf
from ..models import Consegna
from .invio import _descrivi, _id_esp, registra_invio_fallito, url_messaggio


def utenti_con_riepilogo() -> list[int]:
    return list(
        Consegna.objects.filter(email_stato=Consegna.StatoEmail.RIEPILOGO)
        .order_by()
        .values_list("utente_id", flat=True)
        .distinct()
    )


def invia_riepilogo(utente_id: int) -> int:
    """One e-mail with every message waiting for the user's daily digest. Returns how many it listed."""
    User = get_user_model()
    utente = User.objects.get(pk=utente_id)
    consegne = list(
        Consegna.objects.filter(utente=utente, email_stato=Consegna.StatoEmail.RIEPILOGO)
        .select_related("messaggio__contratto")
        .order_by("messaggio__contratto__title", "messaggio__creato_il")
    )
    if not consegne:
        return 0
    ids = [c.pk for c in consegne]
    Consegna.objects.filter(pk__in=ids).update(email_tentativi=consegne[0].email_tentativi + 1)
    if not utente.email:
        Consegna.objects.filter(pk__in=ids).update(email_stato=Consegna.StatoEmail.NESSUN_INDIRIZZO)
        return 0
    contesto = {
        "utente": utente,
        "voci": [(c, url_messaggio(c.messaggio)) for c in consegne],
        "url_inbox": conf.site_url() + reverse("comunicazioni:inbox"),
        "url_preferenze": conf.site_url() + reverse("comunicazioni:preferenze"),
        "data": timezone.localdate(),
    }
    email = EmailMultiAlternatives(
        subject=f"{conf.email_prefisso_oggetto()} Riepilogo giornaliero delle comunicazioni ({len(consegne)})".strip(),
        body=render_to_string("comunicazioni/email/riepilogo.txt", contesto),
        to=[utente.email],
    )
    email.attach_alternative(render_to_string("comunicazioni/email/riepilogo.html", contesto), "text/html")
    try:
        email.send(fail_silently=False)
    except Exception as exc:
        Consegna.objects.filter(pk__in=ids).update(email_errore=_descrivi(exc))
        raise
    Consegna.objects.filter(pk__in=ids).update(
        email_stato=Consegna.StatoEmail.INVIATA,
        email_inviata_il=timezone.now(),
        email_errore="",
        email_id_esp=_id_esp(email)[:255],
    )
    return len(consegne)


def consegne_riepilogo_fallite(utente_id: int, exc: BaseException) -> None:
    registra_invio_fallito(
        list(
            Consegna.objects.filter(utente_id=utente_id, email_stato=Consegna.StatoEmail.RIEPILOGO).values_list(
                "pk", flat=True
            )
        ),
        exc,
    )
