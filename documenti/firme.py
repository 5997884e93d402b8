"""Digital signature checks (pyHanko): PAdES inside a PDF, CAdES envelopes (``.p7m``, nested).

``verifica_firma(data)`` says whether a file carries signatures, whether they are intact (the
signed content was not changed), whether they chain to a configured trust root, and who signed.
The upload policy (what is refused) is in ``validazione.py``.
"""

import asyncio
import functools
import hashlib
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    SignatureCoverageLevel,
    StandardCMSSignatureStatus,
    async_validate_cms_signature,
    validate_pdf_signature,
)
from pyhanko.sign.validation.generic_cms import collect_timing_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule
from pyhanko_certvalidator.util import get_declared_revinfo

from . import conf, elenco_fiducia
from .contenuto import decodifica_cms, e_pdf, payload_cms, rifiuta_contenuto
from .errori import FileNonValido

logger = logging.getLogger(__name__)

TIPO_PADES = "pades"
TIPO_CADES = "cades"

# Problems found on a signed file (``EsitoFirma.problema``), also the ``FileNonValido`` codes.
NON_FIRMATO = "non_firmato"
NON_INTEGRA = "firma_non_integra"
MODIFICATA = "firma_modificata"
NON_VERIFICABILE = "firma_non_verificabile"
REVOCATO = "certificato_revocato"
SCADUTO = "certificato_scaduto"

# Revocation check of a trusted signer's certificate (``Firmatario.revoca``, ``EsitoFirma.revoca``).
REVOCA_VERIFICATA = "verificata"  # an OCSP responder or a CRL said "not revoked"
REVOCA_NON_VERIFICABILE = "non_verificabile"  # neither answered, or the certificate names neither
REVOCA_NON_PREVISTA = "non_prevista"  # demo CA in demo mode: it has no revocation service
ETICHETTE_REVOCA = {
    REVOCA_VERIFICATA: "revoca verificata",
    REVOCA_NON_VERIFICABILE: "revoca non verificabile",
    REVOCA_NON_PREVISTA: "certificato di prova: nessun servizio di revoca",
}


@dataclass(frozen=True)
class Firmatario:
    """One signature: who signed (from the certificate) and how it checked out."""

    nome: str
    codice_fiscale: str
    emittente: str
    intatta: bool
    attendibile: bool
    livello: int = 1  # CAdES: 1 is the outer envelope; PAdES: order of the signature in the file
    revoca: str = ""  # REVOCA_* for a trusted signer, "" otherwise
    nota: str = ""  # e.g. revoked or expired on, timestamped on

    def come_dict(self) -> dict:
        return {
            "nome": self.nome,
            "codice_fiscale": self.codice_fiscale,
            "emittente": self.emittente,
            "intatta": self.intatta,
            "attendibile": self.attendibile,
            "livello": self.livello,
            "revoca": self.revoca,
            "nota": self.nota,
        }


@dataclass
class EsitoFirma:
    """The outcome of ``verifica_firma``.

    ``tipo``: "pades", "cades" or "" (no signature). ``intatta``: every signature is intact and
    covers the content. ``attendibile``: every signature chains to a configured trust root.
    ``firmatario_*``: the first signer. ``contenuto``: what was signed (the PDF for PAdES, the
    innermost enveloped payload for CAdES).
    """

    tipo: str
    intatta: bool
    attendibile: bool
    firmatario_nome: str
    firmatario_cf: str
    contenuto: bytes
    firmatari: list[Firmatario] = field(default_factory=list)
    problema: str = ""
    livelli: int = 0  # CAdES envelopes unwrapped
    firme_pdf: list = field(default_factory=list, repr=False)  # PAdES: [_FirmaPdf]

    @property
    def firmato(self) -> bool:
        return bool(self.tipo) and bool(self.firmatari)

    @property
    def revoca(self) -> str:
        """The weakest revocation outcome among the trusted signers ("" when none is trusted)."""
        esiti = {f.revoca for f in self.firmatari if f.attendibile}
        for valore in (REVOCA_NON_VERIFICABILE, REVOCA_NON_PREVISTA, REVOCA_VERIFICATA):
            if valore in esiti:
                return valore
        return ""


