"""Business rules of the schede ANAC after the CIG (manual, "Scheda ANN – Annullamento procedura").

The state changes go through ``stati.transita`` (transition table, audit entry, domain signal);
the ANAC sequence, its keys and ANAC's answers are in ``anac.py``. The rules are checked on the
server for every request, whatever the page offered:

- a scheda needs the ordinativo's derived CIG and is about that CIG only (one CIG per scheda; a CIG
  or a reason different from the fixed ones is refused);
- at most one scheda per type and ordinativo (no second ANN, no second SC1);
- ANN: for an ordinativo with CIG acquisito, rifiutato or approvato (not while it waits for the
  banditore's nulla osta), only with the reason "1 – Errata comunicazione", and not once a scheda of
  the execution phase (SC1) was sent;
- SC1: for an approved ordinativo;
- after an ANN was sent (and, of course, on an annulled ordinativo) no scheda can be created or sent;
- only the ente's RUP sends and verifies (the view also asks for the strong authentication);
- a scheda stays in bozza until "invia scheda"; a bozza can be changed, sent or deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import registra

from ..models import Ordinativo, Scheda
from ..models.schede import MOTIVO_ERRATA_COMUNICAZIONE
from ..ordinativi.stati import OperazioneNonConsentita
from . import anac as sequenza_anac
from . import stati
from .permessi import MSG_SOLO_ENTE, MSG_SOLO_RUP, puo_gestire, puo_inviare

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import User
    from django.http import HttpRequest

# Ordinativo states in which a scheda of each type may be created and sent.
STATI_ORDINATIVO: dict[str, tuple[str, ...]] = {
    Scheda.Tipo.ANN: (
        Ordinativo.Stato.CIG_ACQUISITO,
        Ordinativo.Stato.RIFIUTATO,
        Ordinativo.Stato.CHIUSO,
        Ordinativo.Stato.APPROVATO,
    ),
    Scheda.Tipo.SC1: (Ordinativo.Stato.APPROVATO,),
}

MSG_SENZA_CIG = "Le schede ANAC si inviano dopo l'acquisizione del CIG derivato: questo ordinativo non ha un CIG."
MSG_DOPO_ANN = "Dopo l'invio della scheda ANN non è possibile inviare altre schede."
MSG_ANN_DOPO_ESECUZIONE = (
    "L'invio della scheda ANN non è possibile: è già stata inviata una scheda della fase di esecuzione."
)
MSG_ANN_IN_APPROVAZIONE = (
    "L'ordinativo è in attesa del nulla osta del banditore: la scheda ANN si può inviare dopo la sua decisione."
)
MSG_ANN_STATO = "La scheda ANN si invia per un ordinativo con CIG acquisito, rifiutato, chiuso dall'ente o approvato."
MSG_SC1_STATO = "La scheda di sottoscrizione del contratto (SC1) si invia dopo l'approvazione dell'ordinativo."
MSG_DOPPIA = (
    "Esiste già una scheda “{nome}” per questo ordinativo: aprila dall'elenco delle schede per inviarla o eliminarla."
)
# The same, when that scheda is no longer a draft: it cannot be sent again nor deleted.
MSG_DOPPIA_INVIATA = (
    "Esiste già una scheda “{nome}” per questo ordinativo, nello stato “{stato}”: non se ne crea un'altra."
)
MSG_CIG_FISSO = "Il CIG non è modificabile: ogni scheda riguarda il solo CIG derivato dell'ordinativo ({cig})."
MSG_UN_CIG = "Ogni scheda riguarda un solo CIG: il CIG derivato dell'ordinativo ({cig})."
MSG_MOTIVO_FISSO = (
    "Il motivo dell'annullamento non è modificabile: “errata comunicazione” è l'unica tipologia prevista da ANAC."
)
MSG_GIA_INVIATA = "La scheda è già stata inviata: non può essere modificata, inviata di nuovo o eliminata."
MSG_NON_INVIATA = "La verifica dell'invio è possibile dopo l'invio della scheda ad ANAC."
MSG_VERIFICA_IN_CORSO = "La verifica dell'invio è già in corso: ricarica la pagina per vederne l'esito."
MSG_GIA_CONFERMATA = "La scheda è già stata confermata da ANAC."
MSG_DATE_SC1 = "La data di scadenza non può precedere la data di decorrenza."
MSG_DATI_SC1 = "Completa i dati della scheda SC1 (data di stipula, decorrenza e scadenza) prima dell'invio."
MSG_TIPO = "Tipo di scheda non previsto: scegli una voce del menu “Crea nuova scheda”."


# --- rules ---------------------------------------------------------------------------------------


def _attive(ordinativo: Ordinativo, esclusa: int | None = None) -> list[Scheda]:
    schede = ordinativo.schede.exclude(stato=Scheda.Stato.ELIMINATA)
    if esclusa is not None:
        schede = schede.exclude(pk=esclusa)
    return list(schede)


def motivo_blocco(ordinativo: Ordinativo, tipo: str, *, esclusa: int | None = None) -> str | None:
    """Why a scheda of ``tipo`` cannot be sent now on ``ordinativo`` (``None``: it can)."""
    if not ordinativo.cig_derivato:
        return MSG_SENZA_CIG
    schede = _attive(ordinativo, esclusa)
    if ordinativo.stato == Ordinativo.Stato.ANNULLATO or any(s.tipo == Scheda.Tipo.ANN and s.inviata for s in schede):
        return MSG_DOPO_ANN
    if tipo == Scheda.Tipo.ANN:
        if any(s.tipo in Scheda.TIPI_ESECUZIONE and s.inviata for s in schede):
            return MSG_ANN_DOPO_ESECUZIONE
        if ordinativo.stato == Ordinativo.Stato.INVIATO:
            return MSG_ANN_IN_APPROVAZIONE
        if ordinativo.stato not in STATI_ORDINATIVO[tipo]:
            return MSG_ANN_STATO
    elif tipo == Scheda.Tipo.SC1:
        if ordinativo.stato not in STATI_ORDINATIVO[tipo]:
            return MSG_SC1_STATO
    else:
        return MSG_TIPO
    return None


def motivo_blocco_creazione(ordinativo: Ordinativo, tipo: str) -> str | None:
    """Why "Crea nuova scheda" → ``tipo`` is not possible now (``None``: it is)."""
    motivo = motivo_blocco(ordinativo, tipo)
    if motivo:
        return motivo
    esistente = next((s for s in _attive(ordinativo) if s.tipo == tipo), None)
    if esistente is not None:
        if esistente.stato == Scheda.Stato.BOZZA:
            return MSG_DOPPIA.format(nome=Scheda.Tipo(tipo).label)
        return MSG_DOPPIA_INVIATA.format(nome=Scheda.Tipo(tipo).label, stato=esistente.get_stato_display())
    return None


def voci_nuova_scheda(ordinativo: Ordinativo) -> list[tuple[str, str, str | None]]:
    """The entries of the "Crea nuova scheda" menu: ``[(tipo, etichetta, motivo_se_disabilitata)]``."""
    return [(tipo.value, tipo.label, motivo_blocco_creazione(ordinativo, tipo)) for tipo in Scheda.Tipo]


def _verifica_campi_fissi(ordinativo: Ordinativo, tipo: str, dati: dict[str, Any]) -> None:
    """CIG and reason come from the ordinativo and from ANAC: a request that changes them is refused."""
    cig = dati.get("cig")
    if isinstance(cig, list | tuple):
        raise OperazioneNonConsentita(MSG_UN_CIG.format(cig=ordinativo.cig_derivato))
    if cig is not None and str(cig).strip().upper() != ordinativo.cig_derivato:
        raise OperazioneNonConsentita(MSG_CIG_FISSO.format(cig=ordinativo.cig_derivato))
    motivo = dati.get("motivo")
    if (
        tipo == Scheda.Tipo.ANN
        and motivo is not None
        and (isinstance(motivo, list | tuple) or str(motivo).strip() != MOTIVO_ERRATA_COMUNICAZIONE)
    ):
        raise OperazioneNonConsentita(MSG_MOTIVO_FISSO)


def _dati_sc1(scheda: Scheda, dati: dict[str, Any]) -> None:
    for campo in ("data_stipula", "data_decorrenza", "data_scadenza", "data_esecutivita", "importo_cauzione"):
        if campo in dati:
            setattr(scheda, campo, dati[campo])
    if scheda.importo_cauzione is None:
        scheda.importo_cauzione = 0
    if scheda.data_decorrenza and scheda.data_scadenza and scheda.data_scadenza < scheda.data_decorrenza:
        raise OperazioneNonConsentita(MSG_DATE_SC1)


def _blocca_ordinativo(ordinativo: Ordinativo) -> Ordinativo:
    return Ordinativo.objects.select_for_update().select_related("contratto", "ente").get(pk=ordinativo.pk)


def _blocca(scheda: Scheda) -> Scheda:
    """Lock the ordinativo, then the scheda (the same order as the ANAC worker)."""
    ordinativo = _blocca_ordinativo(scheda.ordinativo)
    scheda = Scheda.objects.select_for_update().get(pk=scheda.pk)
    scheda.ordinativo = ordinativo
    return scheda


def _dati(scheda: Scheda, **extra: Any) -> dict[str, Any]:
    return {"tipo": scheda.tipo, "cig": scheda.cig, "ordinativo": scheda.ordinativo.codice, **extra}


def _registra(azione: str, scheda: Scheda, utente: User, **kwargs: Any) -> None:
    registra(
        azione,
        scheda,
        utente=utente,
        contratto=scheda.ordinativo.contratto_id,
        dati=_dati(scheda, **kwargs.pop("dati", {})),
        **kwargs,
    )


# --- drafts --------------------------------------------------------------------------------------


@transaction.atomic
def crea(
    ordinativo: Ordinativo,
    *,
    tipo: str,
    utente: User,
    dati: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Scheda:
    """ "Crea nuova scheda" → "salva e procedi": the scheda in bozza, on the ordinativo's CIG."""
    dati = dict(dati or {})
    ordinativo = _blocca_ordinativo(ordinativo)
    if not puo_gestire(utente, ordinativo):
        raise PermissionDenied(MSG_SOLO_ENTE)
    if tipo not in Scheda.Tipo.values:
        raise OperazioneNonConsentita(MSG_TIPO)
    motivo = motivo_blocco_creazione(ordinativo, tipo)
    if motivo:
        raise OperazioneNonConsentita(motivo)
    _verifica_campi_fissi(ordinativo, tipo, dati)
    scheda = Scheda(
        ordinativo=ordinativo,
        tipo=tipo,
        cig=ordinativo.cig_derivato,
        creata_da=utente,
        motivo=MOTIVO_ERRATA_COMUNICAZIONE if tipo == Scheda.Tipo.ANN else "",
    )
    if tipo == Scheda.Tipo.SC1:
        _dati_sc1(scheda, dati)
    scheda.full_clean()
    try:
        with transaction.atomic():
            scheda.save()
    except IntegrityError as exc:  # the unique constraint, if two requests raced past the lock
        raise OperazioneNonConsentita(MSG_DOPPIA.format(nome=scheda.nome)) from exc
    _registra("scheda.creata", scheda, utente, request=request, a=scheda.stato)
    return scheda


