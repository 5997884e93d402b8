"""The ANAC sequence of a scheda: what is asked of ANAC, with which idempotency key, and what each
answer (recorded by the Celery worker) does to the scheda and, for the ANN, to its ordinativo.

invia scheda: crea-scheda → conferma-scheda → "inviata" (ANAC accepted the request).
Verifica invio: esito-operazione (SC_CONF) → OK: "confermata" (ANN: the ordinativo is "Annullato";
esiti reacts to ``ordinativo_annullato``); KO: back to bozza with ANAC's message (the user can send
again); WT or no answer: still "inviata", the user verifies again. Elimina (a draft ANAC has):
cancella-scheda. Every exchange is in the scheda's Log Trasmissioni. State changes go through
``stati.transita``; the worker reaches ``operazione_completata`` through ``anac.registro``."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from anac import registro
from anac.chiavi import ChiaveOperazione
from anac.client import ErroreANAC, leggi_esito
from anac.models import EsitoANAC, OperazioneANAC
from anac.services import payload_ann, payload_sc1
from anac.tasks import avvia_operazione
from audit.services import registra

from ..models import Ordinativo, Scheda
from ..ordinativi import stati as stati_ordinativo
from ..ordinativi.anac import partecipanti
from . import stati

TIPO_ESITO = "SC_CONF"
ATTESE_PER_VERIFICA = 2
MSG_ESITO_NON_DISPONIBILE = (
    "ANAC non ha ancora elaborato la scheda: l'esito non è disponibile. Riprova “Verifica invio” tra qualche istante."
)
MSG_ESITO_ALTRA_SCHEDA = "L'ultimo esito restituito da ANAC non riguarda questa scheda: riprova “Verifica invio”."


# --- idempotency keys ---------------------------------------------------------------------------

TIPO_CHIAVE = "scheda"
# The step of the key → the counters of the scheda it carries (the keys stored since the start:
# "scheda:7:crea-scheda:1", "scheda:7:esito-operazione:2", "scheda:7:cancella-scheda").
NUMERI_DELLA_CHIAVE = {
    "crea-scheda": ("tentativo_invio",),
    "conferma-scheda": ("tentativo_invio",),
    "esito-operazione": ("tentativo_verifica",),
    "cancella-scheda": (),
}


def chiave(scheda, passo: str) -> str:
    """The idempotency key of ``passo`` in the current attempt of ``scheda`` (the only builder)."""
    numeri = tuple(getattr(scheda, campo) for campo in NUMERI_DELLA_CHIAVE[passo])
    return str(ChiaveOperazione(TIPO_CHIAVE, scheda.pk, passo, numeri))


def leggi_chiave(testo: str) -> ChiaveOperazione:
    letta = ChiaveOperazione.leggi(testo)
    if letta.tipo != TIPO_CHIAVE or letta.passo not in NUMERI_DELLA_CHIAVE:
        raise ValueError(f"Non è una chiave di un'operazione ANAC di una scheda: {testo!r}")
    return letta


def prefisso_chiavi(scheda, passo: str = "") -> str:
    """The start of the keys of ``scheda`` (of one ``passo``), for ``chiave__startswith``."""
    return ChiaveOperazione.prefisso(TIPO_CHIAVE, scheda.pk, passo)


# --- requests -----------------------------------------------------------------------------------


def id_partecipante(ordinativo):
    """The ``idPartecipante`` of the supplier (the RTI's mandataria) in the AD4 sent for the order."""
    operazione = (
        OperazioneANAC.objects.filter(
            content_type=ContentType.objects.get_for_model(Ordinativo, for_concrete_model=False),
            object_id=str(ordinativo.pk),
            servizio="crea-appalto",
            stato=OperazioneANAC.Stato.OK,
        )
        .order_by("-creata_il")
        .first()
    )
    try:
        voci = operazione.parametri["args"][0]["scheda"]["body"]["anacForm"]["aggiudicazioni"][0]["partecipanti"]
    except (AttributeError, KeyError, IndexError, TypeError):
        voci = []
    if voci:
        mandataria = next((v for v in voci if (v.get("ruoloOE") or {}).get("codice") == "13"), voci[0])
        return mandataria["idPartecipante"]
    # Same rule as anac.services.payload_ad4.
    membri = partecipanti(ordinativo)
    mandataria = next((m for m in membri if m["ruolo"] == "mandataria"), membri[0])
    return str(uuid.uuid5(uuid.NAMESPACE_OID, mandataria["codice_fiscale"]))


def payload(scheda):
    """The CreaSchedaRequest of the scheda."""
    ordinativo = scheda.ordinativo
    if scheda.tipo == Scheda.Tipo.ANN:
        return payload_ann(id_appalto=ordinativo.id_appalto, cig=scheda.cig)
    return payload_sc1(
        id_appalto=ordinativo.id_appalto,
        cig=scheda.cig,
        id_partecipante=id_partecipante(ordinativo),
        data_stipula=scheda.data_stipula,
        data_decorrenza=scheda.data_decorrenza,
        data_scadenza=scheda.data_scadenza,
        data_esecutivita=scheda.data_esecutivita,
        importo_cauzione=scheda.importo_cauzione,
    )


def _avvia(scheda, servizio, *args, utente=None, codice_fiscale=None, **kwargs):
    ordinativo = scheda.ordinativo
    return avvia_operazione(
        scheda,
        servizio,
        *args,
        chiave=chiave(scheda, servizio),
        utente=utente,
        contratto=ordinativo.contratto_id,
        codice_fiscale=codice_fiscale,
        **kwargs,
    )


def avvia_invio(scheda, *, utente):
    """ "invia scheda" (the state is already "invio in corso"). After a negative outcome the draft ANAC
    already has is confirmed again (no second crea-scheda)."""
    if scheda.id_scheda:
        _avvia(scheda, "conferma-scheda", scheda.ordinativo.id_appalto, scheda.id_scheda, utente=utente)
    else:
        _avvia(scheda, "crea-scheda", payload(scheda), utente=utente)


def avvia_verifica(scheda, *, utente):
    """ "Verifica invio": esito-operazione (SC_CONF)."""
    _avvia(
        scheda,
        "esito-operazione",
        scheda.ordinativo.id_appalto,
        TIPO_ESITO,
        utente=utente,
        max_attese=ATTESE_PER_VERIFICA,
    )


def avvia_cancellazione(scheda, *, utente):
    """A deleted draft that ANAC has: cancella-scheda (it needs the RUP)."""
    _avvia(scheda, "cancella-scheda", scheda.ordinativo.id_appalto, scheda.id_scheda, utente=utente)


# --- answers ------------------------------------------------------------------------------------


def _dati(scheda, operazione, **extra):
    return {"tipo": scheda.tipo, "cig": scheda.cig, "servizio": operazione.servizio, **extra}


def _registra(azione, scheda, operazione, **kwargs):
    """An audit entry that is not a change of state (the verification's outcome, cancella-scheda)."""
    registra(
        azione,
        scheda,
        utente=operazione.utente,
        contratto=scheda.ordinativo.contratto_id,
        dati=_dati(scheda, operazione),
        **kwargs,
    )


def _messaggio(operazione, predefinito="Operazione non riuscita."):
    return f"{operazione.codice_errore} – {operazione.messaggio}".strip(" –") or predefinito


def _tornata_in_bozza(scheda, operazione):
    """A refusal (or no answer after the automatic retries): visible, and the user can send again."""
    errore = _messaggio(operazione)
    stati.transita(
        scheda,
        "anac_ko",
        utente=operazione.utente,
        motivo=errore,
        dati=_dati(scheda, operazione),
        campi={"verifica_in_corso": False, "errore_anac": errore},
    )


def _confermata(scheda, operazione):
    ordinativo = scheda.ordinativo
    stati.transita(
        scheda,
        "conferma",
        utente=operazione.utente,
        dati=_dati(scheda, operazione),
        campi={"confermata_il": timezone.now(), "errore_anac": ""},
    )
    if scheda.tipo == Scheda.Tipo.ANN and ordinativo.stato != Ordinativo.Stato.ANNULLATO:
        # Sent to the banditore while the ANN was on its way: the nulla osta has nothing left to approve.
        stato_workflow = ordinativo.current_workflow_state
        if stato_workflow is not None:
            stato_workflow.cancel(user=operazione.utente)
        stati_ordinativo.transita(
            ordinativo,
            "annulla",
            utente=operazione.utente,
            motivo="Scheda ANN confermata da ANAC: errata comunicazione",
            dati={"cig": scheda.cig, "scheda": scheda.pk},
            campi={"annullato_il": scheda.confermata_il},
        )


def _verifica_non_riuscita(scheda, operazione, errore):
    scheda.esito_verifica = EsitoANAC.ERRORE
    scheda.errore_anac = errore
    scheda.save()
    _registra("scheda.verifica_non_riuscita", scheda, operazione, motivo=errore)


def _verifica_completata(scheda, operazione):
    scheda.verifica_in_corso = False
    try:
        letto = leggi_esito(operazione.risultato, TIPO_ESITO)
    except ErroreANAC:
        letto = None  # no outcome in the answer: ANAC did not answer, or refused the question itself
    if letto is None or operazione.esito == EsitoANAC.ERRORE:
        return _verifica_non_riuscita(
            scheda, operazione, _messaggio(operazione, "ANAC non ha restituito l'esito dell'operazione.")
        )
    if letto["id_scheda"] and scheda.id_scheda and letto["id_scheda"] != scheda.id_scheda:
        return _verifica_non_riuscita(scheda, operazione, MSG_ESITO_ALTRA_SCHEDA)
    scheda.esito_verifica = letto["esito"]
    if letto["esito"] == EsitoANAC.OK:
        return _confermata(scheda, operazione)
    if letto["esito"] == EsitoANAC.KO:
        return _tornata_in_bozza(scheda, operazione)
    scheda.errore_anac = ""
    scheda.save()
    _registra("scheda.verifica_in_attesa", scheda, operazione, motivo=MSG_ESITO_NON_DISPONIBILE)


def _invio_completato(scheda, operazione, *, ok):
    if scheda.stato != Scheda.Stato.INVIO_IN_CORSO:
        return  # a late answer of an attempt already settled
    if not ok:
        return _tornata_in_bozza(scheda, operazione)
    if operazione.servizio == "crea-scheda":
        scheda.id_scheda = str((operazione.risultato or {}).get("idScheda", ""))[:64]
        scheda.save(update_fields=["id_scheda", "aggiornata_il"])
        _avvia(
            scheda,
            "conferma-scheda",
            scheda.ordinativo.id_appalto,
            scheda.id_scheda,
            utente=operazione.utente,
            codice_fiscale=operazione.codice_fiscale,
        )
    else:
        stati.transita(scheda, "inviata", utente=operazione.utente, dati=_dati(scheda, operazione))


def operazione_completata(scheda, operazione):
    """Called in the worker's transaction when an ANAC operation of ``scheda`` ends."""
    # Same lock order as the services: the ordinativo, then the scheda.
    ordinativo = Ordinativo.objects.select_for_update().get(pk=scheda.ordinativo_id)
    scheda = Scheda.objects.select_for_update().get(pk=scheda.pk)
    scheda.ordinativo = ordinativo
    ok = operazione.stato == OperazioneANAC.Stato.OK
    servizio = operazione.servizio
    if servizio in ("crea-scheda", "conferma-scheda"):
        _invio_completato(scheda, operazione, ok=ok)
    elif servizio == "esito-operazione":
        if scheda.stato != Scheda.Stato.INVIATA or not scheda.verifica_in_corso:
            return
        _verifica_completata(scheda, operazione)
    elif servizio == "cancella-scheda":
        _registra(
            "scheda.cancellata_su_anac" if ok else "scheda.cancellazione_su_anac_non_riuscita",
            scheda,
            operazione,
            motivo="" if ok else _messaggio(operazione),
        )


def connect():
    """Register the handler of the schede's ANAC operations (from ContrattiConfig.ready)."""
    registro.registra(Scheda, operazione_completata)