@dataclass(frozen=True)
class _FirmaPdf:
    byte_range: tuple[int, ...]
    ok: bool


# ----------------------------------------------------------------------------------------- trust


@functools.lru_cache(maxsize=8)
def _carica_radici(chiave: tuple) -> tuple:
    radici = []
    for percorso, _mtime in chiave:
        try:
            radici.extend(load_certs_from_pemder_data(Path(percorso).read_bytes()))
        except (OSError, ValueError) as exc:
            logger.error("Radice di fiducia illeggibile %s: %s", percorso, exc)
    return tuple(radici)


def radici_di_fiducia() -> tuple:
    """The trust roots (asn1crypto certificates): the trusted list's, plus ``SCT_FIRMA_TRUST_ROOTS``
    (by default the demo CA in demo mode only), cached while the files do not change."""
    chiave = []
    for percorso in conf.trust_roots_paths():
        try:
            chiave.append((str(percorso), percorso.stat().st_mtime_ns))
        except OSError:
            logger.error("Radice di fiducia non trovata: %s", percorso)
    radici = {c.sha256: c for c in elenco_fiducia.certificati()}
    for cert in _carica_radici(tuple(chiave)):
        radici.setdefault(cert.sha256, cert)
    return tuple(radici.values())


def _ca_di_prova():
    """The demo CA's certificate in demo mode (it has no OCSP/CRL service), else None."""
    if not conf.simulazione_attiva():
        return None
    percorso = conf.percorso_ca_di_prova()
    try:
        chiave = ((str(percorso), percorso.stat().st_mtime_ns),)
    except OSError:
        return None
    radici = _carica_radici(chiave)
    return radici[0] if radici else None


def _contesto(momento=None) -> ValidationContext:
    """A validation context on the trust roots; revocation checked by OCSP/CRL where the certificate
    names them (fetched online when ``SCT_FIRMA_REVOCA_ONLINE``, each request bounded by
    ``SCT_FIRMA_REVOCA_TIMEOUT``). A failed fetch does not stop validation: ``_esito_revoca`` then
    says «revoca non verificabile». With ``momento`` (a trusted timestamp) the certificate is
    validated at that time, with revocation information fetched now."""
    regola = RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
    politica = CertRevTrustPolicy(RevocationCheckingPolicy(regola, regola), retroactive_revinfo=momento is not None)
    online = conf.revoca_online()
    return ValidationContext(
        trust_roots=list(radici_di_fiducia()),
        moment=momento,
        allow_fetching=online,
        revinfo_policy=politica,
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=conf.revoca_timeout()) if online else None,
    )


_REVOCATO = (AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE)
_SCADUTO = (AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,)


def _data(momento) -> str:
    return f"{momento:%d/%m/%Y %H:%M} UTC" if momento else "data non indicata"


def _risposte_sul_certificato(cert, contesto: ValidationContext) -> bool:
    """Whether a successful OCSP response or a CRL of its issuer was at hand for ``cert``."""
    gestore = contesto.revinfo_manager
    for risposta in gestore.ocsps:
        try:
            if risposta["response_status"].native != "successful":
                continue
            dati = risposta["response_bytes"]["response"].parsed["tbs_response_data"]
            if any(r["cert_id"]["serial_number"].native == cert.serial_number for r in dati["responses"]):
                return True
        except (KeyError, ValueError, TypeError):
            continue
    return any(lista["tbs_cert_list"]["issuer"] == cert.issuer for lista in gestore.crls)


