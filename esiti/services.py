"""Business rules of the esiti: draft, completion, publication, withdrawal, cancellation.

Views and other apps call these functions; the state itself (and the mark "Annullato") changes only
in ``stati`` (audit entry and domain signal included).

    crea_bozza(*, contratto, ente, utente, riferimento=None, **dati) -> Esito
    completa_bozza(esito, *, utente, request=None, **dati) -> Esito
    verifica_pubblicabile(esito) -> dict[campo, list[str]]      (empty: it can be published)
    pubblica(esito, *, utente, request=None) -> Esito
    ritira(esito, *, utente, motivo, request=None) -> Esito
    segna_annullato(esito, *, utente=None, request=None) -> Esito
    segna_annullato_per(riferimento, *, utente=None, request=None) -> list[Esito]
    bozza_da_ordinativo(ordinativo, *, utente) -> Esito           (the blue "esito" button)
    esito_di(riferimento) -> Esito | None
    puo_vedere / puo_pubblicare / puo_ritirare(user, esito) -> bool
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import registra
from contratti.permessi import e_banditore
from organizzazioni import ruoli
from organizzazioni.models import Incarico

from . import conf, stati
from .cache import segnala_modifica
from .models import Esito, PartecipanteEsito

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import Model
    from django.http import HttpRequest

    from contratti.models import ContrattoPage, Ordinativo
    from organizzazioni.models import Ente

CAMPI_BOZZA = {
    "cig",
    "oggetto",
    "importo_aggiudicazione",
    "importo_somme_liquidate",
    "data_aggiudicazione",
    "data_inizio",
    "data_ultimazione",
    "aggiudicatario_denominazione",
    "aggiudicatario_codice_fiscale",
    "partecipanti",
}
CAMPI_COMPLETABILI = {
    "cig",
    "oggetto",
    "importo_aggiudicazione",
    "importo_somme_liquidate",
    "data_aggiudicazione",
    "data_inizio",
    "data_ultimazione",
}
MSG_PERMESSO_PUBBLICA = "Solo gli utenti della struttura proponente possono completare e pubblicare questo esito."
MSG_PERMESSO_RITIRA = "Solo il banditore del contratto o la redazione possono ritirare un esito pubblicato."


# --- permissions ---------------------------------------------------------------------------------


def e_utente_ente(user: User | AnonymousUser, ente_id: int) -> bool:
    return bool(user and user.is_authenticated and Incarico.objects.filter(user=user, ente_id=ente_id).exists())


def e_editor(user: User | AnonymousUser) -> bool:
    return bool(
        user and user.is_authenticated and (user.is_superuser or user.groups.filter(name=ruoli.EDITOR).exists())
    )


def puo_vedere(user: User | AnonymousUser, esito: Esito) -> bool:
    """The public sees published (and withdrawn) esiti; a draft only the users of its ente."""
    return esito.visibile_al_pubblico or e_utente_ente(user, esito.ente_id)


def puo_pubblicare(user: User | AnonymousUser, esito: Esito) -> bool:
    return esito.stato == Esito.Stato.BOZZA and e_utente_ente(user, esito.ente_id)


def puo_ritirare(user: User | AnonymousUser, esito: Esito) -> bool:
    return esito.stato == Esito.Stato.PUBBLICATO and (e_banditore(user, esito.contratto) or e_editor(user))


# --- helpers -------------------------------------------------------------------------------------


def ocid_per(cig: str) -> str:
    """One contracting process per order: the ocid is the prefix plus the order's CIG."""
    return f"{conf.prefisso_ocid()}-{cig}" if cig else ""


def _tronca(testo: str, lunghezza: int) -> str:
    testo = " ".join((testo or "").split())
    return testo if len(testo) <= lunghezza else testo[: lunghezza - 1].rstrip() + "…"


def _utente(user: User | AnonymousUser) -> User | None:
    return user if user is not None and user.is_authenticated else None


