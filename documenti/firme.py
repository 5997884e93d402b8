"""Digital signature checks (pyHanko): PAdES inside a PDF, CAdES envelopes (``.p7m``, nested).

``verifica_firma(data)`` says whether a file carries signatures, whether they are intact (the
signed content was not changed), whether they chain to a configured trust root, and who signed.
The upload policy (what is refused) is in ``validazione.py``.
"""

import asyncio
import functools
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms

from . import conf
from .contenuto import decodifica_cms, e_pdf, payload_cms
from .errori import FileNonValido

logger = logging.getLogger(__name__)

TIPO_PADES = "pades"
TIPO_CADES = "cades"

# Problems found on a signed file (``EsitoFirma.problema``), also the ``FileNonValido`` codes.
NON_FIRMATO = "non_firmato"
NON_INTEGRA = "firma_non_integra"
MODIFICATA = "firma_modificata"
NON_VERIFICABILE = "firma_non_verificabile"


@dataclass(frozen=True)
class Firmatario:
    """One signature: who signed (from the certificate) and how it checked out."""

    nome: str
    codice_fiscale: str
    emittente: str
    intatta: bool
    attendibile: bool
    livello: int = 1  # CAdES: 1 is the outer envelope; PAdES: order of the signature in the file

    def come_dict(self) -> dict:
        return {
            "nome": self.nome,
            "codice_fiscale": self.codice_fiscale,
            "emittente": self.emittente,
            "intatta": self.intatta,
            "attendibile": self.attendibile,
            "livello": self.livello,
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


@dataclass(frozen=True)
class _FirmaPdf:
    byte_range: tuple[int, ...]
    ok: bool


# ----------------------------------------------------------------------------------------- trust


@functools.lru_cache(maxsize=8)
def _carica_radici(chiave: tuple) -> tuple:
    from pyhanko.keys import load_certs_from_pemder_data

    radici = []
    for percorso, _mtime in chiave:
        try:
            radici.extend(load_certs_from_pemder_data(Path(percorso).read_bytes()))
        except (OSError, ValueError) as exc:
            logger.error("Radice di fiducia illeggibile %s: %s", percorso, exc)
    return tuple(radici)


def radici_di_fiducia() -> tuple:
    """The configured trust roots (asn1crypto certificates), cached while the files do not change."""
    chiave = []
    for percorso in conf.trust_roots_paths():
        try:
            chiave.append((str(percorso), percorso.stat().st_mtime_ns))
        except OSError:
            logger.error("Radice di fiducia non trovata: %s", percorso)
    return _carica_radici(tuple(chiave))


def _contesto():
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=list(radici_di_fiducia()), allow_fetching=False)


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
            cf = seriale[len(prefisso):].strip().upper()
            break
    nome_emittente = emittente.get("common_name") or emittente.get("organization_name") or ""
    if isinstance(nome_emittente, list):
        nome_emittente = nome_emittente[0]
    return str(nome)[:255], cf[:32], str(nome_emittente)[:255]


# ----------------------------------------------------------------------------------------- PAdES


def _verifica_pades(data: bytes) -> EsitoFirma:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature

    esito = EsitoFirma(tipo="", intatta=False, attendibile=False, firmatario_nome="", firmatario_cf="",
                       contenuto=data, problema=NON_FIRMATO)
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
            stato = _in_sync(validate_pdf_signature, firma, _contesto())
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
        tutte_intatte &= ok
        tutte_attendibili &= attendibile
        esito.firmatari.append(Firmatario(nome, cf, emittente, ok, attendibile, n))
        esito.firme_pdf.append(_FirmaPdf(tuple(int(x) for x in firma.byte_range), ok))
    esito.intatta = tutte_intatte
    esito.attendibile = tutte_intatte and tutte_attendibili
    if esito.firmatari:
        esito.firmatario_nome = esito.firmatari[0].nome
        esito.firmatario_cf = esito.firmatari[0].codice_fiscale
    return esito


# ----------------------------------------------------------------------------------------- CAdES


def _verifica_signer_info(signed_data: cms.SignedData, signer_info, livello: int) -> Firmatario | str:
    """A ``Firmatario``, or a problem code when the signature cannot even be checked."""
    from pyhanko.sign.validation import StandardCMSSignatureStatus, async_validate_cms_signature

    singolo = signed_data.copy()
    singolo["signer_infos"] = cms.SignerInfos([signer_info])

    async def _valida():
        return await async_validate_cms_signature(
            singolo, status_cls=StandardCMSSignatureStatus, validation_context=_contesto()
        )

    try:
        stato = _in_sync(asyncio.run, _valida())
    except Exception as exc:  # noqa: BLE001 - malformed CMS raises anything from asn1crypto/pyHanko
        logger.info("Firma CAdES non verificabile (%s): %s", type(exc).__name__, exc)
        return NON_VERIFICABILE
    nome, cf, emittente = _firmatario_da_cert(stato.signing_cert)
    integra = bool(stato.intact and stato.valid)
    return Firmatario(nome, cf, emittente, integra, integra and bool(stato.trusted), livello)


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
    esito = EsitoFirma(tipo=TIPO_CADES, intatta=True, attendibile=True, firmatario_nome="",
                       firmatario_cf="", contenuto=payload, livelli=len(buste))
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
        from .contenuto import rifiuta_contenuto

        raise rifiuta_contenuto(data, nome)
    return _verifica_cades(ci, nome)