def _esito_revoca(stato, contesto: ValidationContext) -> tuple[str, str]:
    """(REVOCA_*, note) for a validated signature; ("", note) when it is not trusted."""
    indicazione = stato.trust_problem_indic
    dettagli = getattr(stato, "revocation_details", None)
    if indicazione in _REVOCATO:
        quando = dettagli.revocation_date if dettagli else None
        return "", f"certificato revocato il {_data(quando)}"
    if indicazione in _SCADUTO:
        return (
            "",
            f"certificato scaduto il {_data(stato.signing_cert['tbs_certificate']['validity']['not_after'].native)}",
        )
    if not stato.trusted:
        return "", ""
    ha_crl, ha_ocsp = get_declared_revinfo(stato.signing_cert)
    if not (ha_crl or ha_ocsp):
        prova = _ca_di_prova()
        if prova is not None and stato.signing_cert.issuer == prova.subject:
            return REVOCA_NON_PREVISTA, ETICHETTE_REVOCA[REVOCA_NON_PREVISTA]
        return REVOCA_NON_VERIFICABILE, "il certificato non indica un servizio OCSP né una CRL"
    if _risposte_sul_certificato(stato.signing_cert, contesto):
        return REVOCA_VERIFICATA, ""
    # pyhanko_certvalidator's own log is silenced (apps.py): an unreachable responder is an operations matter.
    logger.warning(
        "Revoca non verificabile per %s: %s",
        stato.signing_cert.subject.human_friendly,
        "; ".join(str(e) for e in contesto.soft_fail_exceptions) or "ricerca online spenta",
    )
    return REVOCA_NON_VERIFICABILE, "né il servizio OCSP né la CRL del certificatore hanno risposto"


def _marca_temporale(stato):
    """The time of a valid, trusted signature timestamp, else None."""
    marca = getattr(stato, "timestamp_validity", None)
    if marca is None or not (marca.intact and marca.valid and marca.trusted):
        return None
    return marca.timestamp


def _valida_con_revoca(valida):
    """Run ``valida(contesto)``; a certificate revoked or expired after a trusted timestamp is
    validated again at the timestamp's time. Returns (status, REVOCA_*, note)."""
    contesto = _contesto()
    stato = valida(contesto)
    if stato.trust_problem_indic in _REVOCATO + _SCADUTO:
        momento = _marca_temporale(stato)
        if momento is not None:
            contesto_marca = _contesto(momento)
            alla_marca = valida(contesto_marca)
            if alla_marca.trusted and alla_marca.intact and alla_marca.valid:
                revoca, nota = _esito_revoca(alla_marca, contesto_marca)
                gia = _esito_revoca(stato, contesto)[1]
                nota = "; ".join(p for p in (f"firma con marca temporale del {_data(momento)}", gia, nota) if p)
                return alla_marca, revoca, nota
    revoca, nota = _esito_revoca(stato, contesto)
    return stato, revoca, nota


def problema_certificato(stato) -> str:
    """REVOCATO or SCADUTO when the signer's certificate was revoked/expired at the validation time."""
    if stato.trust_problem_indic in _REVOCATO:
        return REVOCATO
    if stato.trust_problem_indic in _SCADUTO:
        return SCADUTO
    return ""


