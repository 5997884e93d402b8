"""Business rules of the comunicazioni: writing, replying, automatic notifications, reading, e-mail,
publishing chiarimenti. Views only call these functions.

Public API for the other features::

    from comunicazioni.services import notifica
    notifica(contratto, *, evento, oggetto, testo, utenti=(), enti=(), banditore=False,
             operatore=False, riferimento=None, tipo="comunicazione") -> [Messaggio]
"""

import datetime
import logging
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from organizzazioni.models import Ente, Profilo

from . import conf
from .models import ChiarimentoPubblicato, Consegna, Messaggio, Parte
from .permessi import (
    Ruolo,
    enti_aderenti,
    enti_destinatari,
    messaggi_visibili,
    puo_pubblicare_chiarimento,
    ruoli,
    ruolo_per_risposta,
)

logger = logging.getLogger(__name__)

MSG_NON_PUBBLICATO = "Il modulo comunicazioni è attivo solo nei contratti pubblicati."
MSG_NON_ABILITATO = "Non sei abilitato a scrivere comunicazioni in questo contratto."
MSG_DESTINATARIO = "Destinatario non valido: scegli uno dei destinatari proposti."
MSG_CHIARIMENTO_SOLO_ENTE = "Solo un ente aderente può inviare una richiesta di chiarimento."


def _numero(n):
    return f"{n:,}".replace(",", ".")


# --------------------------------------------------------------------------- recipients


@dataclass
class Destinatari:
    banditore: bool = False
    operatore: bool = False
    tutti_aderenti: bool = False
    enti: list = field(default_factory=list)
    utenti: list = field(default_factory=list)

    def vuoto(self):
        return not (self.banditore or self.operatore or self.enti or self.utenti or self.tutti_aderenti)


def _etichetta_operatore(contratto):
    return f"OE aggiudicatario – {contratto.aggiudicatario}"


def scelte_destinatario(user, contratto):
    """``[(Ruolo, [(valore, etichetta), …]), …]``: every sender/recipient pair the user may choose.

    ``valore`` is ``"<mittente>><destinatario>"``, e.g. ``"ente:5>banditore"``, ``"banditore>aderenti"``.
    """
    if not contratto.live:
        return []
    risultato = []
    for ruolo in ruoli(user, contratto):
        if ruolo.parte == Parte.ENTE:
            dest = [("banditore", Parte.BANDITORE.label), ("operatore", _etichetta_operatore(contratto))]
        else:
            dest = []
            if enti_aderenti(contratto).exists():
                dest.append(("aderenti", "Tutti gli enti aderenti del contratto"))
            dest.extend((f"ente:{e.pk}", str(e)) for e in enti_destinatari(contratto))
            if ruolo.parte == Parte.BANDITORE:
                dest.append(("operatore", _etichetta_operatore(contratto)))
            else:
                dest.append(("banditore", Parte.BANDITORE.label))
        risultato.append((ruolo, [(f"{ruolo.chiave}>{chiave}", etichetta) for chiave, etichetta in dest]))
    return risultato


def _risolvi_scelta(user, contratto, valore):
    for ruolo, opzioni in scelte_destinatario(user, contratto):
        if valore in {v for v, _ in opzioni}:
            chiave = valore.split(">", 1)[1]
            if chiave == "banditore":
                return ruolo, Destinatari(banditore=True)
            if chiave == "operatore":
                return ruolo, Destinatari(operatore=True)
            if chiave == "aderenti":
                return ruolo, Destinatari(tutti_aderenti=True, enti=list(enti_aderenti(contratto)))
            return ruolo, Destinatari(enti=[Ente.objects.get(pk=int(chiave.split(":", 1)[1]))])
    raise ValidationError({"destinatario": MSG_DESTINATARIO})


def utenti_della_parte(contratto, *, banditore=False, operatore=False, enti=(), utenti=()):
    """Active users of the given parties of ``contratto``."""
    from guardian.shortcuts import get_users_with_perms

    User = get_user_model()
    q = Q(pk__in=[u.pk for u in utenti])
    if banditore:
        abilitati = get_users_with_perms(contratto, only_with_perms_in=["gestisci_contratto"], with_group_users=True)
        q |= Q(pk__in=abilitati.values("pk"))
    if operatore:
        q |= Q(incarichi__operatore_id=contratto.aggiudicatario_id)
    if enti:
        q |= Q(incarichi__ente__in=[e.pk for e in enti])
    ids = User.objects.filter(q, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).select_related("profilo").order_by("last_name", "username")


