"""The ANAC sequence of an ordinativo: what is asked of ANAC, with which idempotency key, and what
each answer (recorded by the Celery worker) does to the ordinativo.

Conferma appalto: crea-appalto (or, for an appalto ANAC has already, modifica-appalto when the data of
Richiedi CIG changed) → conferma-appalto → esito-operazione (AP_CONF) until OK or KO.
Acquisisci CIG: recupera-cig. A failure leaves the order where the user can try again, with ANAC's
message visible; every request and answer is in the Log Trasmissioni. State changes go through
``stati.transita``; the worker reaches ``operazione_completata`` through ``anac.registro``."""

from anac import registro
from anac.chiavi import ChiaveOperazione
from anac.models import EsitoANAC, OperazioneANAC
from anac.services import payload_ad4 as costruisci_ad4
from anac.tasks import avvia_operazione

from ..models import Ordinativo
from . import stati

TIPO_CONFERMA = "AP_CONF"
# While ANAC answers WT the worker asks again by itself (no page has to ask: a GET never calls ANAC):
# each interrogation repeats the question up to ATTESE_PER_INTERROGAZIONE times with exponential backoff
# (SCT_ANAC_BACKOFF … SCT_ANAC_BACKOFF_MAX: about 8 minutes with the defaults), then a new one starts, up
# to INTERROGAZIONI_ESITO; after that the order goes back to bozza and "Conferma appalto" asks again.
ATTESE_PER_INTERROGAZIONE = 8
INTERROGAZIONI_ESITO = 3
MSG_ESITO_NON_DISPONIBILE = (
    "ANAC non ha ancora restituito l'esito della conferma dell'appalto dopo {n} interrogazioni: "
    "puoi cliccare di nuovo “Conferma appalto” per chiederlo ancora."
)
SERVIZI_CONFERMA = ("crea-appalto", "modifica-appalto", "conferma-appalto", "esito-operazione")


# --- idempotency keys ---------------------------------------------------------------------------

TIPO_CHIAVE = "ordinativo"
# The step of the key → the counters of the ordinativo it carries (the keys stored since the start:
# "ordinativo:42:crea-appalto:1", "ordinativo:42:esito-conferma:1:2", "ordinativo:42:recupera-cig:1").
NUMERI_DELLA_CHIAVE = {
    "crea-appalto": ("tentativo_conferma",),
    "modifica-appalto": ("tentativo_conferma",),
    "conferma-appalto": ("tentativo_conferma",),
    "esito-conferma": ("tentativo_conferma", "attesa_esito"),
    "recupera-cig": ("tentativo_cig",),
}


def chiave(ordinativo, passo: str) -> str:
    """The idempotency key of ``passo`` in the current attempt of ``ordinativo`` (the only builder)."""
    numeri = tuple(getattr(ordinativo, campo) for campo in NUMERI_DELLA_CHIAVE[passo])
    return str(ChiaveOperazione(TIPO_CHIAVE, ordinativo.pk, passo, numeri))


def leggi_chiave(testo: str) -> ChiaveOperazione:
    letta = ChiaveOperazione.leggi(testo)
    if letta.tipo != TIPO_CHIAVE or letta.passo not in NUMERI_DELLA_CHIAVE:
        raise ValueError(f"Non è una chiave di un'operazione ANAC di un ordinativo: {testo!r}")
    return letta


def prefisso_chiavi(ordinativo, passo: str = "") -> str:
    """The start of the keys of ``ordinativo`` (of one ``passo``), for ``chiave__startswith``."""
    return ChiaveOperazione.prefisso(TIPO_CHIAVE, ordinativo.pk, passo)


def operazione_del_tentativo(ordinativo, servizio):
    """The ANAC operation ``servizio`` of the last "Conferma appalto" (None if it did not get there)."""
    if not ordinativo.tentativo_conferma:
        return None
    return OperazioneANAC.objects.filter(chiave=chiave(ordinativo, servizio)).first()


# --- requests -----------------------------------------------------------------------------------


