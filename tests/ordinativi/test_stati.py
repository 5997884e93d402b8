"""The ordinativo's state has one owner (``contratti.ordinativi.stati``): its transition table,
checked for every pair (action, state) — a legal transition saves, records the audit entry and sends
its signal; an illegal one raises and leaves nothing behind — and a scan of contratti/ that fails
when ``stato`` is assigned anywhere else."""

import ast
from pathlib import Path

import pytest
from django.db import transaction

from audit.models import VoceAudit
from contratti.models import Ordinativo
from contratti.ordinativi import stati
from contratti.ordinativi.stati import TRANSIZIONI, OperazioneNonConsentita

from .aiuti import ordinativo_senza_cig

pytestmark = pytest.mark.django_db

S = Ordinativo.Stato
# The table as the manual and docs/architecture.md describe it: action → (from, to, audit action).
ATTESA = {
    "conferma_appalto": ({S.BOZZA}, S.CONFERMA_IN_CORSO, "ordinativo.conferma_appalto"),
    "conferma_non_riuscita": ({S.CONFERMA_IN_CORSO}, S.BOZZA, "ordinativo.anac_ko"),
    "appalto_confermato": ({S.CONFERMA_IN_CORSO}, S.APPALTO_CONFERMATO, "ordinativo.appalto_confermato"),
    "cig_non_acquisito": ({S.APPALTO_CONFERMATO}, S.APPALTO_CONFERMATO, "ordinativo.anac_ko"),
    "cig_acquisito": ({S.APPALTO_CONFERMATO}, S.CIG_ACQUISITO, "ordinativo.cig_acquisito"),
    "invia": ({S.CIG_ACQUISITO}, S.INVIATO, "ordinativo.inviato"),
    "reinvia": ({S.RIFIUTATO}, S.INVIATO, "ordinativo.reinviato"),
    "approva": ({S.INVIATO}, S.APPROVATO, "ordinativo.approvato"),
    "rifiuta": ({S.INVIATO}, S.RIFIUTATO, "ordinativo.rifiutato"),
    "chiudi": ({S.RIFIUTATO}, S.CHIUSO, "ordinativo.chiuso"),
    "annulla": ({S.CIG_ACQUISITO, S.INVIATO, S.APPROVATO, S.RIFIUTATO, S.CHIUSO}, S.ANNULLATO, "ordinativo.annullato"),
}


class _Annulla(Exception):
    """Rolls back a legal transition, so that the next case starts from the same record."""


def test_tabella_delle_transizioni():
    assert {azione: (set(t.da), *t.a, t.azione) for azione, t in TRANSIZIONI.items()} == ATTESA
    assert not {stato for t in TRANSIZIONI.values() for stato in t.da | t.a} - set(S.values)


def test_ogni_coppia_azione_stato(client, demo):
    ordinativo = ordinativo_senza_cig(client, demo)
    ricevuti = []

    def ricevi(sender, ordinativo, utente, da, a, signal, **kwargs):
        ricevuti.append((signal, da, a))

    segnali = {t.segnale for t in TRANSIZIONI.values()}
    for segnale in segnali:
        segnale.connect(ricevi, sender=Ordinativo, weak=False, dispatch_uid="test_stati")
    try:
        for azione, transizione in TRANSIZIONI.items():
            for da in S.values:
                Ordinativo.objects.filter(pk=ordinativo.pk).update(stato=da, errore_anac="")
                voci = VoceAudit.objects.count()
                ricevuti.clear()
                caso = f"{azione} da {da}"
                bloccato = Ordinativo.objects.get(pk=ordinativo.pk)
                (a,) = transizione.a
                if da in transizione.da:
                    with pytest.raises(_Annulla), transaction.atomic():
                        stati.transita(bloccato, azione, motivo="prova", campi={"errore_anac": "x"})
                        salvato = Ordinativo.objects.get(pk=ordinativo.pk)
                        assert (salvato.stato, salvato.errore_anac) == (a, "x"), caso
                        voce = VoceAudit.objects.latest("pk")
                        assert (voce.azione, voce.stato_da, voce.stato_a, voce.motivo) == (
                            transizione.azione, da, a, "prova"), caso
                        assert ricevuti == [(transizione.segnale, da, a)], caso
                        raise _Annulla
                else:
                    with pytest.raises(OperazioneNonConsentita, match="non può passare allo stato"):
                        stati.transita(bloccato, azione, campi={"errore_anac": "x"})
                    salvato = Ordinativo.objects.get(pk=ordinativo.pk)
                    assert (salvato.stato, salvato.errore_anac) == (da, ""), caso
                    assert VoceAudit.objects.count() == voci and ricevuti == [], caso
    finally:
        for segnale in segnali:
            segnale.disconnect(sender=Ordinativo, dispatch_uid="test_stati")


