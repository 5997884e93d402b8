"""Business rules of the ordinativo di fornitura: what the ente, the RUP and the banditore may do,
checked on the server for every request.

The state changes go through ``stati.transita`` (the transition table, the audit entry and the
domain signal of ``segnali``: comunicazioni and esiti react to those); the ANAC sequence and its
idempotency keys are in ``anac.py``. Nothing here imports comunicazioni or esiti except
``bozza_esito`` (debt, issue 16)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from anac.models import OperazioneANAC
from audit.services import registra
from documenti.models import DocumentoPrivato
from documenti.validazione import Titolare, salva, valida
from organizzazioni.models import Incarico

from ..adesioni.permessi import enti_operativi
from ..documenti_versionati import salva_versioni
from ..models import Adesione, Contatore, Ordinativo, RigaOrdinativo
from ..models.workflow import workflow_di
from ..permessi import e_banditore
from . import anac as sequenza_anac
from . import stati
from .firmatari import titolare_scheda
from .pdf import genera_scheda_sintesi
from .permessi import PERM_MODIFICA, PERM_VEDI, e_rup_dell_ente, puo_caricare_documenti_oe, puo_operare

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from django.contrib.auth.models import AnonymousUser, User
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from wagtail.models import TaskState, Workflow

    from contratti.models import ContrattoPage
    from organizzazioni.models import Ente

    from ..models import DocumentoOrdinativo, RichiestaDocumento

MESSAGGIO_TOTALI = (
    "Il totale delle righe dell’ordine non corrisponde al totale dell’ordine inserito in fase di richiesta del CIG."
)
MSG_CONFERMA_SENZA_DOCUMENTI = (
    "Prima di “Conferma appalto” carica nelle “RICHIESTE PER ORDINATIVI FORNITURA” i documenti obbligatori: "
    "manca {elenco}. Nessuna richiesta è stata inviata ad ANAC."
)
MSG_CHIUSO = "L'ordinativo è stato chiuso dall'ente: non è più possibile modificarlo né inviarlo."
MSG_CHIUDI_STATO = (
    "Solo un ordinativo non approvato dal banditore (stato “Rifiutato”) può essere chiuso: "
    "negli altri stati si prosegue con il flusso (o, se il CIG è acquisito, con la scheda ANN)."
)

OperazioneNonConsentita = stati.OperazioneNonConsentita


def _blocca(ordinativo: Ordinativo) -> Ordinativo:
    return Ordinativo.objects.select_for_update().get(pk=ordinativo.pk)


def adesioni_approvate(contratto: ContrattoPage, ente: Ente) -> QuerySet[Adesione]:
    return Adesione.objects.ordinabili().filter(contratto=contratto, ente=ente).order_by("-approvata_il")


def adesioni_ordinabili(ordinativo: Ordinativo) -> QuerySet[Adesione]:
    """The adesioni the ordinativo may refer to: the approved ones of its ente in its contract."""
    return adesioni_approvate(ordinativo.contratto, ordinativo.ente)


def adesioni_per_nuovo_ordine(contratto: ContrattoPage, enti: Iterable[Ente]) -> QuerySet[Adesione]:
    """The approved adesioni of ``enti`` in the contract, newest first (the first is proposed)."""
    return (
        Adesione.objects.ordinabili()
        .filter(contratto=contratto, ente__in=enti)
        .select_related("ente")
        .order_by("-approvata_il")
    )


def richiesta_cig_proposta(contratto: ContrattoPage, adesione: Adesione, *, utente: User) -> dict[str, Any]:
    """The data proposed in "Richiedi CIG" of a new ordine, from the adesione and the contract. The
    RUP is the user when a RUP of the ente, else the ente's only RUP, else left to choose."""
    cf_utente = getattr(getattr(utente, "profilo", None), "codice_fiscale", "")
    rup = dict(rup_dell_ente(adesione.ente))
    if cf_utente not in rup:
        cf_utente = next(iter(rup)) if len(rup) == 1 else ""
    return {
        "adesione": adesione,
        "importo_totale": adesione.importo,
        "cpv": contratto.cpv,
        "codice_istat": adesione.ente.codice_istat,
        "codice_nuts": adesione.ente.codice_nuts,
        "data_adesione": timezone.localtime(adesione.approvata_il).date() if adesione.approvata_il else None,
        "cf_rup": cf_utente,
        "codice_appalto": f"SCT-{adesione.codice.replace('/', '-')}-{timezone.now():%Y%m%d%H%M%S}",
        "oggetto": f"{contratto.title[:200]} – {adesione.ente}"[:250],
    }


