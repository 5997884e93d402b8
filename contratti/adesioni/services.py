"""Business rules of the adesione. Every state change happens here."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from guardian.shortcuts import assign_perm

from audit.services import registra

from ..documenti_versionati import salva_versioni
from ..models import Adesione, Contatore
from ..models.workflow import workflow_di
from ..permessi import e_banditore
from . import notifiche
from .permessi import PERM_MODIFICA, PERM_VEDI, enti_operativi

SCADENZA_PREDEFINITA = datetime.date(2026, 10, 2)
# Decreto n. 6687 del 04/04/2023 (modificato con decreto n. 8220 del 26/04/2023): +4,9% dal mese di aprile 2023.
DECORRENZA_INCREMENTO = datetime.date(2023, 4, 1)
INCREMENTO_LISTINO = Decimal("0.049")


class OperazioneNonConsentita(ValidationError):
    """A rule of the adesione forbids the action; the message says why, in Italian."""


def importo_da_piano(importo_piano, data_piano):
    """Importo di adesione computed from the piano dei fabbisogni: +4,9% if drafted before April 2023."""
    importo = Decimal(importo_piano)
    if data_piano < DECORRENZA_INCREMENTO:
        importo = importo * (1 + INCREMENTO_LISTINO)
    return importo.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def scadenza_predefinita(contratto):
    return contratto.scadenza_adesioni_suggerita or SCADENZA_PREDEFINITA


def adesione_aperta(contratto, ente):
    """The ente's adesione in progress or returned to draft, if any (blocks a new "richiedi adesione")."""
    return Adesione.objects.filter(contratto=contratto, ente=ente).exclude(stato=Adesione.Stato.APPROVATA).first()


def enti_che_possono_richiedere(user, contratto):
    if not contratto.live:
        return []
    return [ente for ente in enti_operativi(user) if adesione_aperta(contratto, ente) is None]


def massimale(contratto):
    approvato = Adesione.objects.filter(contratto=contratto, stato=Adesione.Stato.APPROVATA).aggregate(
        totale=Sum("importo")
    )["totale"] or Decimal("0.00")
    return {"massimale": contratto.importo_massimale, "approvato": approvato, "residuo": contratto.importo_massimale - approvato}


def supera_massimale(adesione):
    stato = massimale(adesione.contratto)
    gia_contata = adesione.stato == Adesione.Stato.APPROVATA
    return not gia_contata and adesione.importo > stato["residuo"]


def _salva_documenti(adesione, utente, files, numero_round):
    """Store the uploaded files of a round's requests. Every file is validated before any is
    stored, so a bad one leaves nothing behind."""
    from documenti.validazione import valida

    richieste = {r.codice: r for r in adesione.richieste_round(numero_round)}
    elementi = [
        (codice, richieste[codice].etichetta, richieste[codice], valida(upload, firma_richiesta=richieste[codice].firma_digitale))
        for codice, upload in files.items()
    ]
    salva_versioni(
        adesione.documenti, elementi, utente=utente, oggetto=adesione, contratto_id=adesione.contratto_id,
        azione="adesione.documento_caricato", round=numero_round,
    )


def _controlla_file_ipotesi(adesione, files, numero_round):
    richieste = adesione.contratto.richieste_per_round().get(numero_round, [])
    ammesse = {r.codice for r in adesione.richieste_round(numero_round)}
    for richiesta in richieste:
        if richiesta.codice in files and richiesta.codice not in ammesse:
            raise OperazioneNonConsentita(
                f"Nell'ipotesi A non deve essere caricato il documento “{richiesta.etichetta}” "
                "(SOLO NEL CASO DI IPOTESI B)."
            )
    sconosciuti = set(files) - {r.codice for r in richieste}
    if sconosciuti:
        raise OperazioneNonConsentita("Il documento caricato non è tra quelli richiesti per questo round.")