# --------------------------------------------------------------------------- writing


def _valida_testi(oggetto, testo):
    errori = {}
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


def _valida_allegati(allegati):
    """Check every attachment by content (``documenti``) before anything is stored."""
    if not allegati:
        return []
    if len(allegati) > conf.max_allegati():
        raise ValidationError({"allegati": f"Puoi allegare al massimo {conf.max_allegati()} file."})
    from documenti.validazione import valida

    validati, errori = [], []
    for upload in allegati:
        try:
            validati.append(valida(upload, firma_richiesta=False, max_bytes=conf.max_bytes_allegato()))
        except ValidationError as exc:
            errori.extend(exc.messages)
    if errori:
        raise ValidationError({"allegati": errori})
    return validati


def _salva_allegati(messaggio, validati, utente, request=None):
    from documenti.validazione import salva

    from .models import Allegato

    return [
        Allegato.objects.create(messaggio=messaggio, documento=salva(v, utente=utente, request=request))
        for v in validati
    ]


def _crea(contratto, *, mittente_parte, mittente_ente=None, mittente_utente=None, destinatari, tipo, oggetto,
          testo, automatica=False, evento="", thread=None, risposta_a=None, riferimento=None):
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


def _consegna(messaggio, destinatari, escludi=None):
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
            Consegna(messaggio=messaggio, utente=utente, consegnato_il=ora, email_stato=stato, email_indirizzo=utente.email)
        )
    Consegna.objects.bulk_create(consegne)
    da_inviare = list(
        Consegna.objects.filter(messaggio=messaggio, email_stato=Consegna.StatoEmail.IN_CODA).values_list("pk", flat=True)
    )
    if da_inviare:
        transaction.on_commit(lambda: accoda_email(da_inviare))
    return consegne


def accoda_email(consegna_ids):
    """Hand the e-mails to Celery. A broker that does not answer leaves them "in invio": the daily
    job (``invia_riepiloghi_giornalieri``) queues them again."""
    from .tasks import invia_email_consegna

    for pk in consegna_ids:
        try:
            invia_email_consegna.delay(pk)
        except Exception:  # noqa: BLE001 - the message is stored; the e-mail is retried later
            logger.exception("Coda non disponibile: e-mail della consegna %s rimandata", pk)


@transaction.atomic
def invia_messaggio(contratto, *, utente, destinatario, tipo, oggetto, testo, allegati=(), request=None):
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
    if errori:
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
def rispondi(messaggio, *, utente, oggetto, testo, allegati=(), request=None):
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
        destinatari = Destinatari(enti=[messaggio.mittente_ente])
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


def notifica(contratto, *, evento, oggetto, testo, utenti=(), enti=(), banditore=False, operatore=False,
             riferimento=None, tipo=Messaggio.Tipo.COMUNICAZIONE):
    """An automatic notification in ``contratto`` to exactly the given recipients.

    ``utenti``: specific users; ``enti``: every user of those enti; ``banditore``: the contract's
    utenti abilitati; ``operatore``: the users of the OE aggiudicatario. ``riferimento``: the record
    it is about. The message is visible in the contract's comunicazioni to those recipients only;
    e-mails (or the daily digest, per the user's preference) leave after the surrounding transaction
    commits, so a rollback sends nothing. Returns the created messages (one).
    """
    destinatari = Destinatari(
        banditore=bool(banditore),
        operatore=bool(operatore),
        enti=[e for e in enti if e is not None],
        utenti=[u for u in utenti if u is not None],
    )
    if destinatari.vuoto():
        raise ValueError("notifica senza destinatari")
    oggetto = (oggetto or "").strip()[: conf.max_oggetto()] or "Notifica automatica"
    with transaction.atomic():
        messaggio = _crea(
            contratto,
            mittente_parte=Parte.SISTEMA,
            destinatari=destinatari,
            tipo=tipo,
            oggetto=oggetto,
            testo=testo or "",
            automatica=True,
            evento=evento,
            riferimento=riferimento,
        )
    return [messaggio]


