"""Background calls to ANAC: at most one successful call per operation, retried with exponential
backoff while the failure is transient.

How a domain app drives an asynchronous ANAC operation::

    from anac import registro
    from anac.chiavi import ChiaveOperazione
    from anac.tasks import avvia_operazione

    # the service, in its transaction ("Conferma appalto"):
    avvia_operazione(ordinativo, "crea-appalto", payload_ad4(...), utente=utente, contratto=...,
                     chiave=str(ChiaveOperazione("ordinativo", ordinativo.pk, "crea-appalto", (1,))))

    # once, in the app's AppConfig.ready: who is told when an operation of an Ordinativo ends
    def operazione_completata(ordinativo, operazione):     # called by the worker, in its transaction
        ...
    registro.registra(Ordinativo, operazione_completata)

``avvia_operazione`` is idempotent on ``chiave`` (same key → same operation, no second call); the
task is queued when the caller's transaction commits; the worker claims the operation with a lease
(a second delivery of the same message does nothing), calls ANAC through ``anac.services.chiama``
(so every attempt is in the Log Trasmissioni), retries transient errors (timeouts, network, 429,
5xx) with backoff up to ``SCT_ANAC_MAX_TENTATIVI``, and reconciles answers lost in a timeout
(``crea-appalto`` → ERR38 "codiceAppalto già presente": the appalto is found with
``ricerca-appalto``; ``conferma-*`` → "in corso"/already confirmed: accepted).
"""

import logging
import random
from datetime import timedelta

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import conf, registro
from .auth import codice_fiscale_di
from .client import ErroreANAC, leggi_esito
from .models import EsitoANAC, OperazioneANAC
from .services import SERVIZI, chiama

log = logging.getLogger(__name__)


class TaskANAC(DjangoTask):
    """Base for tasks that call ANAC: late acknowledgement (a worker that dies mid-call leaves the
    message to another worker) and exponential backoff with jitter for transient errors."""

    acks_late = True
    reject_on_worker_lost = True
    max_retries = None  # attempts are counted on OperazioneANAC (SCT_ANAC_MAX_TENTATIVI)

    @staticmethod
    def attesa(tentativo):
        base = min(conf.backoff() * (2 ** max(tentativo - 1, 0)), conf.backoff_max())
        return base * random.uniform(0.8, 1.0)  # noqa: S311 (jitter, not security)


def avvia_operazione(
    oggetto, servizio, *args, chiave, utente=None, contratto=None, codice_fiscale=None, max_attese=0, **kwargs
):
    """Create (once per ``chiave``) the operation "call ``servizio``(*args, **kwargs) for
    ``oggetto``" and queue it when the current transaction commits. Returns the
    :class:`~anac.models.OperazioneANAC` (the existing one if the key was used already).

    ``max_attese``: for ``esito-operazione``, how many more times to ask while ANAC answers WT
    (ANAC wants polling while the user waits: keep it small, the page polls too)."""
    if servizio not in SERVIZI:
        raise ValueError(f"Servizio ANAC sconosciuto: {servizio}")
    operazione, creata = OperazioneANAC.objects.get_or_create(
        chiave=chiave,
        defaults={
            "servizio": servizio,
            "parametri": {"args": list(args), "kwargs": kwargs},
            "content_type": ContentType.objects.get_for_model(oggetto, for_concrete_model=False),
            "object_id": str(oggetto.pk),
            "contratto_id": getattr(contratto, "pk", contratto),
            "utente": utente if getattr(utente, "is_authenticated", False) else None,
            "codice_fiscale": (codice_fiscale or codice_fiscale_di(utente)).upper(),
            "max_attese": max_attese,
        },
    )
    if creata:
        esegui_operazione.delay_on_commit(str(operazione.pk))
    return operazione


def riaccoda_operazioni_ferme(piu_vecchie_di=timedelta(minutes=10)):
    """Queue again the operations left non-terminal by a lost message or a crashed worker (for a
    periodic job or a management command). Returns how many were queued."""
    limite = timezone.now() - piu_vecchie_di
    ferme = OperazioneANAC.objects.filter(
        stato__in=[OperazioneANAC.Stato.IN_CODA, OperazioneANAC.Stato.IN_CORSO], aggiornata_il__lt=limite
    ).filter(Q(in_esecuzione_fino__isnull=True) | Q(in_esecuzione_fino__lt=timezone.now()))
    conta = 0
    for pk in ferme.values_list("pk", flat=True):
        esegui_operazione.delay(str(pk))
        conta += 1
    return conta


