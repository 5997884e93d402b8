"""Business rules of the adesione: what the user may do and with which message. The state itself
changes only in ``stati.cambia_stato`` (audit entry and domain signal included)."""

from __future__ import annotations

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm

from audit.services import registra
from documenti.validazione import Titolare, valida
from sct_site.cache import invalida as invalida_cache_pagine

from ..documenti_versionati import salva_versioni
from ..models import Adesione, Contatore
from ..models.workflow import workflow_di
from ..permessi import e_banditore
from . import stati
from .permessi import PERM_MODIFICA, PERM_VEDI, enti_operativi

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from django.contrib.auth.models import AnonymousUser, User
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest
    from wagtail.models import TaskState, Workflow

    from contratti.models import ContrattoPage
    from organizzazioni.models import Ente

    from ..models import RichiestaDocumento

SCADENZA_PREDEFINITA = datetime.date(2026, 10, 2)
# Decreto n. 6687 del 04/04/2023 (modificato con decreto n. 8220 del 26/04/2023): +4,9% dal mese di aprile 2023.
DECORRENZA_INCREMENTO = datetime.date(2023, 4, 1)
INCREMENTO_LISTINO = Decimal("0.049")


class OperazioneNonConsentita(ValidationError):
    """A rule of the adesione forbids the action; the message says why, in Italian."""


MSG_NON_MODIFICABILE = "L'adesione è già stata inviata: per apportare modifiche occorre eliminare la bozza."
MSG_ELIMINATA = "L'adesione è stata eliminata: resta consultabile, ma non è più possibile operare su di essa."
MOTIVI_NON_ELIMINABILE: dict[str, str] = {
    Adesione.Stato.IN_VALUTAZIONE: "L'adesione è in attesa di approvazione: per eliminarla ritira prima l'invio con "
    "“ritira invio adesione”.",
    Adesione.Stato.APPROVATA: "Un'adesione approvata non può essere eliminata.",
    Adesione.Stato.ELIMINATA: MSG_ELIMINATA,
}
MSG_ROUND_APPROVATO = (
    "Un round dell'adesione è già stato approvato dal RUP del Contratto Quadro: la bozza non può più essere eliminata."
)


def motivo_non_eliminabile(adesione: Adesione) -> str:
    if adesione.stato in MOTIVI_NON_ELIMINABILE:
        return MOTIVI_NON_ELIMINABILE[adesione.stato]
    if adesione.round_approvati:
        return MSG_ROUND_APPROVATO
    return "Solo una bozza non ancora approvata può essere eliminata."


def motivo_non_modificabile(adesione: Adesione) -> str:
    """Why passo 1 can no longer be edited (shown when the user tries)."""
    return MSG_ELIMINATA if adesione.stato == Adesione.Stato.ELIMINATA else MSG_NON_MODIFICABILE