def _audit(azione, messaggio, utente, request):
    from audit.services import registra

    registra(
        azione,
        messaggio,
        utente=utente,
        request=request,
        contratto=messaggio.contratto,
        dati={"tipo": messaggio.tipo, "mittente": messaggio.mittente_parte, "destinatari": messaggio.destinatari_etichette()},
    )


# --------------------------------------------------------------------------- reading


def segna_letti(utente, messaggi):
    """Mark the user's deliveries of ``messaggi`` read (first reading only)."""
    ids = [m.pk for m in messaggi]
    return Consegna.objects.filter(utente=utente, messaggio_id__in=ids, letto_il__isnull=True).update(
        letto_il=timezone.now()
    )


def non_lette(utente, contratto=None):
    """Unread deliveries of the user in live contracts."""
    if not utente.is_authenticated:
        return Consegna.objects.none()
    qs = Consegna.objects.filter(utente=utente, letto_il__isnull=True, messaggio__contratto__live=True)
    if contratto is not None:
        qs = qs.filter(messaggio__contratto=contratto)
    return qs


def conversazione(utente, messaggio):
    """The messages of ``messaggio``'s thread the user may read, oldest first."""
    radice_id = messaggio.radice_id
    return (
        messaggi_visibili(utente)
        .filter(Q(pk=radice_id) | Q(thread_id=radice_id))
        .select_related("mittente_ente", "mittente_utente", "contratto__aggiudicatario")
        .prefetch_related("allegati__documento")
        .order_by("creato_il", "pk")
    )


def riepilogo_per_contratto(utente):
    """``[(contratto, non_lette, totale)]`` over the live contracts where the user has messages."""
    from django.db.models import Count

    from contratti.models import ContrattoPage

    visibili = messaggi_visibili(utente).filter(contratto__live=True)
    totali = dict(visibili.values("contratto").annotate(n=Count("pk")).values_list("contratto", "n"))
    nonlette = dict(non_lette(utente).values("messaggio__contratto").annotate(n=Count("pk")).values_list("messaggio__contratto", "n"))
    contratti = ContrattoPage.objects.filter(pk__in=totali).order_by("title")
    return [(c, nonlette.get(c.pk, 0), totali[c.pk]) for c in contratti]


# --------------------------------------------------------------------------- e-mail


def url_messaggio(messaggio):
    return conf.site_url() + reverse("comunicazioni:messaggio", args=[messaggio.pk])


def _email_consegna(consegna):
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


def _id_esp(email):
    stato = getattr(email, "anymail_status", None)
    return (getattr(stato, "message_id", None) or "") if stato is not None else ""


def invia_email_consegna(consegna_id):
    """Send the e-mail of one delivery (idempotent). A failure is recorded and re-raised for the retry."""
    consegna = Consegna.objects.select_related("messaggio__contratto", "utente").filter(pk=consegna_id).first()
    if consegna is None or consegna.email_stato != Consegna.StatoEmail.IN_CODA:
        return False
    Consegna.objects.filter(pk=consegna.pk).update(email_tentativi=consegna.email_tentativi + 1)
    email = _email_consegna(consegna)
    try:
        email.send(fail_silently=False)
    except Exception as exc:
        Consegna.objects.filter(pk=consegna.pk).update(email_errore=_descrivi(exc), email_stato=Consegna.StatoEmail.IN_CODA)
        raise
    Consegna.objects.filter(pk=consegna.pk).update(
        email_stato=Consegna.StatoEmail.INVIATA, email_inviata_il=timezone.now(), email_errore="", email_id_esp=_id_esp(email)[:255]
    )
    return True


@transaction.atomic
def ritenta_email(consegna, *, utente):
    """The sender asks to send a failed e-mail again."""
    from .permessi import e_parte_mittente

    if not e_parte_mittente(utente, consegna.messaggio):
        raise PermissionDenied("Solo chi ha inviato il messaggio può ritentare l'invio dell'e-mail.")
    if consegna.email_stato != Consegna.StatoEmail.ERRORE:
        raise ValidationError("L'e-mail di questo destinatario non è in errore.")
    Consegna.objects.filter(pk=consegna.pk).update(email_stato=Consegna.StatoEmail.IN_CODA, email_tentativi=0)
    transaction.on_commit(lambda: accoda_email([consegna.pk]))


