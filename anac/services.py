"""Calls to ANAC that leave a trace, and the payloads of the schede, with ANAC's field names.

``chiama("crea-appalto", payload, oggetto=ordinativo, utente=request.user)`` calls the client and
writes one :class:`~anac.models.Trasmissione` per HTTP exchange (the Log Trasmissioni), whatever
happens: answer, ANAC refusal, timeout, network error, unreadable or duplicated answer.
"""

import datetime
import uuid
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils import timezone

from .auth import codice_fiscale_di
from .client import ClientPCP, ErroreANAC, Scambio, leggi_esito
from .models import EsitoANAC, OperazioneANAC, Trasmissione

# Client methods by ANAC service name.
SERVIZI = {
    "crea-appalto": "crea_appalto",
    "modifica-appalto": "modifica_appalto",
    "conferma-appalto": "conferma_appalto",
    "esito-operazione": "esito_operazione",
    "recupera-cig": "recupera_cig",
    "stato-appalto": "stato_appalto",
    "ricerca-appalto": "ricerca_appalto",
    "consulta-appalto": "consulta_appalto",
    "presa-carico": "presa_carico",
    "crea-scheda": "crea_scheda",
    "conferma-scheda": "conferma_scheda",
    "ricerca-scheda": "ricerca_scheda",
    "cancella-scheda": "cancella_scheda",
}

# Codes of ANAC's tipologiche used in the payloads (anticorruzione/npa, docs/modello-dati/tipologiche).
TIPI_FINANZIAMENTO = {
    "A": "Fondi di bilancio della stazione appaltante",
    "B": "Fondi di bilancio dell'amministrazione competente",
    "C01": "Entrate con dest.vincolata - PUBBLICA COMUNITARIA",
    "C02": "Entrate con dest.vincolata - PUBBLICA NAZIONALE CENTRALE",
    "C03": "Entrate con dest.vincolata - PUBBLICA NAZIONALE REGIONALE",
    "C04": "Entrate con dest.vincolata - PUBBLICA NAZIONALE LOCALE",
    "C05": "Entrate con dest.vincolata - PUBBLICA NAZIONALE ALTRI",
    "C06": "Entrate con dest.vincolata - PRIVATI",
    "D": "Mutuo",
    "F": "Economia su stanziamenti non vincolati",
    "I": "Altro",
}
CATEGORIE = {"FS": "FORNITURA DI SERVIZI", "FB": "FORNITURA DI BENI"}
RUOLO_OE = {"mandataria": "13", "mandante": "10", None: "14"}  # Mandatario, Mandante, Operatore Economico
TIPO_OE_RTI, TIPO_OE_SINGOLO = "4", "1"
MOTIVO_ANNULLAMENTO_ERRATA_COMUNICAZIONE = "1"  # the only reason ANAC allows ("Errata comunicazione")


def _tip(id_tipologica: str, codice: object) -> dict[str, str]:
    """ANAC's enums travel as ``{"idTipologica": …, "codice": …}``."""
    return {"idTipologica": id_tipologica, "codice": str(codice)}