def partecipanti_da_contratto(contratto: ContrattoPage) -> list[dict[str, str]]:
    """The supplier of the contract as participants: each RTI member with its role, or the single
    company."""
    oe = contratto.aggiudicatario
    membri = list(oe.membri.all()) if oe.raggruppamento else []
    if membri:
        return [
            {"ragione_sociale": m.ragione_sociale, "codice_fiscale": m.codice_fiscale, "ruolo": m.ruolo} for m in membri
        ]
    return [{"ragione_sociale": oe.denominazione, "codice_fiscale": oe.codice_fiscale, "ruolo": ""}]


def esito_di(riferimento: Model) -> Esito | None:
    """The current esito (draft or published, not withdrawn) of a source record, or None."""
    ct = ContentType.objects.get_for_model(riferimento)
    return (
        Esito.objects.filter(content_type=ct, object_id=riferimento.pk)
        .exclude(stato=Esito.Stato.RITIRATO)
        .order_by("-creato_il", "-pk")
        .first()
    )


def _segnala(esito: Esito) -> None:
    """New cache version now and again after commit (so that nothing computed from the data before the
    commit survives under the new version)."""
    segnala_modifica(esito)
    transaction.on_commit(lambda: segnala_modifica(esito))


def _aggiorna_ricerca(esito: Esito) -> None:
    Esito.objects.filter(pk=esito.pk).aggiorna_ricerca()


# --- state changes -------------------------------------------------------------------------------


@transaction.atomic
def crea_bozza(
    *, contratto: ContrattoPage, ente: Ente, utente: User, riferimento: Model | None = None, **dati: Any
) -> Esito:
    """A draft esito prefilled from the contract (framework CIG, supplier and its RTI members) and from
    ``dati`` (the order: ``cig``, ``oggetto``, ``importo_aggiudicazione``, optionally dates,
    ``partecipanti`` as a list of dicts ``ragione_sociale``/``codice_fiscale``/``ruolo``).

    Idempotent per source record: if ``riferimento`` already has a draft or a published esito, that
    one is returned unchanged. Nothing is public until ``pubblica``.
    """
    sconosciuti = set(dati) - CAMPI_BOZZA
    if sconosciuti:
        raise TypeError(f"crea_bozza: campi non previsti {sorted(sconosciuti)}")
    if riferimento is not None and (esistente := esito_di(riferimento)) is not None:
        return esistente
    partecipanti = dati.pop("partecipanti", None) or partecipanti_da_contratto(contratto)
    oe = contratto.aggiudicatario
    cig = (dati.pop("cig", "") or "").strip().upper()
    esito = Esito(
        contratto=contratto,
        contratto_titolo=_tronca(contratto.title, 255),
        ente=ente,
        ente_denominazione=ente.denominazione,
        ente_codice_fiscale=ente.codice_fiscale,
        cig=cig,
        cig_accordo_quadro=contratto.cig,
        ocid=ocid_per(cig),
        oggetto=_tronca(dati.pop("oggetto", "") or contratto.title, 250),
        aggiudicatario_denominazione=dati.pop("aggiudicatario_denominazione", "") or oe.denominazione,
        aggiudicatario_codice_fiscale=dati.pop("aggiudicatario_codice_fiscale", "") or oe.codice_fiscale,
        creato_da=_utente(utente),
        **dati,
    )
    if riferimento is not None:
        esito.riferimento = riferimento
    esito.full_clean()
    esito.save()
    PartecipanteEsito.objects.bulk_create(
        [
            PartecipanteEsito(
                esito=esito,
                ragione_sociale=_tronca(p["ragione_sociale"], 250),
                codice_fiscale=(p.get("codice_fiscale") or "").strip().upper(),
                identificativo_estero=p.get("identificativo_estero", ""),
                ruolo=p.get("ruolo") or "",
                ordine=i,
            )
            for i, p in enumerate(partecipanti)
        ]
    )
    _aggiorna_ricerca(esito)
    registra(
        "esito.bozza_creata",
        esito,
        utente=_utente(utente),
        contratto=contratto,
        a=Esito.Stato.BOZZA,
        dati={"cig": cig, "riferimento": str(riferimento) if riferimento is not None else ""},
    )
    return esito