def _adesso() -> datetime.datetime:
    """Now, to the millisecond: the precision of the revision that the workflow publishes back on the
    adesione, so that a date set here compares equal after an approval."""
    adesso = timezone.now()
    return adesso.replace(microsecond=adesso.microsecond // 1000 * 1000)


def elenco_virgolettato(richieste: Iterable[RichiestaDocumento]) -> str:
    return ", ".join(f"“{r.etichetta}”" for r in richieste)


def importo_da_piano(importo_piano: Decimal | str, data_piano: datetime.date) -> Decimal:
    """Importo di adesione computed from the piano dei fabbisogni: +4,9% if drafted before April 2023."""
    importo = Decimal(importo_piano)
    if data_piano < DECORRENZA_INCREMENTO:
        importo = importo * (1 + INCREMENTO_LISTINO)
    return importo.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _dati_per_contratto(
    contratto: ContrattoPage, ipotesi: str, importo_piano: Decimal | None, data_piano: datetime.date | None
) -> tuple[str, Any, Any]:
    """The ipotesi only where the contract has A/B, the piano dei fabbisogni only where it has the
    4,9% helper; elsewhere they are not kept."""
    if not contratto.prevede_ipotesi:
        ipotesi = ""
    elif ipotesi not in Adesione.Ipotesi.values:
        raise OperazioneNonConsentita("Scegli l'ipotesi dell'adesione: A o B.")
    if not contratto.adeguamento_listino:
        importo_piano = data_piano = None
    return ipotesi, importo_piano, data_piano


def scadenza_predefinita(contratto: ContrattoPage) -> datetime.date:
    return contratto.scadenza_adesioni_suggerita or SCADENZA_PREDEFINITA


def adesione_aperta(contratto: ContrattoPage, ente: Ente) -> Adesione | None:
    """The ente's adesione in progress or returned to draft, if any (blocks a new "richiedi adesione").
    An approved adesione does not block, nor does an eliminated one (kept only for the audit)."""
    return (
        Adesione.objects.filter(contratto=contratto, ente=ente)
        .exclude(stato__in=(Adesione.Stato.APPROVATA, Adesione.Stato.ELIMINATA))
        .first()
    )


def enti_che_possono_richiedere(user: User | AnonymousUser, contratto: ContrattoPage) -> list[Ente]:
    if not contratto.live:
        return []
    return [ente for ente in enti_operativi(user) if adesione_aperta(contratto, ente) is None]


def massimale(contratto: ContrattoPage) -> dict[str, Decimal]:
    approvato = Adesione.objects.ordinabili().filter(contratto=contratto).aggregate(totale=Sum("importo"))[
        "totale"
    ] or Decimal("0.00")
    return {
        "massimale": contratto.importo_massimale,
        "approvato": approvato,
        "residuo": contratto.importo_massimale - approvato,
    }


def supera_massimale(adesione: Adesione) -> bool:
    """An adesione still in course whose importo is more than what is left of the massimale (the
    warning the banditore sees when deciding). One usable for ordering is already in the total."""
    return adesione.in_corso and adesione.importo > massimale(adesione.contratto)["residuo"]


def _salva_documenti(
    adesione: Adesione,
    utente: User,
    files: Mapping[str, UploadedFile],
    numero_round: int,
    *,
    sostituisci_inviati: bool = False,
) -> None:
    """Store the uploaded files of a round's requests. Every file is validated before any is
    stored, so a bad one leaves nothing behind. ``sostituisci_inviati``: a sent document of the
    round may be replaced (the round was not approved); the sent version stays in the history."""
    richieste = {r.codice: r for r in adesione.richieste_round(numero_round)}
    elementi = [
        (
            codice,
            richieste[codice].etichetta,
            richieste[codice],
            valida(upload, firma_richiesta=richieste[codice].firma_digitale, per_conto_di=Titolare(adesione.ente)),
        )
        for codice, upload in files.items()
    ]
    salva_versioni(
        adesione.documenti,
        elementi,
        utente=utente,
        oggetto=adesione,
        contratto_id=adesione.contratto_id,
        azione="adesione.documento_caricato",
        sostituisci_inviati=sostituisci_inviati,
        round=numero_round,
    )


def _controlla_file_ipotesi(adesione: Adesione, files: Mapping[str, UploadedFile], numero_round: int) -> None:
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
def crea_bozza(
    *,
    contratto: ContrattoPage,
    ente: Ente,
    utente: User,
    ipotesi: str,
    importo: Decimal,
    scadenza: datetime.date,
    files: Mapping[str, UploadedFile],
    importo_piano: Decimal | None = None,
    data_piano: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Adesione:
    """Passo 1 → "salva e procedi": the draft with its code and the round 0 documents."""
    if not contratto.live:
        raise OperazioneNonConsentita("Il contratto non è pubblicato: non è possibile aderire.")
    if not enti_operativi(utente).filter(pk=ente.pk).exists():
        raise PermissionDenied("Non sei Responsabile/Buyer o RUP di questo ente.")
    if adesione_aperta(contratto, ente) is not None:
        raise OperazioneNonConsentita(
            "L'ente ha già un'adesione in corso o tornata in bozza per questo contratto: aprila dall'elenco adesioni."
        )
    ipotesi, importo_piano, data_piano = _dati_per_contratto(contratto, ipotesi, importo_piano, data_piano)
    anno = timezone.localdate().year
    numero = Contatore.prossimo(f"adesione:{anno}")
    adesione = Adesione(
        contratto=contratto,
        ente=ente,
        anno=anno,
        numero=numero,
        codice=Adesione.formatta_codice(numero, anno),
        ipotesi=ipotesi,
        importo=importo,
        scadenza=scadenza,
        importo_piano_fabbisogni=importo_piano,
        data_piano_fabbisogni=data_piano,
        creata_da=utente,
        live=False,
    )
    adesione.save()
    _controlla_file_ipotesi(adesione, files, 0)
    _salva_documenti(adesione, utente, files, 0)
    for perm in (PERM_VEDI, PERM_MODIFICA):
        assign_perm(perm, ente.gruppo, adesione)
    registra(
        "adesione.creata",
        adesione,
        utente=utente,
        request=request,
        contratto=contratto,
        a=adesione.stato,
        dati={"importo": str(importo), "ipotesi": ipotesi},
    )
    return adesione


@transaction.atomic
def aggiorna_bozza(
    adesione: Adesione,
    *,
    utente: User,
    ipotesi: str,
    importo: Decimal,
    scadenza: datetime.date,
    files: Mapping[str, UploadedFile],
    importo_piano: Decimal | None = None,
    data_piano: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Adesione:
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.modificabile:
        raise OperazioneNonConsentita(motivo_non_modificabile(adesione))
    ipotesi, importo_piano, data_piano = _dati_per_contratto(adesione.contratto, ipotesi, importo_piano, data_piano)
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


def controlla_documenti_caricabili(adesione: Adesione) -> None:
    """Raise ``OperazioneNonConsentita`` (with the reason) unless the round's documents can be uploaded."""
    if adesione.stato == Adesione.Stato.ELIMINATA:
        raise OperazioneNonConsentita(MSG_ELIMINATA)
    if not adesione.documenti_caricabili:
        raise OperazioneNonConsentita("In questo stato non è possibile caricare documenti.")


@transaction.atomic
def carica_documenti_round(
    adesione: Adesione, *, utente: User, files: Mapping[str, UploadedFile], request: HttpRequest | None = None
) -> Adesione:
    """Documents of the current round ≥ 1: of a round still to send, or of a round not approved,
    whose sent documents are replaced by new versions (the sent ones stay in the history)."""
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    controlla_documenti_caricabili(adesione)
    _controlla_file_ipotesi(adesione, files, adesione.round_corrente)
    _salva_documenti(adesione, utente, files, adesione.round_corrente, sostituisci_inviati=True)
    return adesione


def documenti_mancanti(adesione: Adesione) -> list[RichiestaDocumento]:
    presenti = {d.codice_richiesta for d in adesione.documenti.filter(round=adesione.round_corrente, corrente=True)}
    return [r for r in adesione.richieste_round() if r.obbligatorio and r.codice not in presenti]


def _workflow() -> Workflow:
    workflow = workflow_di(Adesione)
    if workflow is None:
        raise OperazioneNonConsentita(
            "Il flusso di approvazione delle adesioni non è configurato: contatta l'assistenza."
        )
    return workflow


@transaction.atomic
def invia(adesione: Adesione, *, utente: User, request: HttpRequest | None = None) -> Adesione:
    """INVIA → sì: the current round goes to the banditore for approval."""
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.inviabile:
        raise OperazioneNonConsentita(
            "L'adesione non può essere inviata nello stato attuale: " + adesione.get_stato_display() + "."
        )
    if not adesione.contratto.live:
        raise OperazioneNonConsentita("Il contratto non è pubblicato: non è possibile inviare l'adesione.")
    mancanti = documenti_mancanti(adesione)
    if len(mancanti) == 1:
        raise OperazioneNonConsentita(
            f"Per inviare l'adesione manca il documento obbligatorio: {elenco_virgolettato(mancanti)}."
        )
    if mancanti:
        raise OperazioneNonConsentita(
            f"Per inviare l'adesione mancano i documenti obbligatori: {elenco_virgolettato(mancanti)}."
        )
    # A round sent again after a non-approval: the earlier rounds' approvals stay.
    transizione = "reinvia" if adesione.stato == Adesione.Stato.NON_APPROVATA else "invia"
    stati.verifica(adesione, transizione)
    documenti = adesione.documenti.filter(round=adesione.round_corrente, corrente=True)
    inviati = sorted(documenti.values_list("documento__sha256", flat=True))
    adesso = _adesso()
    # Only the versions not sent before belong to this sending (a withdrawal takes back just these).
    documenti.filter(inviato=False).update(inviato=True, inviato_il=adesso)
    workflow = _workflow()
    stati.cambia_stato(
        adesione,
        transizione,
        utente=utente,
        request=request,
        campi={
            "inviata_il": adesso,
            "prima_inviata_il": adesione.prima_inviata_il or adesso,
            "inviata_da": utente,
            "motivo_rifiuto": "",
        },
        dati={"round": adesione.round_corrente, "documenti": inviati},
    )
    # The revision the workflow approves: it must hold the new state.
    adesione.save_revision(user=utente, clean=False)
    workflow.start(adesione, utente)
    return adesione


def _annulla_workflow(adesione: Adesione, utente: User) -> None:
    stato_wf = adesione.current_workflow_state
    if stato_wf is not None:
        stato_wf.cancel(user=utente)


@transaction.atomic
def ritira(adesione: Adesione, *, utente: User, request: HttpRequest | None = None) -> Adesione:
    """ "ritira invio adesione": back to the riepilogo with "elimina bozza" and "invia"."""
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.ritirabile:
        raise OperazioneNonConsentita("L'invio può essere ritirato solo mentre l'adesione è in attesa di approvazione.")
    _annulla_workflow(adesione, utente)
    ritirata_il = adesione.inviata_il
    # The versions of this sending are "da inviare" again; the date of sending is the previous one
    # still in effect (none for a first sending). The audit keeps both the sending and the withdrawal.
    ripresi = adesione.documenti.filter(round=adesione.round_corrente, inviato=True, inviato_il=ritirata_il)
    ripresi_n = ripresi.update(inviato=False)
    precedente = (
        adesione.documenti.filter(inviato=True).order_by("-inviato_il").values_list("inviato_il", flat=True).first()
    )
    campi = {"inviata_il": precedente}
    if precedente is None:
        campi["inviata_da"] = None
    stati.cambia_stato(
        adesione,
        "ritira",
        a=Adesione.Stato.BOZZA if adesione.round_corrente == 0 else Adesione.Stato.ROUND_APPROVATO,
        utente=utente,
        request=request,
        campi=campi,
        dati={
            "round": adesione.round_corrente,
            "inviata_il": ritirata_il.isoformat() if ritirata_il else None,
            "documenti_ripresi": ripresi_n,
        },
    )
    return adesione


def _elimina_documenti(documenti_adesione: Any) -> int:
    """Delete rows of never-sent documents with their private documents; the files go when the
    transaction commits (a rollback must not leave records without their bytes)."""
    privati = [d.documento for d in documenti_adesione]
    for d in documenti_adesione:
        d.delete()
    for documento in privati:
        storage, nome = documento.file.storage, documento.file.name
        documento.delete()
        transaction.on_commit(functools.partial(storage.delete, nome))
    return len(privati)


def _togli_permessi(adesione: Adesione) -> None:
    ct = ContentType.objects.get_for_model(adesione)
    for modello in (GroupObjectPermission, UserObjectPermission):
        modello.objects.filter(content_type=ct, object_pk=str(adesione.pk)).delete()


@transaction.atomic
def elimina_bozza(adesione: Adesione, *, utente: User, request: HttpRequest | None = None) -> Adesione | None:
    """ "elimina bozza". What was never sent to the banditore is deleted; what was sent is final:

    - never sent (not even once, then withdrawn): the adesione and its documents are deleted
      (the code's number is not given back); returns ``None``;
    - sent at least once (e.g. a round not approved): the record stays, in the state "eliminata"
      (out of the lists and of the one-open-adesione rule), with its sent documents, its workflow
      history and the audit entries; only the documents uploaded and never sent are deleted.
      Returns the adesione.
    """
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not adesione.eliminabile:
        raise OperazioneNonConsentita(motivo_non_eliminabile(adesione))
    stati.verifica(adesione, "elimina")
    _annulla_workflow(adesione, utente)
    # Sent at least once (also if then withdrawn): the banditore had it.
    inviati = adesione.documenti.filter(inviato_il__isnull=False)
    if adesione.mai_inviata and not inviati.exists():
        stati.cambia_stato(
            adesione,
            "elimina",
            utente=utente,
            request=request,
            conserva=False,
            dati={"codice": adesione.codice, "conservata": False, "round": adesione.round_corrente},
        )
        documenti = list(adesione.documenti.select_related("documento"))
        _togli_permessi(adesione)
        adesione.delete()
        _elimina_documenti(documenti)
        return None
    eliminati = _elimina_documenti(list(adesione.documenti.filter(inviato_il__isnull=True).select_related("documento")))
    # The latest sent version of each request is the current one again (its newer draft is gone).
    for d in inviati.order_by("round", "codice_richiesta", "-versione"):
        if not adesione.documenti.filter(round=d.round, codice_richiesta=d.codice_richiesta, corrente=True).exists():
            d.corrente = True
            d.save(update_fields=["corrente"])
    stati.cambia_stato(
        adesione,
        "elimina",
        utente=utente,
        request=request,
        campi={"eliminata_il": timezone.now(), "eliminata_da": utente},
        dati={
            "codice": adesione.codice,
            "conservata": True,
            "round": adesione.round_corrente,
            "documenti_non_inviati_eliminati": eliminati,
        },
    )
    return adesione


@transaction.atomic
def approva_round(
    adesione: Adesione, *, utente: User, task_state: TaskState, commento: str = "", request: HttpRequest | None = None
) -> Adesione:
    adesione = Adesione.objects.select_for_update().get(pk=adesione.pk)
    if not e_banditore(utente, adesione.contratto):
        raise PermissionDenied("Solo il banditore del contratto può approvare.")
    if adesione.stato != Adesione.Stato.IN_VALUTAZIONE:
        raise OperazioneNonConsentita("L'adesione non è in attesa di approvazione.")
    task_state.approve(user=utente, comment=commento)
    adesione = Adesione.objects.get(pk=adesione.pk)
    round_approvato = adesione.round_corrente
    prossimo = adesione.prossimo_round(round_approvato)
    campi = {}
    if adesione.approvata_il is None and (
        prossimo is None or round_approvato >= adesione.contratto.round_per_ordinare_effettivo
    ):
        # The round for ordering: "nuovo ordine" is possible from now on, also while a later round
        # (ipotesi B's round 1) is in course. The public contract page shows the approved total.
        campi["approvata_il"] = _adesso()
        transaction.on_commit(invalida_cache_pagine)
    if prossimo is not None:
        campi["round_corrente"] = prossimo
    stati.cambia_stato(
        adesione,
        "approva_round",
        a=Adesione.Stato.APPROVATA if prossimo is None else Adesione.Stato.ROUND_APPROVATO,
        utente=utente,
        request=request,
        motivo=commento,
        campi=campi,
        dati={"round": round_approvato},
    )
    return adesione


@transaction.atomic
def rifiuta_round(
    adesione: Adesione, *, utente: User, task_state: TaskState, motivo: str, request: HttpRequest | None = None
) -> Adesione:
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
    stati.cambia_stato(
        adesione,
        "rifiuta_round",
        utente=utente,
        request=request,
        motivo=motivo.strip(),
        campi={"motivo_rifiuto": motivo.strip(), "rifiutata_il": timezone.now()},
        dati={"round": adesione.round_corrente},
    )
    return adesione