@transaction.atomic
def crea_bozza(*, contratto, ente, utente, ipotesi, importo, scadenza, files, importo_piano=None, data_piano=None, request=None):
    """Passo 1 → "salva e procedi": the draft with its code and the round 0 documents."""
    if not contratto.live:
        raise OperazioneNonConsentita("Il contratto non è pubblicato: non è possibile aderire.")
    if not enti_operativi(utente).filter(pk=ente.pk).exists():
        raise PermissionDenied("Non sei Responsabile/Buyer o RUP di questo ente.")
    if adesione_aperta(contratto, ente) is not None:
        raise OperazioneNonConsentita(
            "L'ente ha già un'adesione in corso o tornata in bozza per questo contratto: aprila dall'elenco adesioni."
        )
    anno = timezone.localdate().year
    numero = Contatore.prossimo(f"adesione:{anno}")
    adesione = Adesione(
        contratto=contratto, ente=ente, anno=anno, numero=numero, codice=Adesione.formatta_codice(numero, anno),
        ipotesi=ipotesi, importo=importo, scadenza=scadenza, importo_piano_fabbisogni=importo_piano,
        data_piano_fabbisogni=data_piano, creata_da=utente, live=False,
    )
    adesione.save()
    _controlla_file_ipotesi(adesione, files, 0)
    _salva_documenti(adesione, utente, files, 0)
    for perm in (PERM_VEDI, PERM_MODIFICA):
        assign_perm(perm, ente.gruppo, adesione)
    registra("adesione.creata", adesione, utente=utente, request=request, contratto=contratto, a=adesione.stato,
             dati={"importo": str(importo), "ipotesi": ipotesi})
    return adesione


@transaction.atomic
def aggiorna_bozza(adesione, *, utente, ipotesi, importo, scadenza, files, importo_piano=None, data_piano=None, request=None):
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.modificabile:
        raise OperazioneNonConsentita("L'adesione è già stata inviata: per apportare modifiche occorre eliminare la bozza.")
    adesione.ipotesi, adesione.importo, adesione.scadenza = ipotesi, importo, scadenza
    adesione.importo_piano_fabbisogni, adesione.data_piano_fabbisogni = importo_piano, data_piano
    adesione.save()
    _controlla_file_ipotesi(adesione, files, 0)
    if ipotesi == Adesione.Ipotesi.A:
        # Switching to A: documents that only B asks for no longer belong to the draft.
        adesione.documenti.filter(round=0, corrente=True, richiesta__solo_ipotesi_b=True).update(corrente=False)
    _salva_documenti(adesione, utente, files, 0)
    registra("adesione.modificata", adesione, utente=utente, request=request, contratto=adesione.contratto_id)
    return adesione


@transaction.atomic
def carica_documenti_round(adesione, *, utente, files, request=None):
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.documenti_caricabili:
        raise OperazioneNonConsentita("In questo stato non è possibile caricare documenti.")
    _controlla_file_ipotesi(adesione, files, adesione.round_corrente)
    _salva_documenti(adesione, utente, files, adesione.round_corrente)
    return adesione


def documenti_mancanti(adesione):
    presenti = {d.codice_richiesta for d in adesione.documenti.filter(round=adesione.round_corrente, corrente=True)}
    return [r for r in adesione.richieste_round() if r.obbligatorio and r.codice not in presenti]


def _workflow():
    workflow = workflow_di(Adesione)
    if workflow is None:
        raise OperazioneNonConsentita("Il flusso di approvazione delle adesioni non è configurato: contatta l'assistenza.")
    return workflow


@transaction.atomic
def invia(adesione, *, utente, request=None):
    """INVIA → sì: the current round goes to the banditore for approval."""
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.inviabile:
        raise OperazioneNonConsentita("L'adesione non può essere inviata nello stato attuale: " + adesione.get_stato_display() + ".")
    if not adesione.contratto.live:
        raise OperazioneNonConsentita("Il contratto non è pubblicato: non è possibile inviare l'adesione.")
    mancanti = documenti_mancanti(adesione)
    if mancanti:
        elenco = ", ".join(f"“{r.etichetta}”" for r in mancanti)
        raise OperazioneNonConsentita(f"Per inviare l'adesione manca il documento obbligatorio: {elenco}.")
    da = adesione.stato
    adesione.documenti.filter(round=adesione.round_corrente, corrente=True).update(inviato=True)
    adesione.stato = Adesione.Stato.IN_VALUTAZIONE
    adesione.inviata_il = timezone.now()
    adesione.inviata_da = utente
    adesione.motivo_rifiuto = ""
    adesione.save()
    adesione.save_revision(user=utente, clean=False)
    _workflow().start(adesione, utente)
    registra("adesione.inviata", adesione, utente=utente, request=request, contratto=adesione.contratto_id,
             da=da, a=adesione.stato, dati={"round": adesione.round_corrente})
    notifiche.adesione_inviata(adesione, utente)
    return adesione