def partecipanti(ordinativo):
    oe = ordinativo.contratto.aggiudicatario
    membri = list(oe.membri.all())
    if not membri:
        return [{"codice_fiscale": oe.codice_fiscale, "denominazione": oe.denominazione, "ruolo": None}]
    return [{"codice_fiscale": m.codice_fiscale, "denominazione": m.ragione_sociale, "ruolo": m.ruolo} for m in membri]


def payload_ad4(ordinativo):
    return costruisci_ad4(
        cig_accordo_quadro=ordinativo.cig_accordo_quadro,
        data_adesione=ordinativo.data_adesione,
        codice_appalto=ordinativo.codice_appalto,
        oggetto=ordinativo.oggetto,
        importo=ordinativo.importo_totale,
        cpv=ordinativo.cpv,
        codice_istat=ordinativo.codice_istat,
        codice_nuts=ordinativo.codice_nuts,
        durata_mesi=ordinativo.durata_mesi,
        categoria=ordinativo.categoria,
        finanziamenti=[(ordinativo.finanziamento, ordinativo.importo_totale)],
        cf_stazione_appaltante=ordinativo.ente.codice_fiscale,
        partecipanti=partecipanti(ordinativo),
    )


def _avvia(ordinativo, servizio, *args, passo=None, utente=None, codice_fiscale=None, **kwargs):
    return avvia_operazione(
        ordinativo,
        servizio,
        *args,
        chiave=chiave(ordinativo, passo or servizio),
        utente=utente,
        contratto=ordinativo.contratto_id,
        codice_fiscale=codice_fiscale,
        **kwargs,
    )


def avvia_conferma_appalto(ordinativo, *, utente):
    """The first request of "Conferma appalto" (the state is already "conferma in corso")."""
    if ordinativo.id_appalto and ordinativo.modifiche_da_trasmettere:
        # The data of Richiedi CIG changed after ANAC refused them: they replace ANAC's copy first.
        _avvia(ordinativo, "modifica-appalto", ordinativo.id_appalto, payload_ad4(ordinativo), utente=utente)
    elif ordinativo.id_appalto:
        _avvia(ordinativo, "conferma-appalto", ordinativo.id_appalto, utente=utente)
    else:
        _avvia(ordinativo, "crea-appalto", payload_ad4(ordinativo), utente=utente)


def avvia_recupero_cig(ordinativo, *, utente):
    """ "Acquisisci CIG": recupera-cig."""
    _avvia(ordinativo, "recupera-cig", ordinativo.id_appalto, utente=utente)


def _prosegui(ordinativo, servizio, *args, operazione):
    """The next request of the sequence, on behalf of whoever started it."""
    _avvia(ordinativo, servizio, *args, utente=operazione.utente, codice_fiscale=operazione.codice_fiscale)


def interroga_esito_conferma(ordinativo, operazione=None):
    """Ask esito-operazione for the confirmation (a new key each time: a new question)."""
    ordinativo.attesa_esito += 1
    ordinativo.save(update_fields=["attesa_esito"])
    return _avvia(
        ordinativo,
        "esito-operazione",
        ordinativo.id_appalto,
        TIPO_CONFERMA,
        passo="esito-conferma",
        utente=getattr(operazione, "utente", None),
        codice_fiscale=getattr(operazione, "codice_fiscale", None) or ordinativo.cf_rup,
        max_attese=ATTESE_PER_INTERROGAZIONE,
    )


# --- answers ------------------------------------------------------------------------------------


def _fallita(ordinativo, operazione, *, azione, messaggio=None):
    errore = (
        messaggio or f"{operazione.codice_errore} – {operazione.messaggio}".strip(" –") or "Operazione non riuscita."
    )
    stati.transita(
        ordinativo, azione, motivo=errore, dati={"servizio": operazione.servizio}, campi={"errore_anac": errore}
    )


def _esito_ancora_in_attesa(ordinativo, operazione, *, ok):
    if ordinativo.attesa_esito < INTERROGAZIONI_ESITO:
        if not ok:
            ordinativo.errore_anac = operazione.messaggio
            ordinativo.save(update_fields=["errore_anac"])
        interroga_esito_conferma(ordinativo, operazione)
        return
    _fallita(
        ordinativo,
        operazione,
        azione="conferma_non_riuscita",
        messaggio=MSG_ESITO_NON_DISPONIBILE.format(n=ordinativo.attesa_esito),
    )