def bozza_da_ordinativo(ordinativo: Ordinativo, *, utente: User) -> Esito:
    """The blue "esito" button: the esito of an approved ordinativo, as a draft prefilled from the
    order (idempotent)."""
    if ordinativo.stato != ordinativo.Stato.APPROVATO:
        raise ValidationError("L'esito si pubblica dopo l'approvazione dell'ordinativo.")
    return crea_bozza(
        contratto=ordinativo.contratto,
        ente=ordinativo.ente,
        utente=utente,
        riferimento=ordinativo,
        cig=ordinativo.cig_derivato,
        oggetto=ordinativo.oggetto,
        importo_aggiudicazione=ordinativo.importo_totale,
        data_aggiudicazione=timezone.localtime(ordinativo.approvato_il).date() if ordinativo.approvato_il else None,
    )


@transaction.atomic
def completa_bozza(esito: Esito, *, utente: User, request: HttpRequest | None = None, **dati: Any) -> Esito:
    """Save what the ente adds to a draft (dates, somme liquidate, a corrected oggetto…)."""
    sconosciuti = set(dati) - CAMPI_COMPLETABILI
    if sconosciuti:
        raise TypeError(f"completa_bozza: campi non previsti {sorted(sconosciuti)}")
    esito = Esito.objects.select_for_update().get(pk=esito.pk)
    if not e_utente_ente(utente, esito.ente_id):
        raise PermissionDenied(MSG_PERMESSO_PUBBLICA)
    if esito.stato != Esito.Stato.BOZZA:
        raise ValidationError("L'esito è già stato pubblicato: non può più essere modificato.")
    for campo, valore in dati.items():
        if campo == "cig":
            valore = (valore or "").strip().upper()
        setattr(esito, campo, valore)
    esito.ocid = ocid_per(esito.cig)
    esito.full_clean()
    esito.save()
    _aggiorna_ricerca(esito)
    registra(
        "esito.bozza_modificata",
        esito,
        utente=utente,
        request=request,
        contratto=esito.contratto_id,
        dati={k: v for k, v in dati.items()},
    )
    return esito


def verifica_pubblicabile(esito: Esito) -> dict[str, list[str]]:
    """What is missing or wrong before publication, as ``{campo: [messaggi]}`` (empty when ready)."""
    errori: dict[str, list[str]] = {}

    def errore(campo: str, messaggio: str) -> None:
        errori.setdefault(campo, []).append(messaggio)

    if esito.annullato:
        errore("__all__", "L'ordinativo è stato annullato con una scheda ANN: l'esito non può essere pubblicato.")
    if not esito.cig:
        errore("cig", "Il CIG derivato è obbligatorio.")
    elif Esito.objects.filter(cig=esito.cig, stato=Esito.Stato.PUBBLICATO).exclude(pk=esito.pk).exists():
        errore("cig", f"Esiste già un esito pubblicato con il CIG {esito.cig}.")
    if not (esito.oggetto or "").strip():
        errore("oggetto", "L'oggetto è obbligatorio.")
    if esito.importo_aggiudicazione is None:
        errore("importo_aggiudicazione", "L'importo di aggiudicazione è obbligatorio.")
    if not esito.ente_codice_fiscale:
        errore("__all__", "Manca il codice fiscale della struttura proponente.")
    if esito.data_aggiudicazione is None:
        errore("data_aggiudicazione", "Indica la data di aggiudicazione.")
    elif esito.data_aggiudicazione > timezone.localdate():
        errore("data_aggiudicazione", "La data di aggiudicazione non può essere successiva a oggi.")
    if esito.data_inizio is None:
        errore("data_inizio", "Indica la data di inizio (tempi di completamento).")
    if esito.data_ultimazione is None:
        errore("data_ultimazione", "Indica la data di ultimazione (tempi di completamento).")
    if esito.data_inizio and esito.data_ultimazione and esito.data_ultimazione < esito.data_inizio:
        errore("data_ultimazione", "La data di ultimazione non può precedere la data di inizio.")
    if not esito.partecipanti.exists():
        errore("__all__", "Manca l'aggiudicatario.")
    return errori