# --- one owner: nobody else assigns ``stato`` -----------------------------------------------------

CONTRATTI = Path(__file__).resolve().parents[2] / "contratti"
# The owners of a state (one ``stati.py`` per stateful record of contratti).
PROPRIETARI = {"stati.py"}
# debito (issue 16): the adesione's state moves to its own stati.py (another branch of the same issue).
DEBITO = {"adesioni/services.py"}
CHIAMATE_CHE_SCRIVONO = {"update", "create", "get_or_create", "update_or_create", "Ordinativo", "Scheda", "Adesione"}


def assegnazioni_di_stato(sorgente):
    """The lines of ``sorgente`` that write a ``stato``: ``x.stato = …`` (also augmented/annotated),
    ``setattr(x, "stato", …)``, ``….update(stato=…)`` / ``create(stato=…)`` / ``Model(stato=…)``."""
    righe = []
    for nodo in ast.walk(ast.parse(sorgente)):
        if isinstance(nodo, ast.Assign | ast.AugAssign | ast.AnnAssign):
            bersagli = nodo.targets if isinstance(nodo, ast.Assign) else [nodo.target]
            for bersaglio in bersagli:
                elementi = bersaglio.elts if isinstance(bersaglio, ast.Tuple | ast.List) else [bersaglio]
                if any(isinstance(e, ast.Attribute) and e.attr == "stato" for e in elementi):
                    righe.append(nodo.lineno)
        elif isinstance(nodo, ast.Call):
            funzione = nodo.func
            nome = funzione.attr if isinstance(funzione, ast.Attribute) else getattr(funzione, "id", "")
            if nome == "setattr" and len(nodo.args) > 1 and getattr(nodo.args[1], "value", None) == "stato":
                righe.append(nodo.lineno)
            elif nome in CHIAMATE_CHE_SCRIVONO and any(k.arg == "stato" for k in nodo.keywords):
                righe.append(nodo.lineno)
    return righe


def test_lo_scanner_trova_le_assegnazioni():
    sorgente = (
        "ordinativo.stato = 'x'\n"
        "a, scheda.stato = 1, 2\n"
        "setattr(o, 'stato', 'x')\n"
        "Ordinativo.objects.filter(pk=1).update(stato='x')\n"
        "Scheda(stato='bozza')\n"
        "Ordinativo.objects.filter(stato='x').exclude(stato='y')\n"
        "stato = ordinativo.stato\n"
    )
    assert assegnazioni_di_stato(sorgente) == [1, 2, 3, 4, 5]


def test_solo_il_proprietario_assegna_lo_stato():
    trovate = []
    for percorso in sorted(CONTRATTI.rglob("*.py")):
        relativo = percorso.relative_to(CONTRATTI).as_posix()
        if "migrations" in percorso.parts or percorso.name in PROPRIETARI or relativo in DEBITO:
            continue
        trovate += [f"contratti/{relativo}:{riga}" for riga in assegnazioni_di_stato(percorso.read_text())]
    assert trovate == [], "stato assegnato fuori da stati.py (usa stati.transita): " + ", ".join(trovate)