def _cig_da_risposta(risultato):
    voci = (risultato or {}).get("result") or []
    cig = [v.get("cig") for v in voci if v.get("cig")]
    return cig[0] if cig else ""


def _appalto_creato(ordinativo, operazione):
    ordinativo.id_appalto = str((operazione.risultato or {}).get("idAppalto", ""))
    if (operazione.risultato or {}).get("recuperata"):
        # The appalto existed already (an earlier answer was lost): ANAC may hold older data of
        # Richiedi CIG, so the current ones replace them before the confirmation.
        ordinativo.save(update_fields=["id_appalto"])
        _prosegui(ordinativo, "modifica-appalto", ordinativo.id_appalto, payload_ad4(ordinativo), operazione=operazione)
        return
    ordinativo.modifiche_da_trasmettere = False
    ordinativo.save(update_fields=["id_appalto", "modifiche_da_trasmettere"])
    _prosegui(ordinativo, "conferma-appalto", ordinativo.id_appalto, operazione=operazione)


def _conferma_completata(ordinativo, operazione, *, ok):
    servizio = operazione.servizio
    if servizio != "esito-operazione" and not ok:
        return _fallita(ordinativo, operazione, azione="conferma_non_riuscita")
    if servizio == "crea-appalto":
        _appalto_creato(ordinativo, operazione)
    elif servizio == "modifica-appalto":
        ordinativo.modifiche_da_trasmettere = False
        ordinativo.save(update_fields=["modifiche_da_trasmettere"])
        _prosegui(ordinativo, "conferma-appalto", ordinativo.id_appalto, operazione=operazione)
    elif servizio == "conferma-appalto":
        interroga_esito_conferma(ordinativo, operazione)
    elif operazione.esito == EsitoANAC.OK:
        stati.transita(ordinativo, "appalto_confermato", campi={"errore_anac": ""})
    elif operazione.esito == EsitoANAC.KO:
        _fallita(ordinativo, operazione, azione="conferma_non_riuscita")
    else:
        # WT after every repetition, or no answer: the worker asks again (a new interrogation).
        _esito_ancora_in_attesa(ordinativo, operazione, ok=ok)


def _cig_recuperato(ordinativo, operazione, *, ok):
    ordinativo.cig_in_recupero = False
    cig = _cig_da_risposta(operazione.risultato) if ok else ""
    if not cig:
        if ok:
            operazione.messaggio = operazione.messaggio or "ANAC non ha restituito il CIG."
        return _fallita(ordinativo, operazione, azione="cig_non_acquisito")
    if Ordinativo.objects.exclude(pk=ordinativo.pk).filter(cig_derivato=cig).exists():
        operazione.messaggio = f"Il CIG {cig} risulta già assegnato a un altro ordinativo."
        return _fallita(ordinativo, operazione, azione="cig_non_acquisito")
    stati.transita(ordinativo, "cig_acquisito", dati={"cig": cig}, campi={"cig_derivato": cig, "errore_anac": ""})


def operazione_completata(ordinativo, operazione):
    """Called in the worker's transaction when an ANAC operation of ``ordinativo`` ends."""
    ordinativo = Ordinativo.objects.select_for_update().get(pk=ordinativo.pk)
    ok = operazione.stato == OperazioneANAC.Stato.OK
    if operazione.servizio in SERVIZI_CONFERMA:
        if ordinativo.stato != Ordinativo.Stato.CONFERMA_IN_CORSO:
            return  # a late answer of an attempt already settled
        _conferma_completata(ordinativo, operazione, ok=ok)
    elif operazione.servizio == "recupera-cig":
        _cig_recuperato(ordinativo, operazione, ok=ok)


def connect():
    """Register the handler of the ordinativo's ANAC operations (from ContrattiConfig.ready)."""
    registro.registra(Ordinativo, operazione_completata)