def pubblica(esito: Esito, *, utente: User, request: HttpRequest | None = None) -> Esito:
    """Make the esito public. Only users of its ente; all mandatory data present; the CIG not already
    published in another esito."""
    with transaction.atomic():
        bloccato = Esito.objects.select_for_update().get(pk=esito.pk)
        if not e_utente_ente(utente, bloccato.ente_id):
            raise PermissionDenied(MSG_PERMESSO_PUBBLICA)
        if bloccato.stato != Esito.Stato.BOZZA:
            raise ValidationError(
                "L'esito è già stato pubblicato."
                if bloccato.stato == Esito.Stato.PUBBLICATO
                else "L'esito è stato ritirato: non può essere pubblicato di nuovo."
            )
        if errori := verifica_pubblicabile(bloccato):
            raise ValidationError(errori)
        ocid = bloccato.ocid or ocid_per(bloccato.cig)
        try:
            stati.cambia_stato(
                bloccato,
                "pubblica",
                utente=utente,
                request=request,
                dati={"cig": bloccato.cig, "ocid": ocid},
                campi={"pubblicato_il": timezone.now(), "pubblicato_da": utente, "ocid": ocid},
            )
        except IntegrityError as exc:  # a concurrent publication of the same CIG
            raise ValidationError({"cig": [f"Esiste già un esito pubblicato con il CIG {bloccato.cig}."]}) from exc
        _segnala(bloccato)
    esito.refresh_from_db()
    return esito


def ritira(esito: Esito, *, utente: User, motivo: str, request: HttpRequest | None = None) -> Esito:
    """Withdraw a published esito: the banditore of its contract or an editor, with a reason. Nothing
    is deleted: the public page says it was withdrawn, when and why."""
    motivo = (motivo or "").strip()
    with transaction.atomic():
        bloccato = Esito.objects.select_for_update().get(pk=esito.pk)
        if not (e_banditore(utente, bloccato.contratto) or e_editor(utente)):
            raise PermissionDenied(MSG_PERMESSO_RITIRA)
        if bloccato.stato != Esito.Stato.PUBBLICATO:
            raise ValidationError("Solo un esito pubblicato può essere ritirato.")
        if not motivo:
            raise ValidationError({"motivo": ["Il motivo del ritiro è obbligatorio."]})
        stati.cambia_stato(
            bloccato,
            "ritira",
            utente=utente,
            request=request,
            motivo=motivo,
            campi={"ritirato_il": timezone.now(), "ritirato_da": utente, "ritirato_motivo": motivo},
        )
        _segnala(bloccato)
    esito.refresh_from_db()
    return esito


def segna_annullato(esito: Esito, *, utente: User | None = None, request: HttpRequest | None = None) -> Esito:
    """The order was cancelled by a confirmed ANN scheda: the esito stays visible, marked "Annullato".
    Idempotent."""
    with transaction.atomic():
        bloccato = Esito.objects.select_for_update().get(pk=esito.pk)
        if stati.segna_annullato(bloccato, utente=utente, request=request):
            _segnala(bloccato)
    esito.refresh_from_db()
    return esito


def segna_annullato_per(
    riferimento: Model, *, utente: User | None = None, request: HttpRequest | None = None
) -> list[Esito]:
    """Mark as cancelled every esito of a source record (the ordinativo cancelled by ANN)."""
    ct = ContentType.objects.get_for_model(riferimento)
    return [
        segna_annullato(e, utente=utente, request=request)
        for e in Esito.objects.filter(content_type=ct, object_id=riferimento.pk)
    ]