def _importo(valore: object) -> float:
    """Decimal with 2 places → JSON number (no float arithmetic on the way)."""
    return float(Decimal(str(valore)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _data_ora(valore: object) -> str:
    """ANAC's date-time (RFC 3339, UTC); a date is midnight of that day."""
    if isinstance(valore, datetime.datetime):
        if timezone.is_aware(valore):
            valore = valore.astimezone(datetime.UTC)
        return valore.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(valore, datetime.date):
        return f"{valore.isoformat()}T00:00:00Z"
    return str(valore)


def payload_ad4(
    *,
    cig_accordo_quadro: str,
    data_adesione: datetime.date | str,
    codice_appalto: str,
    oggetto: str,
    importo: Decimal | int | float | str,
    cpv: str,
    codice_istat: str,
    codice_nuts: str,
    durata_mesi: int | str,
    categoria: str = "FS",
    finanziamenti: Iterable[tuple[str, Any] | dict[str, Any]] = (),
    cf_stazione_appaltante: str,
    codice_ausa: str = "",
    codice_centro_costo: str = "",
    lotto_id: str | int = "1",
    partecipanti: Sequence[dict[str, Any]] = (),
    cup: str | None = None,
    afferente_pnrr: bool = False,
    relazione_unica: bool = True,
    oggetto_contratto: str = "SERVICES",
) -> dict[str, Any]:
    """CreaAppaltoRequest with the scheda AD4 (adesione ad accordo quadro/convenzione senza
    successivo confronto competitivo), one lotto.

    - ``finanziamenti``: ``[("A", Decimal("1000.00")), …]`` or dicts ``{"tipo", "importo"}``
      (codes in ``TIPI_FINANZIAMENTO``);
    - ``partecipanti``: dicts ``{"codice_fiscale", "denominazione", "ruolo": "mandataria"|"mandante"|None,
      "importo"}`` (an RTI: one mandataria and the mandanti; ``importo`` defaults to the whole amount
      for the mandataria or the single supplier);
    - the RUP is not in the payload: ANAC identifies the operating user (who must be the RUP)
      from the authentication (``chiama(..., utente=rup)`` / ``codice_fiscale=``).
    """
    if not 8 <= len(codice_appalto) <= 64:
        raise ValueError("codiceAppalto deve essere lungo da 8 a 64 caratteri.")
    importo = Decimal(str(importo))
    rti = len(partecipanti) > 1
    voci = []
    for partecipante in partecipanti:
        ruolo = partecipante.get("ruolo")
        quota = partecipante.get("importo")
        if quota is None:
            quota = importo if ruolo in ("mandataria", None) else Decimal("0")
        voci.append(
            {
                "idPartecipante": partecipante.get("id")
                or str(uuid.uuid5(uuid.NAMESPACE_OID, partecipante["codice_fiscale"])),
                "codiceFiscale": partecipante["codice_fiscale"],
                "denominazione": partecipante["denominazione"],
                "ruoloOE": _tip("ruoloOE", RUOLO_OE[ruolo if rti else None]),
                "tipoOE": _tip("tipoOE", TIPO_OE_RTI if rti else TIPO_OE_SINGOLO),
                "importo": _importo(quota),
            }
        )
    fonti = []
    for fonte in finanziamenti:
        tipo, valore = (fonte["tipo"], fonte["importo"]) if isinstance(fonte, dict) else fonte
        fonti.append({"tipoFinanziamento": _tip("tipoFinanziamento", tipo), "importo": _importo(valore)})
    aggiudicazione: dict[str, Any] = {
        "lotIdentifier": str(lotto_id),
        "afferenteInvestimentiPNRR": bool(afferente_pnrr),
        "categoria": _tip("categoria", categoria),
        "codIstat": _tip("codIstat", codice_istat),
        "datiBase": {
            "oggetto": oggetto,
            "importo": _importo(importo),
            "oggettoContratto": _tip("oggettoContratto", oggetto_contratto),
        },
        "datiBaseCPV": {
            "tipoClassificazione": _tip("tipoClassificazione", "CPV"),
            "cpvPrevalente": _tip("CPV", cpv),
        },
        "datiBaseContratto": {"codNUTS": _tip("codNUTS", codice_nuts), "durataMesi": int(durata_mesi)},
        "finanziamenti": fonti,
        "partecipanti": voci,
        "quadroEconomicoStandard": {"impServizi": _importo(importo), "sommeADisposizione": 0.0},
    }
    if cup:
        aggiudicazione["cupLotto"] = [cup]
    return {
        "scheda": {
            "codice": "AD4",
            "versione": "1.0",
            "body": {
                "anacForm": {
                    "stazioniAppaltanti": [
                        {
                            "codiceFiscale": cf_stazione_appaltante,
                            "codiceAusa": codice_ausa,
                            "codiceCentroCosto": codice_centro_costo,
                            "saTitolare": True,
                        }
                    ],
                    "appalto": {
                        "codiceAppalto": codice_appalto,
                        "cig": cig_accordo_quadro,
                        "dataAdesione": _data_ora(data_adesione),
                        "relazioneUnicaSulleProcedure": bool(relazione_unica),
                        "opereUrbanizzazioneScomputo": False,
                        "datiBase": {"oggetto": oggetto, "importo": _importo(importo)},
                    },
                    "aggiudicazioni": [aggiudicazione],
                }
            },
        }
    }


def payload_ann(*, id_appalto: str, cig: str) -> dict[str, Any]:
    """CreaSchedaRequest with the scheda ANN (annullamento): one CIG, reason "1 – Errata comunicazione"."""
    return {
        "idAppalto": id_appalto,
        "scheda": {
            "codice": "ANN",
            "versione": "1.0",
            "body": {
                "anacForm": {
                    "cig": cig,
                    "annullamento": {
                        "motivoAnnullamento": _tip("motivoAnnullamento", MOTIVO_ANNULLAMENTO_ERRATA_COMUNICAZIONE)
                    },
                }
            },
        },
    }


def payload_sc1(
    *,
    id_appalto: str,
    cig: str | Iterable[str],
    id_partecipante: str,
    data_decorrenza: datetime.date | str,
    data_scadenza: datetime.date | str,
    codice_ausa: str | Iterable[str] = (),
    data_stipula: datetime.date | str | None = None,
    data_esecutivita: datetime.date | str | None = None,
    importo_cauzione: Decimal | int | float | str = Decimal("0"),
) -> dict[str, Any]:
    """CreaSchedaRequest with the scheda SC1 (sottoscrizione del contratto, fase di esecuzione).
    ``cig``: one CIG or a list; ``id_partecipante``: the ``idPartecipante`` sent in the AD4."""
    contratto: dict[str, Any] = {
        "codiceAusa": list(codice_ausa) if not isinstance(codice_ausa, str) else [codice_ausa],
        "idPartecipante": id_partecipante,
        "cig": [cig] if isinstance(cig, str) else list(cig),
        "dataDecorrenza": _data_ora(data_decorrenza),
        "dataScadenza": _data_ora(data_scadenza),
        "importoCauzione": _importo(importo_cauzione),
    }
    if data_stipula:
        contratto["dataStipula"] = _data_ora(data_stipula)
    if data_esecutivita:
        contratto["dataEsecutivita"] = _data_ora(data_esecutivita)
    return {
        "idAppalto": id_appalto,
        "scheda": {"codice": "SC1", "versione": "1.0", "body": {"anacForm": {"datiContratto": contratto}}},
    }


def _identificativi(
    servizio: str, args: tuple[Any, ...], kwargs: dict[str, Any], risposta: object
) -> tuple[str, str, str]:
    """idAppalto / idScheda / CIG of an exchange, for the Log Trasmissioni."""
    id_appalto = id_scheda = cig = ""
    primo = args[0] if args else None
    if isinstance(primo, dict):
        id_appalto = primo.get("idAppalto", "")
        form = ((primo.get("scheda") or {}).get("body") or {}).get("anacForm") or {}
        cig = form.get("cig", "") if isinstance(form.get("cig"), str) else ""
    elif isinstance(primo, str):
        id_appalto = primo
    id_appalto = id_appalto or kwargs.get("id_appalto") or ""
    if servizio in ("conferma-scheda", "cancella-scheda"):
        id_scheda = args[1] if len(args) > 1 else kwargs.get("id_scheda", "")
    if isinstance(risposta, dict):
        id_appalto = id_appalto or risposta.get("idAppalto", "")
        id_scheda = id_scheda or risposta.get("idScheda", "")
        if servizio == "recupera-cig":
            cig = next((c.get("cig") or "" for c in risposta.get("result") or []), "")[:10]
        if servizio == "esito-operazione":
            esiti = risposta.get("listaEsiti") or []
            id_scheda = id_scheda or (esiti[-1].get("idScheda") if esiti else "") or ""
    return str(id_appalto)[:64], str(id_scheda or "")[:64], cig


def chiama(
    servizio: str,
    *args: Any,
    oggetto: Model | None,
    utente: Any = None,
    contratto: Model | int | None = None,
    codice_fiscale: str | None = None,
    operazione: OperazioneANAC | None = None,
    tentativo: int = 1,
    **kwargs: Any,
) -> Any:
    """Call an ANAC service and record every exchange in the Log Trasmissioni.

    ``oggetto``: the record the call is about (an ordinativo, a scheda…); ``contratto``: its
    ContrattoPage (or id), to filter the log by contract; ``utente``: who acts (its Profilo's
    codice fiscale is the operating user for ANAC unless ``codice_fiscale`` is given).
    Returns the parsed answer; raises :class:`~anac.client.ErroreANAC` (recorded too).
    """
    if servizio not in SERVIZI:
        raise ValueError(f"Servizio ANAC sconosciuto: {servizio}")
    scambi: list[Scambio] = []
    client = ClientPCP(
        osservatore=scambi.append,
        codice_fiscale=codice_fiscale or codice_fiscale_di(utente),
        utente=utente,
        operazione=operazione,
    )
    risposta: Any = None
    errore: ErroreANAC | None = None
    try:
        risposta = getattr(client, SERVIZI[servizio])(*args, **kwargs)
        return risposta
    except ErroreANAC as exc:
        errore = exc
        raise
    finally:
        client.sessione.close()
        _registra(
            servizio,
            scambi,
            args,
            kwargs,
            risposta,
            errore,
            oggetto=oggetto,
            utente=utente,
            contratto=contratto,
            operazione=operazione,
            tentativo=tentativo,
        )


def _registra(
    servizio: str,
    scambi: list[Scambio],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    risposta: Any,
    errore: ErroreANAC | None,
    *,
    oggetto: Model | None,
    utente: Any,
    contratto: Model | int | None,
    operazione: OperazioneANAC | None,
    tentativo: int,
) -> None:
    content_type = ContentType.objects.get_for_model(oggetto, for_concrete_model=False) if oggetto is not None else None
    utente = utente if utente is not None and getattr(utente, "is_authenticated", False) else None
    for i, scambio in enumerate(scambi):
        ultimo = i == len(scambi) - 1
        errore_scambio = scambio.errore or (errore if ultimo else None)
        if errore_scambio is not None:
            anac_ha_risposto = errore_scambio.http_status is not None and 400 <= errore_scambio.http_status < 500
            esito = EsitoANAC.KO if anac_ha_risposto and not errore_scambio.transitorio else EsitoANAC.ERRORE
            codice, messaggio = errore_scambio.codice, errore_scambio.messaggio
        elif servizio == "esito-operazione":
            try:
                letto = leggi_esito(risposta if ultimo and risposta is not None else scambio.risposta)
            except ErroreANAC as illeggibile:
                letto = {"esito": EsitoANAC.ERRORE, "codice": illeggibile.codice, "messaggio": illeggibile.messaggio}
            esito = letto["esito"] if letto["esito"] in EsitoANAC.values else EsitoANAC.ERRORE
            codice, messaggio = letto["codice"], letto["messaggio"]
        else:
            esito, codice, messaggio = EsitoANAC.OK, "", ""
        if scambio.note:
            messaggio = "; ".join(filter(None, [messaggio, *scambio.note]))
        id_appalto, id_scheda, cig = _identificativi(servizio, args, kwargs, scambio.risposta)
        Trasmissione.objects.create(
            content_type=content_type,
            object_id=str(oggetto.pk) if oggetto is not None else "",
            contratto_id=getattr(contratto, "pk", contratto),
            operazione=operazione,
            servizio=scambio.servizio,
            metodo=scambio.metodo,
            url=scambio.url[:500],
            richiesta=scambio.richiesta,
            risposta=scambio.risposta,
            http_status=scambio.http_status,
            esito=esito,
            codice_errore=codice or "",
            messaggio=messaggio or "",
            transitorio=bool(errore_scambio and errore_scambio.transitorio),
            risposta_duplicata=scambio.duplicata,
            durata_ms=scambio.durata_ms,
            tentativo=tentativo,
            id_appalto=id_appalto,
            id_scheda=id_scheda,
            cig=cig,
            utente=utente,
        )


def trasmissioni_di(oggetto: Model) -> QuerySet[Trasmissione]:
    """The Log Trasmissioni of a record, newest first (for the template include)."""
    ct = ContentType.objects.get_for_model(oggetto, for_concrete_model=False)
    return Trasmissione.objects.filter(content_type=ct, object_id=str(oggetto.pk))