def _annulla_workflow(adesione, utente):
    stato_wf = adesione.current_workflow_state
    if stato_wf is not None:
        stato_wf.cancel(user=utente)


@transaction.atomic
def ritira(adesione, *, utente, request=None):
    """"ritira invio adesione": back to the riepilogo with "elimina bozza" and "invia"."""
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.ritirabile:
        raise OperazioneNonConsentita("L'invio può essere ritirato solo mentre l'adesione è in attesa di approvazione.")
    _annulla_workflow(adesione, utente)
    da = adesione.stato
    adesione.stato = Adesione.Stato.BOZZA if adesione.round_corrente == 0 else Adesione.Stato.ROUND_APPROVATO
    adesione.save()
    registra("adesione.ritirata", adesione, utente=utente, request=request, contratto=adesione.contratto_id, da=da, a=adesione.stato)
    return adesione


@transaction.atomic
def elimina_bozza(adesione, *, utente, request=None):
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.eliminabile:
        raise OperazioneNonConsentita("Solo una bozza non ancora approvata può essere eliminata.")
    _annulla_workflow(adesione, utente)
    registra("adesione.bozza_eliminata", adesione, utente=utente, request=request, contratto=adesione.contratto_id,
             da=adesione.stato, dati={"codice": adesione.codice})
    documenti = [d.documento for d in adesione.documenti.all()]
    adesione.delete()
    for documento in documenti:
        documento.file.delete(save=False)
        documento.delete()


@transaction.atomic
def approva_round(adesione, *, utente, task_state, commento="", request=None):
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not e_banditore(utente, adesione.contratto):
        raise PermissionDenied("Solo il banditore del contratto può approvare.")
    if adesione.stato != Adesione.Stato.IN_VALUTAZIONE:
        raise OperazioneNonConsentita("L'adesione non è in attesa di approvazione.")
    task_state.approve(user=utente, comment=commento)
    adesione = Adesione.objects.get(pk=adesione.pk)
    round_approvato = adesione.round_corrente
    da = adesione.stato
    if round_approvato >= adesione.ultimo_round:
        adesione.stato = Adesione.Stato.APPROVATA
        adesione.approvata_il = timezone.now()
    else:
        adesione.stato = Adesione.Stato.ROUND_APPROVATO
        adesione.round_corrente = round_approvato + 1
    adesione.save()
    registra("adesione.round_approvato", adesione, utente=utente, request=request, contratto=adesione.contratto_id,
             da=da, a=adesione.stato, motivo=commento, dati={"round": round_approvato})
    notifiche.round_approvato(adesione, round_approvato)
    return adesione


@transaction.atomic
def rifiuta_round(adesione, *, utente, task_state, motivo, request=None):
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not e_banditore(utente, adesione.contratto):
        raise PermissionDenied("Solo il banditore del contratto può non approvare.")
    if adesione.stato != Adesione.Stato.IN_VALUTAZIONE:
        raise OperazioneNonConsentita("L'adesione non è in attesa di approvazione.")
    if not (motivo or "").strip():
        raise OperazioneNonConsentita("Indica il motivo della mancata approvazione.")
    task_state.reject(user=utente, comment=motivo)
    adesione = Adesione.objects.get(pk=adesione.pk)
    _annulla_workflow(adesione, utente)
    da = adesione.stato
    adesione.stato = Adesione.Stato.NON_APPROVATA
    adesione.motivo_rifiuto = motivo.strip()
    adesione.rifiutata_il = timezone.now()
    adesione.save()
    registra("adesione.round_non_approvato", adesione, utente=utente, request=request, contratto=adesione.contratto_id,
             da=da, a=adesione.stato, motivo=adesione.motivo_rifiuto, dati={"round": adesione.round_corrente})
    notifiche.round_non_approvato(adesione)
    return adesione