@transaction.atomic
def aggiorna(scheda: Scheda, *, utente: User, dati: dict[str, Any], request: HttpRequest | None = None) -> Scheda:
    """ "salva e procedi" on a draft: for SC1 the contract's dates; CIG and reason never change."""
    scheda = _blocca(scheda)
    if not puo_gestire(utente, scheda.ordinativo):
        raise PermissionDenied(MSG_SOLO_ENTE)
    if not scheda.modificabile:
        raise OperazioneNonConsentita(MSG_GIA_INVIATA)
    _verifica_campi_fissi(scheda.ordinativo, scheda.tipo, dati)
    if scheda.tipo == Scheda.Tipo.SC1:
        _dati_sc1(scheda, dati)
    scheda.full_clean()
    scheda.save()
    _registra("scheda.modificata", scheda, utente, request=request)
    return scheda


@transaction.atomic
def elimina(scheda: Scheda, *, utente: User, request: HttpRequest | None = None) -> Scheda:
    """ "elimina" a draft. The record stays (stato "eliminata", for the audit and the Log
    Trasmissioni); if ANAC already has the draft (a send that came back negative) it is cancelled
    there too, in the background (cancella-scheda, which needs the RUP)."""
    scheda = _blocca(scheda)
    ordinativo = scheda.ordinativo
    if not puo_gestire(utente, ordinativo):
        raise PermissionDenied(MSG_SOLO_ENTE)
    if not scheda.modificabile:
        raise OperazioneNonConsentita(MSG_GIA_INVIATA)
    if scheda.id_scheda and not puo_inviare(utente, ordinativo):
        raise PermissionDenied(MSG_SOLO_RUP)
    stati.transita(
        scheda,
        "elimina",
        utente=utente,
        request=request,
        dati=_dati(scheda),
        campi={"eliminata_il": timezone.now(), "eliminata_da": utente},
    )
    if scheda.id_scheda:
        sequenza_anac.avvia_cancellazione(scheda, utente=utente)
    return scheda


