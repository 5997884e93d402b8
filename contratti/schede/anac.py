"""Outcomes of the ANAC operations of a scheda, recorded by the Celery worker (the scheda is the
owner of its operations: the worker calls ``Scheda.anac_operazione_completata``).

invia scheda: crea-scheda → conferma-scheda → "inviata" (ANAC accepted the request).
Verifica invio: esito-operazione (SC_CONF) → OK: "confermata" (ANN: the ordinativo is "Annullato",
its esito is marked "Annullato"); KO: back to bozza with ANAC's message (the user can send again);
WT or no answer: still "inviata", the user verifies again. Every exchange is in the scheda's Log
Trasmissioni."""

from django.utils import timezone

from audit.services import registra

from ..models import Ordinativo, Scheda
from . import notifiche

MSG_ESITO_NON_DISPONIBILE = (
    "ANAC non ha ancora elaborato la scheda: l'esito non è disponibile. Riprova “Verifica invio” tra qualche istante."
)
MSG_ESITO_ALTRA_SCHEDA = "L'ultimo esito restituito da ANAC non riguarda questa scheda: riprova “Verifica invio”."


def _registra(azione, scheda, operazione, **kwargs):
    dati = {"tipo": scheda.tipo, "cig": scheda.cig, "servizio": operazione.servizio, **kwargs.pop("dati", {})}
    registra(azione, scheda, utente=operazione.utente, contratto=scheda.ordinativo.contratto_id, dati=dati, **kwargs)


def _messaggio(operazione, predefinito="Operazione non riuscita."):
    return f"{operazione.codice_errore} – {operazione.messaggio}".strip(" –") or predefinito


def _tornata_in_bozza(scheda, operazione):
    """A refusal (or no answer after the automatic retries): visible, and the user can send again."""
    da = scheda.stato
    scheda.stato = Scheda.Stato.BOZZA
    scheda.verifica_in_corso = False
    scheda.errore_anac = _messaggio(operazione)
    scheda.save()
    _registra("scheda.anac_ko", scheda, operazione, da=da, a=scheda.stato, motivo=scheda.errore_anac)


def _confermata(scheda, operazione):
    ordinativo = scheda.ordinativo
    scheda.stato = Scheda.Stato.CONFERMATA
    scheda.confermata_il = timezone.now()
    scheda.errore_anac = ""
    scheda.save()
    _registra("scheda.confermata", scheda, operazione, da=Scheda.Stato.INVIATA, a=scheda.stato)
    if scheda.tipo == Scheda.Tipo.ANN and ordinativo.stato != Ordinativo.Stato.ANNULLATO:
        da = ordinativo.stato
        ordinativo.stato = Ordinativo.Stato.ANNULLATO
        ordinativo.annullato_il = scheda.confermata_il
        ordinativo.save(update_fields=["stato", "annullato_il"])
        # Sent to the banditore while the ANN was on its way: the nulla osta has nothing left to approve.
        stato_workflow = ordinativo.current_workflow_state
        if stato_workflow is not None:
            stato_workflow.cancel(user=operazione.utente)
        registra("ordinativo.annullato", ordinativo, utente=operazione.utente, contratto=ordinativo.contratto_id,
                 da=da, a=ordinativo.stato, motivo="Scheda ANN confermata da ANAC: errata comunicazione",
                 dati={"cig": scheda.cig, "scheda": scheda.pk})
        from esiti.services import segna_annullato_per

        segna_annullato_per(ordinativo, utente=operazione.utente)
    notifiche.confermata(scheda)


def _verifica_completata(scheda, operazione):
    from anac.client import ErroreANAC, leggi_esito
    from anac.models import EsitoANAC

    scheda.verifica_in_corso = False
    try:
        letto = leggi_esito(operazione.risultato, "SC_CONF")
    except ErroreANAC:
        letto = None  # no outcome in the answer: ANAC did not answer, or refused the question itself
    if letto is None or operazione.esito == EsitoANAC.ERRORE:
        scheda.esito_verifica = EsitoANAC.ERRORE
        scheda.errore_anac = _messaggio(operazione, "ANAC non ha restituito l'esito dell'operazione.")
        scheda.save()
        return _registra("scheda.verifica_non_riuscita", scheda, operazione, motivo=scheda.errore_anac)
    if letto["id_scheda"] and scheda.id_scheda and letto["id_scheda"] != scheda.id_scheda:
        scheda.esito_verifica = EsitoANAC.ERRORE
        scheda.errore_anac = MSG_ESITO_ALTRA_SCHEDA
        scheda.save()
        return _registra("scheda.verifica_non_riuscita", scheda, operazione, motivo=scheda.errore_anac)
    scheda.esito_verifica = letto["esito"]
    if letto["esito"] == EsitoANAC.OK:
        return _confermata(scheda, operazione)
    if letto["esito"] == EsitoANAC.KO:
        return _tornata_in_bozza(scheda, operazione)
    scheda.errore_anac = ""
    scheda.save()
    _registra("scheda.verifica_in_attesa", scheda, operazione, motivo=MSG_ESITO_NON_DISPONIBILE)


def operazione_completata(scheda, operazione):
    """Called in the worker's transaction when an ANAC operation of ``scheda`` ends."""
    from anac.models import OperazioneANAC
    from anac.tasks import avvia_operazione

    # Same lock order as the services: the ordinativo, then the scheda.
    ordinativo = Ordinativo.objects.select_for_update().get(pk=scheda.ordinativo_id)
    scheda = Scheda.objects.select_for_update().get(pk=scheda.pk)
    scheda.ordinativo = ordinativo
    ok = operazione.stato == OperazioneANAC.Stato.OK
    servizio = operazione.servizio
    if servizio in ("crea-scheda", "conferma-scheda"):
        if scheda.stato != Scheda.Stato.INVIO_IN_CORSO:
            return  # a late answer of an attempt already settled
        if not ok:
            return _tornata_in_bozza(scheda, operazione)
        if servizio == "crea-scheda":
            scheda.id_scheda = str((operazione.risultato or {}).get("idScheda", ""))[:64]
            scheda.save(update_fields=["id_scheda", "aggiornata_il"])
            avvia_operazione(scheda, "conferma-scheda", ordinativo.id_appalto, scheda.id_scheda,
                             utente=operazione.utente, contratto=ordinativo.contratto_id,
                             codice_fiscale=operazione.codice_fiscale,
                             chiave=f"scheda:{scheda.pk}:conferma-scheda:{scheda.tentativo_invio}")
        else:
            scheda.stato = Scheda.Stato.INVIATA
            scheda.save()
            _registra("scheda.inviata", scheda, operazione, da=Scheda.Stato.INVIO_IN_CORSO, a=scheda.stato)
    elif servizio == "esito-operazione":
        if scheda.stato != Scheda.Stato.INVIATA or not scheda.verifica_in_corso:
            return
        _verifica_completata(scheda, operazione)
    elif servizio == "cancella-scheda":
        _registra("scheda.cancellata_su_anac" if ok else "scheda.cancellazione_su_anac_non_riuscita", scheda,
                  operazione, motivo="" if ok else _messaggio(operazione))
