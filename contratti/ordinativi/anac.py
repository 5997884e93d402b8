"""Outcomes of the ANAC operations of an ordinativo, recorded by the Celery worker.

Conferma appalto: crea-appalto (or, for an appalto ANAC has already, modifica-appalto when the data of
Richiedi CIG changed) → conferma-appalto → esito-operazione (AP_CONF) until OK or KO.
Acquisisci CIG: recupera-cig. A failure leaves the order where the user can try again, with ANAC's
message visible; every request and answer is in the Log Trasmissioni."""

from audit.services import registra

from ..models import Ordinativo
from .services import payload_ad4

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


def _avvia(ordinativo, servizio, *args, chiave, operazione, **kwargs):
    from anac.tasks import avvia_operazione

    return avvia_operazione(ordinativo, servizio, *args, chiave=chiave, utente=operazione.utente,
                            contratto=ordinativo.contratto_id, codice_fiscale=operazione.codice_fiscale, **kwargs)


def _avvia_conferma(ordinativo, operazione):
    _avvia(ordinativo, "conferma-appalto", ordinativo.id_appalto, operazione=operazione,
           chiave=f"ordinativo:{ordinativo.pk}:conferma-appalto:{ordinativo.tentativo_conferma}")


def interroga_esito_conferma(ordinativo, operazione=None):
    """Ask esito-operazione for the confirmation (a new key each time: a new question)."""
    ordinativo.attesa_esito += 1
    ordinativo.save(update_fields=["attesa_esito"])
    from anac.tasks import avvia_operazione

    chiave = f"ordinativo:{ordinativo.pk}:esito-conferma:{ordinativo.tentativo_conferma}:{ordinativo.attesa_esito}"
    return avvia_operazione(
        ordinativo, "esito-operazione", ordinativo.id_appalto, TIPO_CONFERMA, chiave=chiave,
        utente=getattr(operazione, "utente", None), contratto=ordinativo.contratto_id,
        codice_fiscale=getattr(operazione, "codice_fiscale", None) or ordinativo.cf_rup,
        max_attese=ATTESE_PER_INTERROGAZIONE,
    )


def _esito_ancora_in_attesa(ordinativo, operazione, *, ok):
    if ordinativo.attesa_esito < INTERROGAZIONI_ESITO:
        if not ok:
            ordinativo.errore_anac = operazione.messaggio
            ordinativo.save(update_fields=["errore_anac"])
        interroga_esito_conferma(ordinativo, operazione)
        return
    ordinativo.stato = Ordinativo.Stato.BOZZA
    ordinativo.errore_anac = MSG_ESITO_NON_DISPONIBILE.format(n=ordinativo.attesa_esito)
    ordinativo.save()
    registra("ordinativo.anac_ko", ordinativo, contratto=ordinativo.contratto_id, a=ordinativo.stato,
             motivo=ordinativo.errore_anac, dati={"servizio": operazione.servizio})


def _fallita(ordinativo, operazione, *, stato):
    ordinativo.stato = stato
    ordinativo.errore_anac = f"{operazione.codice_errore} – {operazione.messaggio}".strip(" –") or "Operazione non riuscita."
    ordinativo.save()
    registra("ordinativo.anac_ko", ordinativo, contratto=ordinativo.contratto_id, a=ordinativo.stato,
             motivo=ordinativo.errore_anac, dati={"servizio": operazione.servizio})


def _cig_da_risposta(risultato):
    voci = (risultato or {}).get("result") or []
    cig = [v.get("cig") for v in voci if v.get("cig")]
    return cig[0] if cig else ""