# --- ANAC ----------------------------------------------------------------------------------------


def _controlla_rup(scheda: Scheda, utente: User) -> None:
    if not puo_inviare(utente, scheda.ordinativo):
        raise PermissionDenied(MSG_SOLO_RUP)


@transaction.atomic
def invia(scheda: Scheda, *, utente: User, simulata: bool = False, request: HttpRequest | None = None) -> Scheda:
    """ "invia scheda": crea-scheda then conferma-scheda on ANAC, in the background. After a negative
    outcome the draft ANAC already has is confirmed again (no second crea-scheda)."""
    scheda = _blocca(scheda)
    ordinativo = scheda.ordinativo
    _controlla_rup(scheda, utente)
    if not scheda.modificabile:
        raise OperazioneNonConsentita(MSG_GIA_INVIATA)
    motivo = motivo_blocco(ordinativo, scheda.tipo, esclusa=scheda.pk)
    if motivo:
        raise OperazioneNonConsentita(motivo)
    if scheda.cig != ordinativo.cig_derivato:
        raise OperazioneNonConsentita(MSG_CIG_FISSO.format(cig=ordinativo.cig_derivato))
    if scheda.tipo == Scheda.Tipo.SC1 and not (scheda.data_stipula and scheda.data_decorrenza and scheda.data_scadenza):
        raise OperazioneNonConsentita(MSG_DATI_SC1)
    stati.transita(
        scheda,
        "invia",
        utente=utente,
        request=request,
        dati=_dati(scheda, tentativo=scheda.tentativo_invio + 1, simulata=simulata),
        campi={
            "tentativo_invio": scheda.tentativo_invio + 1,
            "errore_anac": "",
            "esito_verifica": "",
            "inviata_da": utente,
            "inviata_il": timezone.now(),
            "autenticazione_simulata": scheda.autenticazione_simulata or simulata,
        },
    )
    sequenza_anac.avvia_invio(scheda, utente=utente)
    return scheda


@transaction.atomic
def verifica(scheda: Scheda, *, utente: User, simulata: bool = False, request: HttpRequest | None = None) -> Scheda:
    """ "Verifica invio": esito-operazione (SC_CONF) on ANAC, in the background."""
    scheda = _blocca(scheda)
    _controlla_rup(scheda, utente)
    if scheda.stato == Scheda.Stato.CONFERMATA:
        raise OperazioneNonConsentita(MSG_GIA_CONFERMATA)
    if scheda.stato != Scheda.Stato.INVIATA:
        raise OperazioneNonConsentita(MSG_NON_INVIATA)
    if scheda.verifica_in_corso:
        raise OperazioneNonConsentita(MSG_VERIFICA_IN_CORSO)
    scheda.tentativo_verifica += 1
    scheda.verifica_in_corso = True
    scheda.errore_anac = ""
    scheda.esito_verifica = ""
    scheda.autenticazione_simulata = scheda.autenticazione_simulata or simulata
    scheda.save()
    sequenza_anac.avvia_verifica(scheda, utente=utente)
    _registra(
        "scheda.verifica_richiesta", scheda, utente, request=request, dati={"tentativo": scheda.tentativo_verifica}
    )
    return scheda
