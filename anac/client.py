"""HTTP client of the PCP e-services of ANAC (Piattaforma Contratti Pubblici).

Service names, parameters and payloads are ANAC's (``anticorruzione/npa``,
``docs/specifiche-interfacce/specifiche-servizi-appalto.yaml``). The same client talks to the
bundled simulator (the default ``SCT_ANAC_BASE_URL``) and to the real endpoint: switching is
configuration (base URL, per-service paths, authentication hook), never code.

Every exchange, successful or not, is reported to an optional ``osservatore`` callback as a
:class:`Scambio`; ``anac.services.chiama`` uses it to write the Log Trasmissioni.

Errors are :class:`ErroreANAC` with ANAC's code (``ERR98``…) or one of ours (``TIMEOUT``,
``CONNESSIONE``, ``HTTP_503``…), an Italian message and ``transitorio``: network errors, timeouts,
429 and 5xx may succeed if retried; 4xx and ANAC's refusals will not.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import requests

from . import conf
from .auth import Contesto
from .errori import ERRORI_ANAC

# Codes of our own, for what is not an ANAC answer.
TIMEOUT = "TIMEOUT"
CONNESSIONE = "CONNESSIONE"
RISPOSTA_NON_VALIDA = "RISPOSTA_NON_VALIDA"
RISPOSTA_INCOERENTE = "RISPOSTA_INCOERENTE"
CIG_INCOERENTI = "CIG_INCOERENTI"
AUTENTICAZIONE = "AUTENTICAZIONE"


class ErroreANAC(Exception):
    """A failed call. ``transitorio``: retrying may help (network, timeout, 429, 5xx)."""

    def __init__(
        self,
        codice: str,
        messaggio: str,
        transitorio: bool = False,
        *,
        http_status: int | None = None,
        risposta: object = None,
    ) -> None:
        super().__init__(f"{codice}: {messaggio}")
        self.codice = codice
        self.messaggio = messaggio
        self.transitorio = transitorio
        self.http_status = http_status
        self.risposta = risposta

    def __reduce__(
        self,
    ) -> tuple[Callable[..., "ErroreANAC"], tuple[Any, ...]]:  # picklable, so that it survives Celery's result backends
        return (
            _ricostruisci_errore,
            (self.codice, self.messaggio, self.transitorio, self.http_status, self.risposta),
        )


def _ricostruisci_errore(
    codice: str, messaggio: str, transitorio: bool, http_status: int | None, risposta: object
) -> ErroreANAC:
    return ErroreANAC(codice, messaggio, transitorio, http_status=http_status, risposta=risposta)


@dataclass
class Scambio:
    """One request and its answer (or failure), as reported to the observer."""

    servizio: str
    metodo: str
    url: str
    richiesta: dict
    http_status: int | None = None
    risposta: object = None  # parsed JSON, or the raw text when it is not JSON
    durata_ms: int = 0
    errore: ErroreANAC | None = None
    duplicata: bool = False
    note: list = field(default_factory=list)


def _percorsi() -> dict[str, str]:
    valore = conf._valore("SCT_ANAC_PERCORSI", {})
    if isinstance(valore, str):
        valore = json.loads(valore)
    return valore


def _decodifica(testo: str) -> tuple[Any, bool]:
    """Parse a JSON body; an answer sent twice in a row is accepted once and flagged."""
    decoder = json.JSONDecoder()
    testo = testo.strip()
    dati, fine = decoder.raw_decode(testo)
    resto = testo[fine:].strip()
    if not resto:
        return dati, False
    copia, fine2 = decoder.raw_decode(resto)
    if resto[fine2:].strip() or copia != dati:
        raise ValueError("più documenti JSON diversi nella stessa risposta")
    return dati, True


def _codice_tipologica(valore: Any) -> Any:
    """ANAC enums travel as ``{"idTipologica": …, "codice": …}``; accept a bare string too."""
    if isinstance(valore, dict):
        return valore.get("codice", "")
    return valore or ""


def leggi_errori(dati: dict[str, Any] | None) -> list[tuple[str, str]]:
    """``[(codice, messaggio)]`` from the ``errori`` of an ANAC answer."""
    risultato = []
    for errore in (dati or {}).get("errori") or []:
        if isinstance(errore, dict):
            codice = errore.get("codice", "")
            testo = errore.get("dettaglio") or errore.get("descrizione") or ERRORI_ANAC.get(codice, "")
        else:
            codice, testo = str(errore), ERRORI_ANAC.get(str(errore), "")
        risultato.append((codice, testo))
    return risultato


def leggi_esito(risposta: Any, tipo_operazione: str | None = None) -> dict[str, Any]:
    """The outcome in an ``esito-operazione`` answer, normalised:
    ``{"esito": "OK"|"KO"|"WT", "dettaglio": "AP_CONF", "codice": "ERR98", "messaggio": …,
    "id_scheda": …, "id_avviso": …, "id_contratto": …, "data_controllo": …}``."""
    esiti = [e for e in (risposta or {}).get("listaEsiti") or []]
    if tipo_operazione:
        esiti = [e for e in esiti if _codice_tipologica(e.get("tipoOperazione")) in ("", tipo_operazione)]
    if not esiti:
        raise ErroreANAC(RISPOSTA_INCOERENTE, "ANAC non ha restituito l'esito dell'operazione.", True)
    esito = esiti[-1]
    errori = leggi_errori(esito)
    codice, messaggio = errori[0] if errori else ("", "")
    return {
        "esito": _codice_tipologica(esito.get("esito")),
        "dettaglio": _codice_tipologica(esito.get("dettaglio")),
        "codice": codice,
        "messaggio": messaggio,
        "errori": errori,
        "id_scheda": esito.get("idScheda"),
        "id_avviso": esito.get("idAvviso"),
        "id_contratto": esito.get("idContratto"),
        "data_controllo": esito.get("dataControllo"),
    }


class ClientPCP:
    """``ClientPCP(osservatore=None, codice_fiscale="", utente=None)``.

    ``codice_fiscale`` / ``utente``: the operating user (the RUP), passed to the authentication
    hook (in production it goes into the ModI tracking evidence); ``operazione``: the
    OperazioneANAC of the call (when the user asked for it: the LoA of the tracking evidence).
    A 401 with a hook that is ``rinnovabile`` (PDND) is retried once with a fresh voucher: both
    exchanges reach the observer."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        timeout: tuple[float, float] | None = None,
        auth: Callable[[Contesto], dict[str, str]] | None = None,
        osservatore: Callable[[Scambio], object] | None = None,
        codice_fiscale: str | None = "",
        utente: object = None,
        operazione: object = None,
    ) -> None:
        self.base_url = base_url or conf.base_url()
        self.timeout = timeout or conf.timeout()
        self.auth = auth or conf.auth_hook()
        self.osservatore = osservatore
        self.codice_fiscale = (codice_fiscale or "").upper()
        self.utente = utente
        self.operazione = operazione
        self._voucher_inviato: str | None = None
        self.sessione = requests.Session()

    # ---- comunicaAppalto ------------------------------------------------------------------

    def crea_appalto(self, payload: dict[str, Any]) -> Any:
        """``payload``: a CreaAppaltoRequest ``{"scheda": {"codice": "AD4", "versione", "body"}}``
        (see ``anac.services.payload_ad4``). Sync. Returns ``{"idAppalto": …}``."""
        return self._post("crea-appalto", payload)

    def modifica_appalto(self, id_appalto: str, payload: dict[str, Any]) -> Any:
        """``payload``: the whole CreaAppaltoRequest (``{"scheda": …}``) that replaces the appalto still
        in lavorazione (DatiAppaltoRequest = ``idAppalto`` + ``scheda``). Sync."""
        return self._post("modifica-appalto", {"idAppalto": id_appalto, **payload})

    def conferma_appalto(self, id_appalto: str) -> Any:
        """Async: accepted now, outcome later with ``esito_operazione(id, "AP_CONF")``."""
        return self._post("conferma-appalto", {"idAppalto": id_appalto})

    def recupera_cig(self, id_appalto: str, page: int = 1, per_page: int = 20) -> dict[str, Any]:
        """``{"result": [{"cig", "lotIdentifier"}], …}``; only when the appalto is CONF."""
        risposta = self._get("recupera-cig", {"idAppalto": id_appalto, "page": page, "perPage": per_page})
        return self._controlla_cig(risposta)

    def ricerca_appalto(
        self, codice_appalto: str | None = None, cig: str | None = None, stato: str | None = None
    ) -> Any:
        parametri = {k: v for k, v in {"codiceAppalto": codice_appalto, "cig": cig, "stato": stato}.items() if v}
        return self._get("ricerca-appalto", parametri)

    def consulta_appalto(self, id_appalto: str | None = None, cig: str | None = None) -> Any:
        parametri = {k: v for k, v in {"idAppalto": id_appalto, "cig": cig}.items() if v}
        return self._get("consulta-appalto", parametri)

    # ---- serviziComuni --------------------------------------------------------------------

    def esito_operazione(
        self, id_appalto: str, tipo_operazione: str, tipo_ricerca: str = "ULTIMO_ESITO"
    ) -> dict[str, Any]:
        """Outcome of an async operation (``AP_CONF``, ``SC_CONF``…); ``leggi_esito`` reads it."""
        risposta = self._get(
            "esito-operazione",
            {"idAppalto": id_appalto, "tipoOperazione": tipo_operazione, "tipoRicerca": tipo_ricerca},
        )
        return self._controlla_esiti(risposta)

    def stato_appalto(self, id_appalto: str | None = None, cig: str | None = None) -> Any:
        parametri = {k: v for k, v in {"idAppalto": id_appalto, "cig": cig}.items() if v}
        return self._get("stato-appalto", parametri)

    # ---- gestioneUtenti -------------------------------------------------------------------

    def presa_carico(self, id_appalto: str) -> Any:
        return self._post("presa-carico", {"idAppalto": id_appalto})

    # ---- comunicaPostPubblicazione --------------------------------------------------------

    def crea_scheda(self, payload: dict[str, Any]) -> Any:
        """``payload``: CreaSchedaRequest ``{"idAppalto", "scheda": {"codice", "versione", "body"}}``
        (``anac.services.payload_ann`` / ``payload_sc1``). Sync. Returns ``{"idScheda": …}``."""
        return self._post("crea-scheda", payload)

    def conferma_scheda(self, id_appalto: str, id_scheda: str) -> Any:
        """Async: outcome later with ``esito_operazione(id_appalto, "SC_CONF")``."""
        return self._post("conferma-scheda", {"idAppalto": id_appalto, "idScheda": id_scheda})

    def ricerca_scheda(
        self,
        id_appalto: str | None = None,
        cig: str | None = None,
        codice_scheda: str | None = None,
        stato_scheda: str | None = None,
    ) -> Any:
        parametri = {
            "idAppalto": id_appalto,
            "cig": cig,
            "codiceScheda": codice_scheda,
            "statoScheda": stato_scheda,
        }
        return self._get("ricerca-scheda", {k: v for k, v in parametri.items() if v})

    def cancella_scheda(self, id_appalto: str, id_scheda: str, motivo: str = "") -> Any:
        corpo = {"idAppalto": id_appalto, "idScheda": id_scheda}
        if motivo:
            corpo["motivo"] = motivo[:200]
        return self._post("cancella-scheda", corpo)

    # ---- transport ------------------------------------------------------------------------

    def _url(self, servizio: str) -> str:
        return urljoin(self.base_url, _percorsi().get(servizio, servizio))

    def _get(self, servizio: str, parametri: dict[str, Any]) -> Any:
        return self._invia(servizio, "GET", parametri)

    def _post(self, servizio: str, corpo: dict[str, Any]) -> Any:
        return self._invia(servizio, "POST", corpo)

    def _invia(self, servizio: str, metodo: str, dati: dict[str, Any]) -> Any:
        url = self._url(servizio)
        corpo = json.dumps(dati, ensure_ascii=False).encode() if metodo == "POST" else b""
        contesto = Contesto(
            servizio=servizio,
            metodo=metodo,
            url=url,
            corpo=corpo,
            codice_fiscale=self.codice_fiscale,
            utente=self.utente,
            operazione=self.operazione,
        )
        try:
            return self._scambio(contesto, dati)
        except ErroreANAC as errore:
            if errore.http_status != 401 or not getattr(self.auth, "rinnovabile", False):
                raise
            errore.transitorio = True  # recorded as a transient failure: the call goes on
            errore.messaggio = f"{errore.messaggio} (voucher rinnovato, richiesta ripetuta)"
        # The PCP refused the voucher (revoked, expired earlier than announced): once more with a new one.
        contesto.voucher_rifiutato = self._voucher_inviato
        return self._scambio(contesto, dati)

    def _scambio(self, contesto: Contesto, dati: dict[str, Any]) -> Any:
        servizio, metodo, url, corpo = contesto.servizio, contesto.metodo, contesto.url, contesto.corpo
        scambio = Scambio(servizio=servizio, metodo=metodo, url=url, richiesta=dati)
        inizio = time.monotonic()
        self._voucher_inviato = None
        try:
            try:
                intestazioni = {"Accept": "application/json", **self.auth(contesto)}
            except Exception as exc:  # the hook (e.g. the PDND voucher request) failed: nothing was sent
                raise ErroreANAC(
                    AUTENTICAZIONE,
                    f"Impossibile ottenere le credenziali per ANAC: {exc}",
                    getattr(exc, "transitorio", True),  # a refusal of PDND or a missing key: retrying won't help
                ) from exc
            if metodo == "POST":
                intestazioni["Content-Type"] = "application/json"
            self._voucher_inviato = intestazioni.get("Authorization", "").removeprefix("Bearer ") or None
            try:
                risposta = self.sessione.request(
                    metodo,
                    url,
                    params=dati if metodo == "GET" else None,
                    data=corpo if metodo == "POST" else None,
                    headers=intestazioni,
                    timeout=self.timeout,
                )
            except requests.Timeout as exc:
                raise ErroreANAC(
                    TIMEOUT,
                    f"ANAC non ha risposto entro {self.timeout[1]:g} secondi: la richiesta potrebbe essere "
                    "stata comunque ricevuta.",
                    True,
                ) from exc
            except requests.RequestException as exc:
                raise ErroreANAC(
                    CONNESSIONE, "Impossibile contattare la Piattaforma Contratti Pubblici di ANAC.", True
                ) from exc
            scambio.http_status = risposta.status_code
            try:
                contenuto, scambio.duplicata = _decodifica(risposta.text) if risposta.text.strip() else ({}, False)
            except ValueError:
                contenuto = None
                scambio.risposta = risposta.text[:4000]
            else:
                scambio.risposta = contenuto
            if scambio.duplicata:
                scambio.note.append("risposta ricevuta due volte: considerata una sola")
            if risposta.status_code >= 400:
                raise self._errore_http(risposta.status_code, contenuto)
            if contenuto is None:
                raise ErroreANAC(
                    RISPOSTA_NON_VALIDA,
                    "ANAC ha restituito una risposta non leggibile.",
                    True,
                    http_status=risposta.status_code,
                    risposta=scambio.risposta,
                )
            self._ultimo_scambio = scambio
            return contenuto
        except ErroreANAC as errore:
            scambio.errore = errore
            raise
        finally:
            scambio.durata_ms = int((time.monotonic() - inizio) * 1000)
            if self.osservatore is not None:
                self.osservatore(scambio)

    def _errore_http(self, status: int, contenuto: Any) -> ErroreANAC:
        errori = leggi_errori(contenuto if isinstance(contenuto, dict) else None)
        if errori:
            codice, messaggio = errori[0]
        else:
            codice = f"HTTP_{status}"
            messaggio = ""
        if not messaggio and isinstance(contenuto, dict):
            messaggio = contenuto.get("detail") or contenuto.get("title") or ""
        transitorio = status >= 500 or status in (408, 429)
        if status >= 500:
            messaggio = f"La Piattaforma Contratti Pubblici di ANAC non è al momento disponibile (errore {status})" + (
                f": {messaggio}" if messaggio else "."
            )
        elif status == 429:
            messaggio = messaggio or "Troppe richieste ad ANAC: riprovare più tardi."
        elif not messaggio:
            messaggio = f"ANAC ha rifiutato la richiesta (errore {status})."
        return ErroreANAC(codice, messaggio, transitorio, http_status=status, risposta=contenuto)

    # ---- checks on the answers ------------------------------------------------------------

    def _nota(self, testo: str) -> None:
        self._ultimo_scambio.note.append(testo)
        self._ultimo_scambio.duplicata = True

    def _controlla_esiti(self, risposta: dict[str, Any]) -> dict[str, Any]:
        esiti = risposta.get("listaEsiti") or []
        unici = []
        for esito in esiti:
            if esito not in unici:
                unici.append(esito)
        if len(unici) < len(esiti):
            self._nota("esito ripetuto nella risposta: considerato una sola volta")
        per_operazione: dict[tuple[Any, Any], set[Any]] = {}
        for esito in unici:
            chiave = (_codice_tipologica(esito.get("tipoOperazione")), esito.get("idScheda"))
            per_operazione.setdefault(chiave, set()).add(_codice_tipologica(esito.get("esito")))
        if any(len(valori) > 1 for valori in per_operazione.values()):
            raise ErroreANAC(
                RISPOSTA_INCOERENTE,
                "ANAC ha restituito esiti discordanti per la stessa operazione.",
                True,
                http_status=200,
                risposta=risposta,
            )
        return {**risposta, "listaEsiti": unici}

    def _controlla_cig(self, risposta: dict[str, Any]) -> dict[str, Any]:
        coppie = risposta.get("result") or []
        unici = []
        for coppia in coppie:
            if coppia not in unici:
                unici.append(coppia)
        if len(unici) < len(coppie):
            self._nota("CIG ripetuto nella risposta: considerato una sola volta")
        lotti: dict[Any, set[Any]] = {}
        cig: dict[Any, set[Any]] = {}
        for coppia in unici:
            lotti.setdefault(coppia.get("lotIdentifier"), set()).add(coppia.get("cig"))
            cig.setdefault(coppia.get("cig"), set()).add(coppia.get("lotIdentifier"))
        if any(len(v) > 1 for v in lotti.values()) or any(len(v) > 1 for v in cig.values()):
            raise ErroreANAC(
                CIG_INCOERENTI,
                "ANAC ha restituito CIG incoerenti con i lotti: nessun CIG è stato acquisito.",
                False,
                http_status=200,
                risposta=risposta,
            )
        return {**risposta, "result": unici}
