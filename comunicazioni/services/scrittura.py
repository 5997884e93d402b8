"""Writing: a message or a reply by a user, with validated texts and attachments, and its deliveries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import registra
from documenti.validazione import salva, valida
from organizzazioni.models import Profilo

from .. import conf
from ..models import Allegato, Consegna, Messaggio, Parte
from ..permessi import (
    ruoli,
    ruolo_per_risposta,
)
from .destinatari import Destinatari, _risolvi_scelta, utenti_della_parte
from .invio import accoda_email

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import Model
    from django.http import HttpRequest

    from contratti.models import ContrattoPage
    from organizzazioni.models import Ente

MSG_NON_PUBBLICATO = "Il modulo comunicazioni è attivo solo nei contratti pubblicati."
MSG_NON_ABILITATO = "Non sei abilitato a scrivere comunicazioni in questo contratto."
MSG_CHIARIMENTO_SOLO_ENTE = "Solo un ente aderente può inviare una richiesta di chiarimento."


def _numero(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _valida_testi(oggetto: str, testo: str) -> tuple[str, str]:
    errori: dict[str, str] = {}
    oggetto = (oggetto or "").strip()
    testo = (testo or "").strip()
    if not oggetto:
        errori["oggetto"] = "Indica l'oggetto del messaggio."
    elif len(oggetto) > conf.max_oggetto():
        errori["oggetto"] = (
            f"L'oggetto può contenere al massimo {_numero(conf.max_oggetto())} caratteri "
            f"(ne hai inseriti {_numero(len(oggetto))})."
        )
    if not testo:
        errori["testo"] = "Scrivi il testo del messaggio."
    elif len(testo) > conf.max_testo():
        errori["testo"] = (
            f"Il testo può contenere al massimo {_numero(conf.max_testo())} caratteri "
            f"(ne hai inseriti {_numero(len(testo))})."
        )
    for nome, valore in (("oggetto", oggetto), ("testo", testo)):
        if "\x00" in valore and nome not in errori:
            errori[nome] = "Il testo contiene caratteri non ammessi."
    if errori:
        raise ValidationError(errori)
    return oggetto, testo


def _valida_allegati(allegati: Sequence[UploadedFile]) -> list[Any]:
    """Check every attachment by content (``documenti``) before anything is stored."""
    if not allegati:
        return []
    if len(allegati) > conf.max_allegati():
        raise ValidationError({"allegati": f"Puoi allegare al massimo {conf.max_allegati()} file."})
    validati, errori = [], []
    for upload in allegati:
        try:
            validati.append(valida(upload, firma_richiesta=False, max_bytes=conf.max_bytes_allegato()))
        except ValidationError as exc:
            errori.extend(exc.messages)
    if errori:
        raise ValidationError({"allegati": errori})
    return validati


def _salva_allegati(
    messaggio: Messaggio, validati: list[Any], utente: User, request: HttpRequest | None = None
) -> list[Allegato]:
    return [
        Allegato.objects.create(messaggio=messaggio, documento=salva(v, utente=utente, request=request))
        for v in validati
    ]


def _crea(
    contratto: ContrattoPage,
    *,
    mittente_parte: str,
    mittente_ente: Ente | None = None,
    mittente_utente: User | None = None,
    destinatari: Destinatari,
    tipo: str,
    oggetto: str,
    testo: str,
    automatica: bool = False,
    evento: str = "",
    thread: Messaggio | None = None,
    risposta_a: Messaggio | None = None,
    riferimento: Model | None = None,
) -> Messaggio:
    messaggio = Messaggio(
        contratto=contratto,
        tipo=tipo,
        oggetto=oggetto,
        testo=testo,
        automatica=automatica,
        evento=evento,
        mittente_parte=mittente_parte,
        mittente_ente=mittente_ente,
        mittente_utente=mittente_utente,
        dest_banditore=destinatari.banditore,
        dest_operatore=destinatari.operatore,
        dest_tutti_aderenti=destinatari.tutti_aderenti,
        thread=thread,
        risposta_a=risposta_a,
    )
    if riferimento is not None:
        messaggio.riferimento_tipo = ContentType.objects.get_for_model(riferimento, for_concrete_model=False)
        messaggio.riferimento_id = str(riferimento.pk)
    messaggio.save()
    if destinatari.enti:
        messaggio.dest_enti.set(destinatari.enti)
    if destinatari.utenti:
        messaggio.dest_utenti.set(destinatari.utenti)
    _consegna(messaggio, destinatari, escludi=mittente_utente)
    return messaggio


def _consegna(messaggio: Messaggio, destinatari: Destinatari, escludi: User | None = None) -> list[Consegna]:
    """Delivery records for every recipient user, and their e-mails after the commit."""
    utenti = utenti_della_parte(
        messaggio.contratto,
        banditore=destinatari.banditore,
        operatore=destinatari.operatore,
        enti=destinatari.enti,
        utenti=destinatari.utenti,
    )
    if escludi is not None:
        utenti = utenti.exclude(pk=escludi.pk)
    ora = timezone.now()
    consegne = []
    for utente in utenti:
        profilo = getattr(utente, "profilo", None)
        if not utente.email:
            stato = Consegna.StatoEmail.NESSUN_INDIRIZZO
        elif profilo is not None and profilo.notifiche_email == Profilo.Notifiche.DIGEST:
            stato = Consegna.StatoEmail.RIEPILOGO
        else:
            stato = Consegna.StatoEmail.IN_CODA
        consegne.append(
            Consegna(
                messaggio=messaggio, utente=utente, consegnato_il=ora, email_stato=stato, email_indirizzo=utente.email
            )
        )
    Consegna.objects.bulk_create(consegne)
    da_inviare = list(
        Consegna.objects.filter(messaggio=messaggio, email_stato=Consegna.StatoEmail.IN_CODA).values_list(
            "pk", flat=True
        )
    )
    if da_inviare:
        transaction.on_commit(lambda: accoda_email(da_inviare))
    return consegne


@transaction.atomic
def invia_messaggio(
    contratto: ContrattoPage,
    *,
    utente: User,
    destinatario: str,
    tipo: str,
    oggetto: str,
    testo: str,
    allegati: Iterable[UploadedFile] = (),
    request: HttpRequest | None = None,
) -> Messaggio:
    """A message written by ``utente``. ``destinatario`` is a value of ``scelte_destinatario``.

    Raises ``PermissionDenied`` (unpublished contract, not a party) or ``ValidationError`` (bad
    input, forged recipient, disallowed attachment): nothing is stored in either case.
    """
    if not contratto.live:
        raise PermissionDenied(MSG_NON_PUBBLICATO)
    if not ruoli(utente, contratto):
        raise PermissionDenied(MSG_NON_ABILITATO)
    errori = {}
    try:
        oggetto, testo = _valida_testi(oggetto, testo)
    except ValidationError as exc:
        errori.update(exc.message_dict)
    ruolo = destinatari = None
    try:
        ruolo, destinatari = _risolvi_scelta(utente, contratto, destinatario or "")
    except ValidationError as exc:
        errori.update(exc.message_dict)
    validati = []
    try:
        validati = _valida_allegati(list(allegati))
    except ValidationError as exc:
        errori.update(exc.message_dict)
    if tipo not in Messaggio.Tipo.values:
        errori["tipo"] = ["Scegli il tipo di messaggio: Comunicazione o Chiarimento."]
    elif tipo == Messaggio.Tipo.CHIARIMENTO and ruolo is not None and ruolo.parte != Parte.ENTE:
        errori["tipo"] = [MSG_CHIARIMENTO_SOLO_ENTE]
    if errori or ruolo is None or destinatari is None:  # without errori both are set
        raise ValidationError(errori)
    messaggio = _crea(
        contratto,
        mittente_parte=ruolo.parte,
        mittente_ente=ruolo.ente,
        mittente_utente=utente,
        destinatari=destinatari,
        tipo=tipo,
        oggetto=oggetto,
        testo=testo,
    )
    _salva_allegati(messaggio, validati, utente, request)
    _audit("comunicazione.inviata", messaggio, utente, request)
    return messaggio


@transaction.atomic
def rispondi(
    messaggio: Messaggio,
    *,
    utente: User,
    oggetto: str,
    testo: str,
    allegati: Iterable[UploadedFile] = (),
    request: HttpRequest | None = None,
) -> Messaggio:
    """A reply: same thread, same type, to the party that sent ``messaggio``."""
    contratto = messaggio.contratto
    if not contratto.live:
        raise PermissionDenied(MSG_NON_PUBBLICATO)
    ruolo = ruolo_per_risposta(utente, messaggio)
    if ruolo is None:
        raise PermissionDenied("Non puoi rispondere a questo messaggio.")
    errori = {}
    try:
        oggetto, testo = _valida_testi(oggetto, testo)
    except ValidationError as exc:
        errori.update(exc.message_dict)
    validati = []
    try:
        validati = _valida_allegati(list(allegati))
    except ValidationError as exc:
        errori.update(exc.message_dict)
    if errori:
        raise ValidationError(errori)
    if messaggio.mittente_parte == Parte.BANDITORE:
        destinatari = Destinatari(banditore=True)
    elif messaggio.mittente_parte == Parte.OPERATORE:
        destinatari = Destinatari(operatore=True)
    else:
        destinatari = Destinatari(enti=[messaggio.mittente_ente])  # type: ignore[list-item]  # an ente's message
    risposta = _crea(
        contratto,
        mittente_parte=ruolo.parte,
        mittente_ente=ruolo.ente,
        mittente_utente=utente,
        destinatari=destinatari,
        tipo=messaggio.radice.tipo,
        oggetto=oggetto,
        testo=testo,
        thread=messaggio.radice,
        risposta_a=messaggio,
    )
    _salva_allegati(risposta, validati, utente, request)
    _audit("comunicazione.risposta", risposta, utente, request)
    return risposta


def _audit(azione: str, messaggio: Messaggio, utente: User, request: HttpRequest | None) -> None:
    registra(
        azione,
        messaggio,
        utente=utente,
        request=request,
        contratto=messaggio.contratto,
        dati={
            "tipo": messaggio.tipo,
            "mittente": messaggio.mittente_parte,
            "destinatari": messaggio.destinatari_etichette(),
        },
    )