def registra_invio_fallito(consegna_ids, exc):
    """After the last retry: the deliveries show "Invio non riuscito" with the reason to the sender."""
    Consegna.objects.filter(pk__in=consegna_ids).exclude(email_stato=Consegna.StatoEmail.INVIATA).update(
        email_stato=Consegna.StatoEmail.ERRORE, email_errore=_descrivi(exc)
    )


def _descrivi(exc):
    testo = str(exc).strip() or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {testo}"[:2000] if testo != exc.__class__.__name__ else testo


def utenti_con_riepilogo():
    return list(
        Consegna.objects.filter(email_stato=Consegna.StatoEmail.RIEPILOGO)
        .order_by()
        .values_list("utente_id", flat=True)
        .distinct()
    )


def invia_riepilogo(utente_id):
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
        email_stato=Consegna.StatoEmail.INVIATA, email_inviata_il=timezone.now(), email_errore="", email_id_esp=_id_esp(email)[:255]
    )
    return len(consegne)


def consegne_riepilogo_fallite(utente_id, exc):
    registra_invio_fallito(
        list(
            Consegna.objects.filter(utente_id=utente_id, email_stato=Consegna.StatoEmail.RIEPILOGO).values_list("pk", flat=True)
        ),
        exc,
    )


def consegne_rimaste_in_coda(eta_minuti=60):
    """Deliveries still "in invio" long after their message: their e-mail never left (broker down)."""
    limite = timezone.now() - datetime.timedelta(minutes=eta_minuti)
    return list(
        Consegna.objects.filter(email_stato=Consegna.StatoEmail.IN_CODA, consegnato_il__lt=limite, email_tentativi=0)
        .values_list("pk", flat=True)
    )


# --------------------------------------------------------------------------- chiarimenti pubblici

OMISSIS = "[omissis]"


def _nomi_da_nascondere(radice):
    """Names that identify who asked: the writers on the ente side of the thread and their enti."""
    nomi = set()
    messaggi = Messaggio.objects.filter(Q(pk=radice.pk) | Q(thread=radice), mittente_parte=Parte.ENTE)
    for m in messaggi.select_related("mittente_utente", "mittente_ente"):
        if m.mittente_ente is not None:
            nomi.update({m.mittente_ente.denominazione, m.mittente_ente.codice_fiscale, m.mittente_ente.pec})
        u = m.mittente_utente
        if u is not None:
            nomi.update({u.get_full_name(), u.first_name, u.last_name, u.email})
    return sorted({n.strip() for n in nomi if n and len(n.strip()) >= 3}, key=len, reverse=True)


def _nomi_presenti(testo, nomi):
    basso = testo.casefold()
    return [n for n in nomi if re.search(r"(?<!\w)" + re.escape(n.casefold()) + r"(?!\w)", basso)]


# A phone number: optional +39/0039, a landline prefix (0…, also in brackets) or a mobile one (3xx),
# then digits with optional separators (space, dot, slash, hyphen). _e_telefono() keeps out dates,
# amounts ("350.000.000"), short codes (ISTAT 048017: fewer than 8 digits) and 11-digit codici fiscali /
# partite IVA written without separators.
RE_TELEFONO = re.compile(
    r"(?<![\w+])(?:(?:\+|00) ?39[ ./-]?)?(?:\(?0[0-9]{1,3}\)?|3[0-9]{2})(?:[ \u00a0./-]?[0-9]){4,8}(?![\w])"
)
_DATA = re.compile(r"[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}")
_IMPORTO = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")


def _e_telefono(testo):
    cifre = re.sub(r"[^0-9]", "", testo)
    internazionale = testo.startswith(("+", "00"))
    if internazionale:
        cifre = cifre.removeprefix("00").removeprefix("39")
    if not 8 <= len(cifre) <= 11 or _DATA.fullmatch(testo) or _IMPORTO.fullmatch(testo):
        return False
    return internazionale or not re.fullmatch(r"[0-9]{11}", testo)


def _telefoni_presenti(testo):
    return [m.group(0) for m in RE_TELEFONO.finditer(testo) if _e_telefono(m.group(0))]


def anonimizza(testo, nomi):
    """Names of who asked and every phone number replaced by [omissis]."""
    for nome in nomi:
        testo = re.sub(r"(?<!\w)" + re.escape(nome) + r"(?!\w)", OMISSIS, testo, flags=re.IGNORECASE)
    return RE_TELEFONO.sub(lambda m: OMISSIS if _e_telefono(m.group(0)) else m.group(0), testo)