def operazione_completata(ordinativo, operazione):
    """Called in the worker's transaction when an ANAC operation of ``ordinativo`` ends."""
    from anac.models import EsitoANAC, OperazioneANAC

    ordinativo = Ordinativo.objects.select_for_update().get(pk=ordinativo.pk)
    ok = operazione.stato == OperazioneANAC.Stato.OK
    servizio = operazione.servizio
    if servizio in ("crea-appalto", "modifica-appalto", "conferma-appalto", "esito-operazione"):
        if ordinativo.stato != Ordinativo.Stato.CONFERMA_IN_CORSO:
            return  # a late answer of an attempt already settled
        if servizio == "crea-appalto":
            if not ok:
                return _fallita(ordinativo, operazione, stato=Ordinativo.Stato.BOZZA)
            ordinativo.id_appalto = str((operazione.risultato or {}).get("idAppalto", ""))
            if (operazione.risultato or {}).get("recuperata"):
                # The appalto existed already (an earlier answer was lost): ANAC may hold older data of
                # Richiedi CIG, so the current ones replace them before the confirmation.
                ordinativo.save(update_fields=["id_appalto"])
                _avvia(ordinativo, "modifica-appalto", ordinativo.id_appalto, payload_ad4(ordinativo), operazione=operazione,
                       chiave=f"ordinativo:{ordinativo.pk}:modifica-appalto:{ordinativo.tentativo_conferma}")
                return
            ordinativo.modifiche_da_trasmettere = False
            ordinativo.save(update_fields=["id_appalto", "modifiche_da_trasmettere"])
            _avvia_conferma(ordinativo, operazione)
        elif servizio == "modifica-appalto":
            if not ok:
                return _fallita(ordinativo, operazione, stato=Ordinativo.Stato.BOZZA)
            ordinativo.modifiche_da_trasmettere = False
            ordinativo.save(update_fields=["modifiche_da_trasmettere"])
            _avvia_conferma(ordinativo, operazione)
        elif servizio == "conferma-appalto":
            if not ok:
                return _fallita(ordinativo, operazione, stato=Ordinativo.Stato.BOZZA)
            interroga_esito_conferma(ordinativo, operazione)
        elif operazione.esito == EsitoANAC.OK:
            ordinativo.stato = Ordinativo.Stato.APPALTO_CONFERMATO
            ordinativo.errore_anac = ""
            ordinativo.save()
            registra("ordinativo.appalto_confermato", ordinativo, contratto=ordinativo.contratto_id,
                     da=Ordinativo.Stato.CONFERMA_IN_CORSO, a=ordinativo.stato)
        elif operazione.esito == EsitoANAC.KO:
            _fallita(ordinativo, operazione, stato=Ordinativo.Stato.BOZZA)
        else:
            # WT after every repetition, or no answer: the worker asks again (a new interrogation).
            _esito_ancora_in_attesa(ordinativo, operazione, ok=ok)
    elif servizio == "recupera-cig":
        ordinativo.cig_in_recupero = False
        cig = _cig_da_risposta(operazione.risultato) if ok else ""
        if not cig:
            if ok:
                operazione.messaggio = operazione.messaggio or "ANAC non ha restituito il CIG."
            ordinativo.save(update_fields=["cig_in_recupero"])
            return _fallita(ordinativo, operazione, stato=Ordinativo.Stato.APPALTO_CONFERMATO)
        if Ordinativo.objects.exclude(pk=ordinativo.pk).filter(cig_derivato=cig).exists():
            operazione.messaggio = f"Il CIG {cig} risulta già assegnato a un altro ordinativo."
            ordinativo.save(update_fields=["cig_in_recupero"])
            return _fallita(ordinativo, operazione, stato=Ordinativo.Stato.APPALTO_CONFERMATO)
        ordinativo.cig_derivato = cig
        ordinativo.stato = Ordinativo.Stato.CIG_ACQUISITO
        ordinativo.errore_anac = ""
        ordinativo.save()
        registra("ordinativo.cig_acquisito", ordinativo, contratto=ordinativo.contratto_id,
                 da=Ordinativo.Stato.APPALTO_CONFERMATO, a=ordinativo.stato, dati={"cig": cig})