# ---- reconciliation of answers lost in a timeout ------------------------------------------


def _ack_recuperato():
    return {"status": 200, "title": "Richiesta acquisita", "recuperata": True}


def _recupera_appalto(chiama_op, args, errore):
    codice_appalto = args[0]["scheda"]["body"]["anacForm"]["appalto"]["codiceAppalto"]
    trovati = chiama_op("ricerca-appalto", codice_appalto=codice_appalto).get("result") or []
    if len(trovati) == 1:
        return {"idAppalto": trovati[0]["idAppalto"], "recuperata": True}
    return None


def _conferma_gia_chiesta(chiama_op, args, errore):
    return _ack_recuperato()


def _appalto_gia_confermato(chiama_op, args, errore):
    stato = chiama_op("stato-appalto", args[0]).get("esitoStato") or {}
    return _ack_recuperato() if _codice(stato.get("stato")) == "CONF" else None


def _scheda_gia_confermata(chiama_op, args, errore):
    id_appalto, id_scheda = args[0], args[1]
    schede = chiama_op("ricerca-scheda", id_appalto=id_appalto).get("result") or []
    for scheda in schede:
        if scheda.get("_idScheda") == id_scheda and _codice(scheda.get("_stato")) == "CONF":
            return _ack_recuperato()
    return None


RECUPERI = {
    ("crea-appalto", "ERR38"): _recupera_appalto,
    ("conferma-appalto", "ERR18"): _conferma_gia_chiesta,
    ("conferma-appalto", "ERR16"): _appalto_gia_confermato,
    ("conferma-scheda", "ERR60"): _conferma_gia_chiesta,
    ("conferma-scheda", "ERR58"): _scheda_gia_confermata,
}


def _codice(valore):
    return valore.get("codice", "") if isinstance(valore, dict) else (valore or "")


def _scheda_gia_creata(chiama_op, payload):
    """Before creating a scheda again after a lost answer: the draft may exist already."""
    scheda = payload.get("scheda") or {}
    form = (scheda.get("body") or {}).get("anacForm") or {}
    cig = form.get("cig") or ((form.get("datiContratto") or {}).get("cig") or [None])[0]
    trovate = (
        chiama_op(
            "ricerca-scheda",
            id_appalto=payload.get("idAppalto"),
            cig=cig if isinstance(cig, str) else None,
            codice_scheda=_codice(scheda.get("codice")),
            stato_scheda="IN_LAV",
        ).get("result")
        or []
    )
    if trovate:
        return {"idScheda": trovate[-1]["_idScheda"], "recuperata": True}
    return None


def _esegui(operazione, oggetto):
    args = operazione.parametri.get("args", [])
    kwargs = operazione.parametri.get("kwargs", {})

    def chiama_op(servizio, *a, **k):
        return chiama(
            servizio,
            *a,
            oggetto=oggetto,
            utente=operazione.utente,
            contratto=operazione.contratto_id,
            codice_fiscale=operazione.codice_fiscale,
            operazione=operazione,
            tentativo=operazione.tentativi,
            **k,
        )

    if operazione.servizio == "crea-scheda" and operazione.tentativi > 1:
        trovata = _scheda_gia_creata(chiama_op, args[0])
        if trovata:
            return trovata
    try:
        return chiama_op(operazione.servizio, *args, **kwargs)
    except ErroreANAC as errore:
        recupero = RECUPERI.get((operazione.servizio, errore.codice))
        if recupero is not None:
            risultato = recupero(chiama_op, args, errore)
            if risultato is not None:
                return risultato
        raise


def _avvisa_il_proprietario(oggetto, operazione):
    try:
        gestore = registro.gestore_di(operazione)
    except registro.TipoOperazioneSconosciuto:
        # Nobody to tell: the outcome is recorded and the error is explicit (never a silent skip).
        log.error("Esito dell'operazione ANAC %s registrato senza gestore", operazione.pk, exc_info=True)
        return
    gestore(oggetto, operazione)