def proposta_pubblicazione(messaggio):
    """Question and answer proposed for publication, with the asker's names already replaced."""
    radice = messaggio.radice
    esistente = ChiarimentoPubblicato.objects.filter(conversazione=radice).first()
    if esistente is not None:
        return {"domanda": esistente.domanda, "risposta": esistente.risposta}
    nomi = _nomi_da_nascondere(radice)
    risposta = (
        Messaggio.objects.filter(thread=radice, mittente_parte=Parte.BANDITORE).order_by("-creato_il", "-pk").first()
    )
    return {
        "domanda": anonimizza(radice.testo, nomi),
        "risposta": anonimizza(risposta.testo, nomi) if risposta is not None else "",
    }


@transaction.atomic
def pubblica_chiarimento(messaggio, *, utente, domanda, risposta, request=None):
    """Publish (or update) the anonymised question and answer of a chiarimento thread."""
    radice = messaggio.radice
    if not radice.contratto.live:
        raise PermissionDenied(MSG_NON_PUBBLICATO)
    if not puo_pubblicare_chiarimento(utente, radice):
        raise PermissionDenied("Solo il CdC_Banditore del contratto può pubblicare i chiarimenti.")
    errori = {}
    domanda = (domanda or "").strip()
    risposta = (risposta or "").strip()
    nomi = _nomi_da_nascondere(radice)
    for campo, valore, vuoto in (
        ("domanda", domanda, "Scrivi la domanda da pubblicare."),
        ("risposta", risposta, "Scrivi la risposta da pubblicare."),
    ):
        if not valore:
            errori[campo] = vuoto
        elif len(valore) > conf.max_testo():
            errori[campo] = f"Il testo può contenere al massimo {_numero(conf.max_testo())} caratteri."
        elif _nomi_presenti(valore, nomi):
            errori[campo] = (
                "Il testo contiene il nome di chi ha posto la domanda o del suo ente "
                f"({', '.join(_nomi_presenti(valore, nomi))}): il chiarimento si pubblica in forma anonima."
            )
        elif _telefoni_presenti(valore):
            errori[campo] = (
                f"Il testo contiene un numero di telefono ({', '.join(_telefoni_presenti(valore))}): "
                "il chiarimento si pubblica in forma anonima."
            )
    if errori:
        raise ValidationError(errori)
    chiarimento, creato = ChiarimentoPubblicato.objects.update_or_create(
        conversazione=radice,
        defaults={
            "contratto": radice.contratto,
            "domanda": domanda,
            "risposta": risposta,
            "pubblicato_da": utente,
            "pubblicato_il": timezone.now(),
        },
    )
    from audit.services import registra

    registra(
        "chiarimento.pubblicato" if creato else "chiarimento.aggiornato",
        chiarimento,
        utente=utente,
        request=request,
        contratto=radice.contratto,
    )
    return chiarimento


@transaction.atomic
def ritira_chiarimento(chiarimento, *, utente, request=None):
    from contratti.permessi import e_banditore

    if not e_banditore(utente, chiarimento.contratto):
        raise PermissionDenied("Solo il CdC_Banditore del contratto può ritirare i chiarimenti pubblicati.")
    from audit.services import registra

    registra("chiarimento.ritirato", chiarimento, utente=utente, request=request, contratto=chiarimento.contratto)
    chiarimento.delete()


def chiarimenti_pubblicati(contratto):
    return ChiarimentoPubblicato.objects.filter(contratto=contratto).order_by("-pubblicato_il", "-pk")


def imposta_preferenza(utente, valore):
    if valore not in Profilo.Notifiche.values:
        raise ValidationError({"notifiche_email": "Scegli come ricevere le notifiche via e-mail."})
    profilo, _ = Profilo.objects.get_or_create(user=utente)
    profilo.notifiche_email = valore
    profilo.save(update_fields=["notifiche_email"])
    return profilo


__all__ = [
    "MSG_DESTINATARIO",
    "MSG_NON_ABILITATO",
    "MSG_NON_PUBBLICATO",
    "Ruolo",
    "accoda_email",
    "chiarimenti_pubblicati",
    "conversazione",
    "invia_messaggio",
    "notifica",
    "non_lette",
    "pubblica_chiarimento",
    "rispondi",
    "ritira_chiarimento",
    "scelte_destinatario",
    "segna_letti",
]