def enti_che_possono_ordinare(user: User | AnonymousUser, contratto: ContrattoPage) -> list[Ente]:
    if not contratto.live:
        return []
    return [ente for ente in enti_operativi(user) if adesioni_approvate(contratto, ente).exists()]


def _registra(azione: str, ordinativo: Ordinativo, utente: User | None, **kwargs: Any) -> None:
    registra(azione, ordinativo, utente=utente, contratto=ordinativo.contratto_id, **kwargs)


# --- the RUP of the ordinativo: a person of the ente with the RUP incarico ----------------------

MSG_NESSUN_RUP = (
    "L'ente {ente} non ha un RUP abilitato sulla piattaforma: chiedi ai redattori della Regione Toscana di "
    "assegnare l'incarico “RUP” dell'ente alla persona che sarà il RUP dell'ordinativo (con il suo codice "
    "fiscale nel profilo); poi il RUP potrà essere scelto qui."
)
MSG_RUP_NON_DELL_ENTE = (
    "Il RUP indicato non è tra i RUP dell'ente {ente}: scegli una delle persone con l'incarico “RUP” dell'ente."
)


def rup_dell_ente(ente: Ente) -> list[tuple[str, str]]:
    """The RUPs the ordinativo may name: ``[(codice_fiscale, "Nome Cognome")]`` of the users with the
    RUP incarico in ``ente`` and a codice fiscale in their profile (ANAC and SPID identify them by it)."""
    incarichi = (
        Incarico.objects.filter(ente=ente, ruolo=Incarico.Ruolo.RUP)
        .exclude(user__profilo__codice_fiscale="")
        .filter(user__profilo__isnull=False, user__is_active=True)
        .select_related("user__profilo")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    scelte: dict[str, str] = {}
    for incarico in incarichi:
        utente = incarico.user
        scelte.setdefault(utente.profilo.codice_fiscale.upper(), utente.get_full_name() or utente.username)
    return list(scelte.items())


def controlla_rup(ente: Ente, cf_rup: str | None) -> None:
    """Refuse a codice fiscale that is not of one of the ente's RUPs (``rup_dell_ente``)."""
    if not rup_dell_ente(ente):
        raise OperazioneNonConsentita(MSG_NESSUN_RUP.format(ente=ente))
    if (cf_rup or "").upper() not in dict(rup_dell_ente(ente)):
        raise OperazioneNonConsentita(MSG_RUP_NON_DELL_ENTE.format(ente=ente))


@transaction.atomic
def crea(
    contratto: ContrattoPage,
    *,
    ente: Ente,
    adesione: Adesione,
    utente: User,
    dati: dict[str, Any],
    request: HttpRequest | None = None,
) -> Ordinativo:
    """ "Richiedi CIG" → "Vai all'ordine": the ordinativo in bozza with the data for the derived CIG."""
    if ente not in enti_che_possono_ordinare(utente, contratto):
        raise PermissionDenied(
            "Per un nuovo ordine serve un'adesione approvata dell'ente e il ruolo di Responsabile/Buyer o RUP."
        )
    if adesione.contratto_id != contratto.pk or adesione.ente_id != ente.pk or not adesione.ordinabile:
        raise OperazioneNonConsentita("L'adesione scelta non è un'adesione approvata dell'ente a questo contratto.")
    controlla_rup(ente, dati.get("cf_rup"))
    anno = timezone.localdate().year
    numero = Contatore.prossimo(f"ordinativo:{anno}")
    ordinativo = Ordinativo(
        contratto=contratto,
        ente=ente,
        adesione=adesione,
        anno=anno,
        numero=numero,
        codice=Ordinativo.formatta_codice(numero, anno),
        cig_accordo_quadro=contratto.cig,
        creato_da=utente,
        live=False,
        **dati,
    )
    ordinativo.full_clean()
    ordinativo.save()
    for perm in (PERM_VEDI, PERM_MODIFICA):
        assign_perm(perm, ente.gruppo, ordinativo)
    _registra(
        "ordinativo.creato",
        ordinativo,
        utente,
        a=ordinativo.stato,
        dati={"importo_totale": str(ordinativo.importo_totale)},
    )
    return ordinativo


def _solo_bozza(
    ordinativo: Ordinativo,
    messaggio: str = "Le righe dell'ordine non possono più essere modificate: il CIG è in acquisizione o acquisito.",
) -> None:
    if ordinativo.stato != Ordinativo.Stato.BOZZA:
        raise OperazioneNonConsentita(messaggio)


# "Richiedi CIG" of an existing ordinativo: the data of the scheda AD4.
CAMPI_RICHIESTA_CIG = (
    "oggetto",
    "importo_totale",
    "cpv",
    "codice_istat",
    "codice_nuts",
    "durata_mesi",
    "categoria",
    "finanziamento",
    "cf_rup",
    "data_adesione",
    "codice_appalto",
    "tracciabilita",
)
# ANAC finds the appalto by its codice (also to recover a lost answer) and lets only its RUP act on it.
CAMPI_LEGATI_ALL_APPALTO = ("codice_appalto", "cf_rup")
MSG_RICHIESTA_IN_CONFERMA = (
    "La richiesta di conferma appalto è in corso: i dati della richiesta del CIG non sono modificabili."
)
MSG_RICHIESTA_CONFERMATA = (
    "L'appalto è stato confermato da ANAC: i dati della richiesta del CIG non sono più modificabili."
)
MSG_RICHIESTA_ANNULLATA = "L'ordinativo è annullato: i dati della richiesta del CIG sono in sola lettura."
MSG_CONFERMA_SENZA_RISPOSTA = (
    "ANAC non ha risposto all'ultima richiesta di conferma appalto e potrebbe averla ricevuta: clicca di nuovo "
    "“Conferma appalto” per conoscerne l'esito prima di modificare i dati della richiesta del CIG."
)
MSG_CAMPI_BLOCCATI = (
    "Il codice appalto e il codice fiscale del RUP non si modificano dopo la creazione dell'appalto su ANAC: "
    "ANAC ritrova l'appalto con il suo codice e vi fa operare solo il suo RUP."
)


def _senza_risposta(operazione: OperazioneANAC | None) -> bool:
    return operazione is not None and operazione.stato == OperazioneANAC.Stato.ERRORE


def conferma_senza_risposta(ordinativo: Ordinativo) -> bool:
    """The last conferma-appalto got no usable answer (timeouts, 5xx until the attempts ran out):
    ANAC may be confirming the appalto with the data it has."""
    return (
        ordinativo.stato == Ordinativo.Stato.BOZZA
        and bool(ordinativo.id_appalto)
        and _senza_risposta(sequenza_anac.operazione_del_tentativo(ordinativo, "conferma-appalto"))
    )


def appalto_su_anac(ordinativo: Ordinativo) -> bool:
    """ANAC has the appalto (its idAppalto is known) or may have it (crea-appalto without an answer)."""
    return bool(ordinativo.id_appalto) or _senza_risposta(
        sequenza_anac.operazione_del_tentativo(ordinativo, "crea-appalto")
    )


def motivo_richiesta_cig_non_modificabile(ordinativo: Ordinativo) -> str:
    """Why the data of "Richiedi CIG" are read-only now ("" = editable).

    Editable while the ordinativo is in bozza: before the first "Conferma appalto" and after ANAC
    refused it (KO of crea-appalto, of modifica-appalto, of conferma-appalto or its outcome); not while
    ANAC works on it, not when a conferma-appalto got no answer (ANAC may be confirming those data:
    "Conferma appalto" again tells), and never once the appalto is confirmed (CIG assigned)."""
    stato = ordinativo.stato
    if stato == Ordinativo.Stato.BOZZA:
        return MSG_CONFERMA_SENZA_RISPOSTA if conferma_senza_risposta(ordinativo) else ""
    if stato == Ordinativo.Stato.CONFERMA_IN_CORSO:
        return MSG_RICHIESTA_IN_CONFERMA
    if stato == Ordinativo.Stato.ANNULLATO:
        return MSG_RICHIESTA_ANNULLATA
    if stato == Ordinativo.Stato.CHIUSO:
        return MSG_CHIUSO
    return MSG_RICHIESTA_CONFERMATA


def campi_bloccati_richiesta_cig(ordinativo: Ordinativo) -> tuple[str, ...]:
    return CAMPI_LEGATI_ALL_APPALTO if appalto_su_anac(ordinativo) else ()


@transaction.atomic
def aggiorna_richiesta_cig(
    ordinativo: Ordinativo, *, utente: User, dati: dict[str, Any], request: HttpRequest | None = None
) -> Ordinativo:
    """ "Richiedi CIG" of an existing ordinativo → "Vai all'ordine". Once the appalto exists on ANAC the
    changed data go there with the next "Conferma appalto" (modifica-appalto before conferma-appalto)."""
    ordinativo = _blocca(ordinativo)
    if not puo_operare(utente, ordinativo):
        raise PermissionDenied("Solo il Responsabile/Buyer o il RUP dell'ente aderente può operare sull'ordinativo.")
    motivo = motivo_richiesta_cig_non_modificabile(ordinativo)
    if motivo:
        raise OperazioneNonConsentita(motivo)
    sconosciuti = set(dati) - set(CAMPI_RICHIESTA_CIG)
    if sconosciuti:
        raise OperazioneNonConsentita(
            "Campi non previsti nella richiesta del CIG: " + ", ".join(sorted(sconosciuti)) + "."
        )
    bloccati = campi_bloccati_richiesta_cig(ordinativo)
    modificati = {}
    for campo, valore in dati.items():
        prima = getattr(ordinativo, campo)
        if prima == valore:
            continue
        if campo in bloccati:
            raise OperazioneNonConsentita(MSG_CAMPI_BLOCCATI)
        modificati[campo] = {"da": str(prima), "a": str(valore)}
        setattr(ordinativo, campo, valore)
    if not modificati:
        return ordinativo
    if "cf_rup" in modificati:
        controlla_rup(ordinativo.ente, ordinativo.cf_rup)
    ordinativo.full_clean()
    if ordinativo.id_appalto:
        ordinativo.modifiche_da_trasmettere = True
    ordinativo.save()
    _registra("ordinativo.richiesta_cig_modificata", ordinativo, utente, request=request, dati=modificati)
    return ordinativo


@transaction.atomic
def scegli_adesione(ordinativo: Ordinativo, *, utente: User, adesione: Adesione) -> Ordinativo:
    ordinativo = _blocca(ordinativo)
    _solo_bozza(ordinativo, "L'adesione non può più essere cambiata.")
    if (
        adesione.ente_id != ordinativo.ente_id
        or adesione.contratto_id != ordinativo.contratto_id
        or not adesione.ordinabile
    ):
        raise OperazioneNonConsentita("L'adesione scelta non è un'adesione approvata dell'ente a questo contratto.")
    ordinativo.adesione = adesione
    ordinativo.save(update_fields=["adesione"])
    return ordinativo


@transaction.atomic
def aggiungi_riga(
    ordinativo: Ordinativo, *, utente: User, descrizione: str, importo_unitario: Decimal, quantita: int
) -> RigaOrdinativo:
    ordinativo = _blocca(ordinativo)
    _solo_bozza(ordinativo)
    riga = RigaOrdinativo(
        ordinativo=ordinativo, descrizione=descrizione, importo_unitario=importo_unitario, quantita=quantita
    )
    riga.full_clean()
    riga.save()
    _registra(
        "ordinativo.riga_aggiunta", ordinativo, utente, dati={"descrizione": descrizione, "importo": str(riga.importo)}
    )
    return riga


@transaction.atomic
def elimina_riga(ordinativo: Ordinativo, *, utente: User, riga_id: int) -> None:
    ordinativo = _blocca(ordinativo)
    _solo_bozza(ordinativo)
    riga = ordinativo.righe.filter(pk=riga_id).first()
    if riga is None:
        raise OperazioneNonConsentita("La riga indicata non appartiene a questo ordine.")
    riga.delete()
    _registra("ordinativo.riga_eliminata", ordinativo, utente, dati={"descrizione": riga.descrizione})


def richieste_atto(ordinativo: Ordinativo) -> list[RichiestaDocumento]:
    return ordinativo.contratto.richieste_ordinativo()


@transaction.atomic
def carica_documenti(ordinativo: Ordinativo, *, utente: User, files: Mapping[str, UploadedFile]) -> None:
    """The signed atto di adesione / contratto attuativo (or the proroga, for ipotesi A)."""
    ordinativo = _blocca(ordinativo)
    if ordinativo.stato == Ordinativo.Stato.CHIUSO:
        raise OperazioneNonConsentita(MSG_CHIUSO)
    if ordinativo.stato in (Ordinativo.Stato.INVIATO, Ordinativo.Stato.APPROVATO, Ordinativo.Stato.ANNULLATO):
        raise OperazioneNonConsentita("L'ordinativo è già stato inviato: i documenti non possono essere sostituiti.")
    richieste = {r.codice: r for r in richieste_atto(ordinativo)}
    if set(files) - set(richieste):
        raise OperazioneNonConsentita("Il documento caricato non è tra quelli richiesti per gli ordinativi.")
    elementi = [
        (
            codice,
            richieste[codice].etichetta,
            richieste[codice],
            valida(upload, firma_richiesta=richieste[codice].firma_digitale, per_conto_di=Titolare(ordinativo.ente)),
        )
        for codice, upload in files.items()
    ]
    # Not approved by the banditore: the sent atto is replaced by a new version, the sent one stays in the history.
    salva_versioni(
        ordinativo.documenti,
        elementi,
        utente=utente,
        oggetto=ordinativo,
        contratto_id=ordinativo.contratto_id,
        azione="ordinativo.documento_caricato",
        sostituisci_inviati=ordinativo.stato == Ordinativo.Stato.RIFIUTATO,
    )


def _controlla_rup(ordinativo: Ordinativo, utente: User) -> None:
    if not e_rup_dell_ente(utente, ordinativo):
        raise PermissionDenied(
            "Solo il RUP dell'amministrazione aderente può compiere le azioni che presuppongono l'integrazione con i servizi di ANAC."
        )


@transaction.atomic
def conferma_appalto(
    ordinativo: Ordinativo, *, utente: User, simulata: bool = False, request: HttpRequest | None = None
) -> Ordinativo:
    """ "Conferma appalto": crea-appalto then conferma-appalto on ANAC, in the background."""
    ordinativo = _blocca(ordinativo)
    _controlla_rup(ordinativo, utente)
    if ordinativo.stato != Ordinativo.Stato.BOZZA:
        raise OperazioneNonConsentita("La conferma dell'appalto è già stata richiesta.")
    righe = list(ordinativo.righe.all())
    if not righe:
        raise OperazioneNonConsentita("Inserisci almeno una riga dell'ordine.")
    if sum((r.importo for r in righe), Decimal("0.00")) != ordinativo.importo_totale:
        raise OperazioneNonConsentita(MESSAGGIO_TOTALI)
    mancanti = documenti_mancanti(ordinativo)
    if mancanti:
        raise OperazioneNonConsentita(MSG_CONFERMA_SENZA_DOCUMENTI.format(elenco=", ".join(mancanti)))
    stati.transita(
        ordinativo,
        "conferma_appalto",
        utente=utente,
        request=request,
        dati={"simulata": simulata},
        campi={
            "tentativo_conferma": ordinativo.tentativo_conferma + 1,
            "attesa_esito": 0,
            "errore_anac": "",
            "autenticazione_simulata": ordinativo.autenticazione_simulata or simulata,
        },
    )
    sequenza_anac.avvia_conferma_appalto(ordinativo, utente=utente)
    return ordinativo


@transaction.atomic
def acquisisci_cig(
    ordinativo: Ordinativo, *, utente: User, simulata: bool = False, request: HttpRequest | None = None
) -> Ordinativo:
    """ "Acquisisci CIG": recupera-cig on ANAC, in the background."""
    ordinativo = _blocca(ordinativo)
    _controlla_rup(ordinativo, utente)
    if ordinativo.stato != Ordinativo.Stato.APPALTO_CONFERMATO:
        raise OperazioneNonConsentita("Il CIG si acquisisce dopo la conferma positiva dell'appalto.")
    if ordinativo.cig_in_recupero:
        raise OperazioneNonConsentita("La richiesta di recupera CIG è già in corso.")
    ordinativo.tentativo_cig += 1
    ordinativo.cig_in_recupero = True
    ordinativo.errore_anac = ""
    ordinativo.autenticazione_simulata = ordinativo.autenticazione_simulata or simulata
    ordinativo.save()
    sequenza_anac.avvia_recupero_cig(ordinativo, utente=utente)
    _registra("ordinativo.acquisisci_cig", ordinativo, utente, request=request, dati={"simulata": simulata})
    return ordinativo


def scheda_sintesi(ordinativo: Ordinativo) -> bytes:
    """The bytes of the "Scheda di sintesi ordinativo di fornitura": generated once, then kept
    (with their sha256), so that the signed copy can be checked against exactly these bytes."""
    if ordinativo.scheda_generata_id:
        with ordinativo.scheda_generata.file.open("rb") as fh:  # type: ignore[union-attr]  # scheda_generata_id is set
            return fh.read()
    with transaction.atomic():
        ordinativo = _blocca(ordinativo)
        if ordinativo.scheda_generata_id:
            return scheda_sintesi(ordinativo)
        if (
            ordinativo.stato not in (Ordinativo.Stato.CIG_ACQUISITO, Ordinativo.Stato.RIFIUTATO)
            or not ordinativo.cig_derivato
        ):
            raise OperazioneNonConsentita("La scheda di sintesi si genera dopo l'acquisizione del CIG derivato.")
        pdf = genera_scheda_sintesi(ordinativo)
        nome = f"scheda-sintesi-{ordinativo.cig_derivato}.pdf"
        documento = salva(valida(ContentFile(pdf, name=nome), firma_richiesta=False), utente=None)
        ordinativo.scheda_generata = documento
        ordinativo.save(update_fields=["scheda_generata"])
        _registra("ordinativo.scheda_sintesi_generata", ordinativo, None, dati={"sha256": documento.sha256})
        return pdf


@transaction.atomic
def carica_scheda_firmata(ordinativo: Ordinativo, *, utente: User, upload: UploadedFile) -> Ordinativo:
    generato = scheda_sintesi(ordinativo)
    ordinativo = _blocca(ordinativo)
    if ordinativo.stato == Ordinativo.Stato.CHIUSO:
        raise OperazioneNonConsentita(MSG_CHIUSO)
    if ordinativo.stato not in (Ordinativo.Stato.CIG_ACQUISITO, Ordinativo.Stato.RIFIUTATO):
        raise OperazioneNonConsentita("La scheda di sintesi firmata non può essere caricata in questo stato.")
    documento = salva(
        valida(upload, firma_richiesta=True, generato=generato, per_conto_di=titolare_scheda(ordinativo)), utente=utente
    )
    precedente = ordinativo.scheda_firmata
    ordinativo.scheda_firmata = documento
    ordinativo.save(update_fields=["scheda_firmata"])
    dati = {"sha256": documento.sha256}
    if precedente is not None:  # the replaced copy stays stored (and in the revision of the earlier invio)
        dati["sostituisce"] = precedente.sha256
    _registra("ordinativo.scheda_firmata_caricata", ordinativo, utente, dati=dati)
    return ordinativo


def documenti_mancanti(ordinativo: Ordinativo) -> list[str]:
    """The mandatory "RICHIESTE PER ORDINATIVI FORNITURA" (the atto di adesione) not uploaded yet."""
    presenti = {d.codice_richiesta for d in ordinativo.documenti.filter(corrente=True, caricato_da="aderente")}
    return [f"“{r.etichetta}”" for r in richieste_atto(ordinativo) if r.obbligatorio and r.codice not in presenti]


def schede_firmate_inviate(ordinativo: Ordinativo) -> list[DocumentoPrivato]:
    """The signed schede di sintesi sent with an earlier invio and since replaced (from the revisions
    that each invio saves), oldest first."""
    ids: list[int] = []
    for revisione in ordinativo.revisions.order_by("created_at", "pk"):
        pk = revisione.content.get("scheda_firmata")
        if pk and pk != ordinativo.scheda_firmata_id and pk not in ids:
            ids.append(pk)
    documenti = DocumentoPrivato.objects.in_bulk(ids)
    return [documenti[pk] for pk in ids if pk in documenti]


# The states in which the ente prepares the invio (passo 2: the scheda di sintesi, signed): after the
# CIG is acquired, and again after the banditore's refusal.
STATI_PREPARAZIONE_INVIO = (Ordinativo.Stato.CIG_ACQUISITO, Ordinativo.Stato.RIFIUTATO)


def in_preparazione_invio(ordinativo: Ordinativo) -> bool:
    return ordinativo.stato in STATI_PREPARAZIONE_INVIO


def documenti_per_pagina(ordinativo: Ordinativo, *, con_storia: bool) -> dict[str, list[DocumentoOrdinativo]]:
    """The ordinativo's documents as its pages list them: the current ones of the ente and of the OE,
    every replaced version, and — ``con_storia``, for the ente and the banditore — the versions of the
    ente sent with an earlier invio (the OE gets the approved ones only)."""
    documenti = list(ordinativo.documenti.select_related("documento"))
    return {
        "documenti": [d for d in documenti if d.corrente and d.caricato_da == "aderente"],
        "documenti_oe": [d for d in documenti if d.corrente and d.caricato_da == "oe"],
        "storico": [d for d in documenti if not d.corrente],
        "storico_inviati": [d for d in documenti if not d.corrente and d.inviato and d.caricato_da == "aderente"]
        if con_storia
        else [],
    }


def mancanze_invio(ordinativo: Ordinativo) -> list[str]:
    mancanti = documenti_mancanti(ordinativo)
    if not ordinativo.scheda_firmata_id:
        mancanti.append("“Scheda di sintesi ordinativo di fornitura” firmata digitalmente")
    return mancanti


def _workflow() -> Workflow:
    workflow = workflow_di(Ordinativo)
    if workflow is None:
        raise OperazioneNonConsentita(
            "Il flusso di approvazione degli ordinativi non è configurato: contatta l'assistenza."
        )
    return workflow


@transaction.atomic
def invia(ordinativo: Ordinativo, *, utente: User, request: HttpRequest | None = None) -> Ordinativo:
    """Passo 3 "invia": to the banditore for the nulla osta."""
    ordinativo = _blocca(ordinativo)
    if ordinativo.stato == Ordinativo.Stato.CHIUSO:
        raise OperazioneNonConsentita(MSG_CHIUSO)
    if ordinativo.stato not in (Ordinativo.Stato.CIG_ACQUISITO, Ordinativo.Stato.RIFIUTATO):
        raise OperazioneNonConsentita("L'ordinativo può essere inviato dopo l'acquisizione del CIG derivato.")
    mancanti = mancanze_invio(ordinativo)
    if mancanti:
        raise OperazioneNonConsentita("Per inviare l'ordinativo manca: " + ", ".join(mancanti) + ".")
    workflow = _workflow()
    documenti = ordinativo.documenti.filter(corrente=True, caricato_da="aderente")
    inviati = sorted(documenti.values_list("documento__sha256", flat=True))
    documenti.update(inviato=True)
    # Sent again after the banditore's refusal: same CIG and ANAC data, new documents (the audit says which).
    azione = "reinvia" if ordinativo.stato == Ordinativo.Stato.RIFIUTATO else "invia"
    stati.transita(
        ordinativo,
        azione,
        utente=utente,
        request=request,
        dati={
            "documenti": inviati,
            "scheda_firmata": ordinativo.scheda_firmata.sha256,  # type: ignore[union-attr]  # set: mancanze_invio
            "cig": ordinativo.cig_derivato,
        },
        campi={"inviato_il": timezone.now(), "inviato_da": utente, "motivo_rifiuto": ""},
    )
    ordinativo.save_revision(user=utente, clean=False)
    workflow.start(ordinativo, utente)
    return ordinativo


@transaction.atomic
def approva(
    ordinativo: Ordinativo,
    *,
    utente: User,
    task_state: TaskState,
    commento: str = "",
    request: HttpRequest | None = None,
) -> Ordinativo:
    """The Region's nulla osta: the OE's users can see the order from now on."""
    ordinativo = _blocca(ordinativo)
    if not e_banditore(utente, ordinativo.contratto):
        raise PermissionDenied("Solo il banditore del contratto può approvare.")
    if ordinativo.stato != Ordinativo.Stato.INVIATO:
        raise OperazioneNonConsentita("L'ordinativo non è in attesa di approvazione.")
    task_state.approve(user=utente, comment=commento)
    ordinativo = Ordinativo.objects.get(pk=ordinativo.pk)
    assign_perm(PERM_VEDI, ordinativo.contratto.aggiudicatario.gruppo, ordinativo)
    return stati.transita(
        ordinativo, "approva", utente=utente, request=request, motivo=commento, campi={"approvato_il": timezone.now()}
    )


@transaction.atomic
def rifiuta(
    ordinativo: Ordinativo, *, utente: User, task_state: TaskState, motivo: str, request: HttpRequest | None = None
) -> Ordinativo:
    ordinativo = _blocca(ordinativo)
    if not e_banditore(utente, ordinativo.contratto):
        raise PermissionDenied("Solo il banditore del contratto può rifiutare.")
    if ordinativo.stato != Ordinativo.Stato.INVIATO:
        raise OperazioneNonConsentita("L'ordinativo non è in attesa di approvazione.")
    if not (motivo or "").strip():
        raise OperazioneNonConsentita("Indica il motivo del rifiuto.")
    task_state.reject(user=utente, comment=motivo)
    ordinativo = Ordinativo.objects.get(pk=ordinativo.pk)
    stato_wf = ordinativo.current_workflow_state
    if stato_wf is not None:
        stato_wf.cancel(user=utente)
    return stati.transita(
        ordinativo,
        "rifiuta",
        utente=utente,
        request=request,
        motivo=motivo.strip(),
        campi={"motivo_rifiuto": motivo.strip(), "rifiutato_il": timezone.now()},
    )


def chiudibile(ordinativo: Ordinativo) -> bool:
    """Only an ordinativo the banditore did not approve may be closed."""
    return ordinativo.stato == Ordinativo.Stato.RIFIUTATO


@transaction.atomic
def chiudi(ordinativo: Ordinativo, *, utente: User, request: HttpRequest | None = None) -> Ordinativo:
    """ "chiudi ordinativo" of a rejected ordinativo: final, nothing more is sent. The CIG already
    acquired stays on ANAC: the ente cancels it with the scheda ANN (still available)."""
    ordinativo = _blocca(ordinativo)
    if not puo_operare(utente, ordinativo):
        raise PermissionDenied("Solo il Responsabile/Buyer o il RUP dell'ente aderente può operare sull'ordinativo.")
    if ordinativo.stato == Ordinativo.Stato.CHIUSO:
        raise OperazioneNonConsentita("L'ordinativo è già chiuso.")
    if not chiudibile(ordinativo):
        raise OperazioneNonConsentita(MSG_CHIUDI_STATO)
    return stati.transita(
        ordinativo,
        "chiudi",
        utente=utente,
        request=request,
        motivo=ordinativo.motivo_rifiuto,
        dati={"cig": ordinativo.cig_derivato},
        campi={"chiuso_il": timezone.now(), "chiuso_da": utente},
    )


def richieste_oe(ordinativo: Ordinativo) -> list[tuple[str, str]]:
    """What the OE uploads after approval: the countersigned DPA (ipotesi B) and the comunicazione
    dati tracciabilità, one per RTI member or only the mandataria, as the atto chose."""
    richieste: list[tuple[str, str]] = []
    if ordinativo.adesione.ipotesi == Adesione.Ipotesi.B:
        richieste.append(("dpa-controfirmato", "Data Protection Agreement controfirmato dal Fornitore"))
    membri = list(ordinativo.contratto.aggiudicatario.membri.all())
    if ordinativo.tracciabilita == Ordinativo.Tracciabilita.OGNI_MEMBRO and membri:
        for m in membri:
            richieste.append(
                (f"tracciabilita-{m.codice_fiscale.lower()}", f"Comunicazione dati tracciabilità – {m.ragione_sociale}")
            )
    else:
        mandataria = ordinativo.contratto.aggiudicatario.mandataria
        nome = mandataria.ragione_sociale if mandataria else ordinativo.contratto.aggiudicatario.denominazione
        richieste.append(("tracciabilita", f"Comunicazione dati tracciabilità – {nome}"))
    return richieste


def mancanze_oe(ordinativo: Ordinativo) -> list[str]:
    """The labels of what the OE has still to upload (each RTI member's comunicazione, with
    "Pagamento a ciascun soggetto del RTI"), after the approval."""
    if ordinativo.stato != Ordinativo.Stato.APPROVATO:
        return []
    caricati = set(
        ordinativo.documenti.filter(corrente=True, caricato_da="oe").values_list("codice_richiesta", flat=True)
    )
    return [etichetta for codice, etichetta in richieste_oe(ordinativo) if codice not in caricati]


@transaction.atomic
def carica_documenti_oe(ordinativo: Ordinativo, *, utente: User, files: Mapping[str, UploadedFile]) -> None:
    ordinativo = _blocca(ordinativo)
    if not puo_caricare_documenti_oe(utente, ordinativo):
        raise PermissionDenied(
            "Solo il fornitore aggiudicatario carica questi documenti, dopo l'approvazione dell'ordinativo."
        )
    richieste = dict(richieste_oe(ordinativo))
    if set(files) - set(richieste):
        raise OperazioneNonConsentita("Il documento caricato non è tra quelli richiesti al fornitore.")
    elementi = [
        (
            codice,
            richieste[codice],
            None,
            valida(upload, firma_richiesta=True, per_conto_di=Titolare(ordinativo.contratto.aggiudicatario)),
        )
        for codice, upload in files.items()
    ]
    salva_versioni(
        ordinativo.documenti,
        elementi,
        utente=utente,
        oggetto=ordinativo,
        contratto_id=ordinativo.contratto_id,
        azione="ordinativo.documento_oe_caricato",
        caricato_da="oe",
    )
