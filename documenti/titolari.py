"""Chi può firmare un documento che impegna un ente o il fornitore.

``Titolare(organizzazione)`` dice per chi si firma: con ``valida(..., per_conto_di=titolare)`` il
documento è accettato solo se una firma integra è di una persona abilitata a firmare per
quell'organizzazione (``organizzazioni.firmatari``), o di uno dei ``codici_fiscali`` in più (il RUP
dell'ordinativo per la scheda di sintesi). ``esame(documento, titolare)`` dice lo stesso di un
documento salvato, per mostrarlo al banditore.
"""

from dataclasses import dataclass

from organizzazioni.firmatari import abilitati
from organizzazioni.models import Ente

from .errori import FileNonValido

NON_ABILITATO = "firmatario_non_abilitato"


@dataclass(frozen=True)
class Titolare:
    organizzazione: object  # Ente or OperatoreEconomico
    ruoli: tuple | None = None  # None: the roles that sign for that kind of organisation
    codici_fiscali: tuple = ()
    chi_puo_firmare: str = ""  # the second sentence of a refusal

    def ammessi(self) -> set[str]:
        extra = {cf.strip().upper() for cf in self.codici_fiscali if cf}
        return set(abilitati(self.organizzazione, self.ruoli)) | extra

    def spiegazione(self) -> str:
        if self.chi_puo_firmare:
            return self.chi_puo_firmare
        if isinstance(self.organizzazione, Ente):
            return (
                "Può firmare per l'ente chi vi ha l'incarico di RUP, Responsabile/Buyer, legale rappresentante "
                "o delegato alla firma, con il codice fiscale nel profilo."
            )
        return "Per il fornitore firmano i suoi referenti registrati per l'operatore economico."


def _chi(firmatario) -> str:
    nome = firmatario.nome or "firmatario sconosciuto"
    cf = firmatario.codice_fiscale or "codice fiscale assente nel certificato"
    return f"{nome} ({cf})"


def controlla_firmatari(esito, nome: str, titolare: Titolare) -> None:
    """Refuse a file none of whose intact signatures is of a person entitled to sign for ``titolare``."""
    intatte = [f for f in esito.firmatari if f.intatta]
    ammessi = titolare.ammessi()
    if any((f.codice_fiscale or "").upper() in ammessi for f in intatte):
        return
    chi = " e da ".join(_chi(f) for f in intatte) or "firmatario sconosciuto"
    verbo = "che non risultano abilitati" if len(intatte) > 1 else "che non risulta abilitato"
    raise FileNonValido(
        f"Il documento «{nome}» è firmato da {chi}, {verbo} a firmare per {titolare.organizzazione}. "
        f"{titolare.spiegazione()}",
        code=NON_ABILITATO,
    )


@dataclass(frozen=True)
class EsameFirma:
    """What the banditore sees of a stored document's signature."""

    firmato: bool
    nome: str = ""
    codice_fiscale: str = ""
    abilitato: bool = False
    attendibile: bool = False
    organizzazione: object = None
    revoca_non_verificabile: bool = False


def esame(documento, titolare: Titolare | None) -> EsameFirma:
    """The signer to show (the entitled one if any, else the first), whether that person may sign for
    ``titolare`` today, and whether the certificate is trusted."""
    if documento is None or not documento.firmato:
        return EsameFirma(firmato=False)
    intatte = [f for f in documento.firmatari if f.get("intatta")] or [
        {
            "nome": documento.firmatario_nome,
            "codice_fiscale": documento.firmatario_cf,
            "attendibile": documento.firma_attendibile,
        }
    ]
    ammessi = titolare.ammessi() if titolare is not None else set()
    scelta = next((f for f in intatte if (f.get("codice_fiscale") or "").upper() in ammessi), intatte[0])
    return EsameFirma(
        firmato=True,
        nome=scelta.get("nome") or "",
        codice_fiscale=scelta.get("codice_fiscale") or "",
        abilitato=(scelta.get("codice_fiscale") or "").upper() in ammessi,
        attendibile=bool(scelta.get("attendibile")) and documento.firma_attendibile,
        organizzazione=titolare.organizzazione if titolare is not None else None,
        revoca_non_verificabile=scelta.get("revoca") == "non_verificabile" and bool(scelta.get("attendibile")),
    )