def _in_sync(funzione, *args, **kwargs):
    """pyHanko's sync API calls ``asyncio.run``: run it in a worker thread when a loop runs here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return funzione(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(funzione, *args, **kwargs).result()


# --------------------------------------------------------------------------------------- signers


def _firmatario_da_cert(cert) -> tuple[str, str, str]:
    """(name, codice fiscale, issuer) from an asn1crypto certificate."""
    try:
        soggetto = cert.subject.native
        emittente = cert.issuer.native
    except (ValueError, TypeError):
        return "", "", ""
    nome = soggetto.get("common_name") or " ".join(
        p for p in (soggetto.get("given_name"), soggetto.get("surname")) if p
    )
    if isinstance(nome, list):
        nome = nome[0]
    seriale = soggetto.get("serial_number") or ""
    if isinstance(seriale, list):
        seriale = seriale[0]
    cf = ""
    for prefisso in ("TINIT-", "IT:"):
        if seriale.upper().startswith(prefisso):
            cf = seriale[len(prefisso) :].strip().upper()
            break
    nome_emittente = emittente.get("common_name") or emittente.get("organization_name") or ""
    if isinstance(nome_emittente, list):
        nome_emittente = nome_emittente[0]
    return str(nome)[:255], cf[:32], str(nome_emittente)[:255]


# ----------------------------------------------------------------------------------------- PAdES


def _verifica_pades(data: bytes) -> EsitoFirma:
    esito = EsitoFirma(
        tipo="",
        intatta=False,
        attendibile=False,
        firmatario_nome="",
        firmatario_cf="",
        contenuto=data,
        problema=NON_FIRMATO,
    )
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        firme = reader.embedded_regular_signatures
    except Exception as exc:  # noqa: BLE001 - a PDF pyHanko cannot read has no checkable signature
        logger.info("Firme PDF illeggibili (%s): %s", type(exc).__name__, exc)
        if b"/ByteRange" in data:
            esito.tipo, esito.problema = TIPO_PADES, NON_VERIFICABILE
        return esito
    if not firme:
        return esito
    esito.tipo = TIPO_PADES
    esito.problema = ""
    tutte_intatte, tutte_attendibili = True, True
    for n, firma in enumerate(firme, start=1):
        try:
            stato, revoca, nota = _valida_con_revoca(
                lambda contesto, firma=firma: _in_sync(validate_pdf_signature, firma, contesto)
            )
        except Exception as exc:  # noqa: BLE001 - malformed signature containers raise anything
            logger.info("Firma PDF non verificabile (%s): %s", type(exc).__name__, exc)
            esito.problema = esito.problema or NON_VERIFICABILE
            tutte_intatte = tutte_attendibili = False
            esito.firme_pdf.append(_FirmaPdf(tuple(int(x) for x in firma.byte_range), False))
            continue
        nome, cf, emittente = _firmatario_da_cert(stato.signing_cert)
        integra = bool(stato.intact and stato.valid)
        livello_modifiche = stato.modification_level
        copre = (
            stato.coverage is not None
            and stato.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
            and livello_modifiche is not None
            and livello_modifiche <= ModificationLevel.FORM_FILLING
            and stato.docmdp_ok is not False
        )
        if not integra:
            esito.problema = esito.problema or NON_INTEGRA
        elif not copre:
            esito.problema = esito.problema or MODIFICATA
        ok = integra and copre
        attendibile = ok and bool(stato.trusted)
        if ok and problema_certificato(stato):
            esito.problema = esito.problema or problema_certificato(stato)
        tutte_intatte &= ok
        tutte_attendibili &= attendibile
        esito.firmatari.append(Firmatario(nome, cf, emittente, ok, attendibile, n, revoca if attendibile else "", nota))
        esito.firme_pdf.append(_FirmaPdf(tuple(int(x) for x in firma.byte_range), ok))
    esito.intatta = tutte_intatte
    esito.attendibile = tutte_intatte and tutte_attendibili
    if esito.firmatari:
        esito.firmatario_nome = esito.firmatari[0].nome
        esito.firmatario_cf = esito.firmatari[0].codice_fiscale
    return esito


# ----------------------------------------------------------------------------------------- CAdES


def _verifica_signer_info(
    signed_data: cms.SignedData, signer_info, livello: int
) -> Firmatario | tuple[Firmatario, str] | str:
    """A ``Firmatario`` (with REVOCATO/SCADUTO when its certificate was), or a problem code when the
    signature cannot even be checked."""

    singolo = signed_data.copy()
    singolo["signer_infos"] = cms.SignerInfos([signer_info])

    def _digest_contenuto(algoritmo: str) -> bytes:  # only for a content timestamp, if any
        contenuto = signed_data["encap_content_info"]["content"]
        return hashlib.new(algoritmo, b"" if contenuto.native is None else bytes(contenuto)).digest()

    async def _valida(contesto):
        # The signature timestamp (CAdES-T), validated first: it may allow validation at its time.
        tempi = await collect_timing_info(signer_info, ts_validation_context=contesto, raw_digest=_digest_contenuto)
        return await async_validate_cms_signature(
            singolo, status_cls=StandardCMSSignatureStatus, validation_context=contesto, status_kwargs=tempi
        )

    try:
        stato, revoca, nota = _valida_con_revoca(lambda contesto: _in_sync(asyncio.run, _valida(contesto)))
    except Exception as exc:  # noqa: BLE001 - malformed CMS raises anything from asn1crypto/pyHanko
        logger.info("Firma CAdES non verificabile (%s): %s", type(exc).__name__, exc)
        return NON_VERIFICABILE
    nome, cf, emittente = _firmatario_da_cert(stato.signing_cert)
    integra = bool(stato.intact and stato.valid)
    attendibile = integra and bool(stato.trusted)
    firmatario = Firmatario(nome, cf, emittente, integra, attendibile, livello, revoca if attendibile else "", nota)
    problema = problema_certificato(stato) if integra else ""
    return (firmatario, problema) if problema else firmatario


def _buste(ci: cms.ContentInfo, nome_file: str) -> tuple[list[cms.ContentInfo], bytes]:
    """Unwrap the nested envelopes first (bounded, no signature work): ([outer, …, inner], payload)."""
    massimo = conf.max_annidamento_p7m()
    buste = [ci]
    while True:
        payload = payload_cms(buste[-1], nome_file)
        interno = decodifica_cms(payload)
        if interno is None:
            return buste, payload
        if len(buste) >= massimo:
            raise FileNonValido(
                f"Il file «{nome_file}» contiene più di {massimo} buste di firma una dentro l'altra: non è "
                f"ammesso. Carica il documento con al massimo {massimo} livelli di firma.",
                code="p7m_annidamento",
            )
        buste.append(interno)


def _verifica_cades(ci: cms.ContentInfo, nome_file: str) -> EsitoFirma:
    buste, payload = _buste(ci, nome_file)
    esito = EsitoFirma(
        tipo=TIPO_CADES,
        intatta=True,
        attendibile=True,
        firmatario_nome="",
        firmatario_cf="",
        contenuto=payload,
        livelli=len(buste),
    )
    for livello, busta in enumerate(buste, start=1):
        signed_data = busta["content"]
        try:
            signer_infos = list(signed_data["signer_infos"])
        except (ValueError, TypeError) as exc:
            raise FileNonValido(
                f"Il file «{nome_file}» non è una busta di firma .p7m valida: la struttura è danneggiata.",
                code="p7m_non_valido",
            ) from exc
        if not signer_infos:
            esito.problema = esito.problema or NON_FIRMATO
            esito.intatta = False
        for signer_info in signer_infos:
            risultato = _verifica_signer_info(signed_data, signer_info, livello)
            if isinstance(risultato, str):
                esito.problema = esito.problema or risultato
                esito.intatta = False
                continue
            if isinstance(risultato, tuple):
                risultato, problema = risultato
                esito.problema = esito.problema or problema
            esito.firmatari.append(risultato)
            if not risultato.intatta:
                esito.problema = esito.problema or NON_INTEGRA
                esito.intatta = False
            if not risultato.attendibile:
                esito.attendibile = False
    esito.attendibile = esito.intatta and esito.attendibile
    if not esito.firmatari and not esito.problema:
        esito.problema = NON_FIRMATO
    if esito.firmatari:
        esito.firmatario_nome = esito.firmatari[0].nome
        esito.firmatario_cf = esito.firmatari[0].codice_fiscale
    return esito


# ------------------------------------------------------------------------------------- refusals


def controlla_certificato(esito: EsitoFirma, nome: str) -> None:
    """Refuse (``FileNonValido``) a signature whose certificate was revoked, or expired, when it was used."""
    if esito.problema not in (REVOCATO, SCADUTO):
        return
    colpiti = [f for f in esito.firmatari if f.intatta and not f.attendibile and f.nota]
    chi = "; ".join(f"{f.nome or 'firmatario sconosciuto'}: {f.nota}" for f in colpiti) or "firmatario sconosciuto"
    if esito.problema == REVOCATO:
        raise FileNonValido(
            f"La firma del file «{nome}» non è valida: il certificato del firmatario è stato revocato prima della "
            f"firma ({chi}). Firma di nuovo il documento con un certificato valido.",
            code=REVOCATO,
        )
    raise FileNonValido(
        f"La firma del file «{nome}» non è valida: il certificato del firmatario era scaduto al momento della firma "
        f"({chi}). Firma di nuovo il documento con un certificato valido.",
        code=SCADUTO,
    )


# ------------------------------------------------------------------------------------------ API


def verifica_firma(data: bytes, *, nome: str = "documento") -> EsitoFirma:
    """Check the signatures of ``data`` (a PDF or a CAdES envelope in DER, PEM or base64).

    Never raises for a missing or broken signature (see ``EsitoFirma.problema``); raises
    ``FileNonValido`` only when the bytes are neither a PDF nor a SignedData envelope, or the
    envelopes are nested deeper than allowed.
    """
    if e_pdf(data):
        return _verifica_pades(data)
    ci = decodifica_cms(data)
    if ci is None:
        raise rifiuta_contenuto(data, nome)
    return _verifica_cades(ci, nome)