def _concludi(operazione_id, stato, *, esito="", risultato=None, codice="", messaggio=""):
    """Record the end of an operation and tell its owner, in one transaction; a second call for
    an operation already ended does nothing."""
    try:
        with transaction.atomic():
            operazione = OperazioneANAC.objects.select_for_update().get(pk=operazione_id)
            if operazione.terminale:
                return operazione
            operazione.stato = stato
            operazione.esito = esito
            operazione.risultato = risultato
            operazione.codice_errore = codice or ""
            operazione.messaggio = messaggio or ""
            operazione.in_esecuzione_fino = None
            operazione.prossimo_tentativo_il = None
            operazione.completata_il = timezone.now()
            operazione.save()
            oggetto = operazione.oggetto
            if oggetto is not None:  # deleted owner: OGGETTO_ASSENTE, nobody to tell
                _avvisa_il_proprietario(oggetto, operazione)
    except Exception:
        # The owner could not record the outcome: the operation stays open (riaccoda_operazioni_ferme
        # runs it again; the reconciliation makes the second ANAC call harmless).
        log.exception("Esito dell'operazione ANAC %s non registrato", operazione_id)
        OperazioneANAC.objects.filter(pk=operazione_id).update(
            in_esecuzione_fino=None, messaggio="Esito ricevuto da ANAC ma non registrato: errore interno."
        )
        raise
    return operazione


@shared_task(bind=True, base=TaskANAC, name="anac.esegui_operazione")
def esegui_operazione(self, operazione_id):
    """Run one :class:`~anac.models.OperazioneANAC` (see the module docstring)."""
    adesso = timezone.now()
    lease = sum(conf.timeout()) * 2 + 30
    presa = (
        OperazioneANAC.objects.filter(
            pk=operazione_id, stato__in=[OperazioneANAC.Stato.IN_CODA, OperazioneANAC.Stato.IN_CORSO]
        )
        .filter(Q(in_esecuzione_fino__isnull=True) | Q(in_esecuzione_fino__lt=adesso))
        .update(
            stato=OperazioneANAC.Stato.IN_CORSO,
            in_esecuzione_fino=adesso + timedelta(seconds=lease),
            tentativi=F("tentativi") + 1,
        )
    )
    if not presa:
        # Already done (idempotency), being run by another delivery, or deleted.
        return {"eseguita": False}
    operazione = OperazioneANAC.objects.select_related("utente").get(pk=operazione_id)
    oggetto = operazione.oggetto
    if oggetto is None:
        _concludi(
            operazione.pk,
            OperazioneANAC.Stato.ERRORE,
            codice="OGGETTO_ASSENTE",
            messaggio="L'oggetto dell'operazione non esiste più: ANAC non è stata contattata.",
        )
        return {"eseguita": False}
    try:
        risultato = _esegui(operazione, oggetto)
    except ErroreANAC as errore:
        if errore.transitorio and operazione.tentativi < conf.max_tentativi():
            attesa = self.attesa(operazione.tentativi)
            OperazioneANAC.objects.filter(pk=operazione.pk).update(
                in_esecuzione_fino=None,
                prossimo_tentativo_il=timezone.now() + timedelta(seconds=attesa),
                codice_errore=errore.codice,
                messaggio=f"{errore.messaggio} Nuovo tentativo automatico in corso.",
            )
            raise self.retry(countdown=attesa) from errore
        rifiuto = errore.http_status is not None and 400 <= errore.http_status < 500 and not errore.transitorio
        messaggio = errore.messaggio
        if errore.transitorio:
            messaggio = f"{messaggio} Tentativi esauriti ({operazione.tentativi})."
        _concludi(
            operazione.pk,
            OperazioneANAC.Stato.KO if rifiuto else OperazioneANAC.Stato.ERRORE,
            esito=EsitoANAC.KO if rifiuto else EsitoANAC.ERRORE,
            risultato=errore.risposta if rifiuto else None,
            codice=errore.codice,
            messaggio=messaggio,
        )
        return {"eseguita": True, "stato": "ko" if rifiuto else "errore"}

    if operazione.servizio == "esito-operazione":
        letto = leggi_esito(risultato)
        if letto["esito"] == EsitoANAC.WT and operazione.attese < operazione.max_attese:
            attesa = self.attesa(operazione.attese + 1)
            OperazioneANAC.objects.filter(pk=operazione.pk).update(
                attese=F("attese") + 1,
                tentativi=F("tentativi") - 1,
                in_esecuzione_fino=None,
                esito=EsitoANAC.WT,
                prossimo_tentativo_il=timezone.now() + timedelta(seconds=attesa),
            )
            raise self.retry(countdown=attesa)
        stato = OperazioneANAC.Stato.KO if letto["esito"] == EsitoANAC.KO else OperazioneANAC.Stato.OK
        _concludi(
            operazione.pk,
            stato,
            esito=letto["esito"],
            risultato=risultato,
            codice=letto["codice"],
            messaggio=letto["messaggio"],
        )
    else:
        _concludi(operazione.pk, OperazioneANAC.Stato.OK, esito=EsitoANAC.OK, risultato=risultato)
    return {"eseguita": True, "stato": "ok"}
