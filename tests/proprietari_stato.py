"""AST scan for the writes of a record's state outside its owner (issue 16: one owner per state).
One scanner for the four stateful records: tests/{ordinativi,schede,adesioni,esiti}/test_stati.py.

The state changes only in the engine ``audit/transizioni.py``, called by the record's ``stati.py``
(the owner, which may write other marks, e.g. the esito's "Annullato"). A new record may be created
with its initial state only where ``CREAZIONI_AMMESSE`` says."""

import ast
from pathlib import Path

from django.conf import settings

ESCLUSI = {".venv", "node_modules", "migrations", "tests", "var", "scripts", "static", "media"}
MOTORE = "audit/transizioni.py"
# Creations with an initial state (``Model(stato=…)``, ``create(stato=…)``): the bulk generators of
# test data (``manage.py genera_dati``) build records already approved / published.
CREAZIONI_AMMESSE = {"home/bulk.py", "esiti/bulk.py"}
SCRITTURE = {"update", "update_or_create"}
CREAZIONI = {"create", "get_or_create"}


def moduli_del_progetto():
    base = Path(settings.BASE_DIR)
    for percorso in sorted(base.rglob("*.py")):
        relativo = percorso.relative_to(base)
        if not ESCLUSI.intersection(relativo.parts[:-1]):
            yield relativo.as_posix(), percorso.read_text(encoding="utf-8")


def _nome_base(nodo):
    """The innermost name of ``a.b.c`` / ``a().b`` (``a``), lower-cased, or ""."""
    while isinstance(nodo, (ast.Attribute, ast.Call, ast.Subscript)):
        nodo = nodo.func if isinstance(nodo, ast.Call) else nodo.value
    return nodo.id.lower() if isinstance(nodo, ast.Name) else ""


def assegnazioni(sorgente, *, campi, nomi, modello, cartella_del_modello=False, creazioni=True):
    """``[(riga, testo)]`` of the writes of ``campi`` on a record of ``modello`` in ``sorgente``.

    A write is ``x.<campo> = …`` (also in a tuple, ``+=``, annotated), ``setattr(x, "<campo>", …)``,
    ``….update(<campo>=…)`` / ``update_or_create``, and — ``creazioni`` — ``….create(<campo>=…)`` /
    ``get_or_create`` / ``<modello>(<campo>=…)``. It concerns the record when the variable's name
    contains one of ``nomi``, when the value or the queryset names ``modello`` (e.g.
    ``Adesione.Stato.BOZZA``), or — ``cartella_del_modello``: the module is in the model's folder —
    always."""
    trovate = []

    def riguarda(base, *altri):
        testo = " ".join(ast.unparse(n) for n in (base, *altri) if n is not None)
        return cartella_del_modello or any(n in _nome_base(base) for n in nomi) or modello in testo

    for nodo in ast.walk(ast.parse(sorgente)):
        if isinstance(nodo, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            bersagli = nodo.targets if isinstance(nodo, ast.Assign) else [nodo.target]
            for b in bersagli:
                for t in b.elts if isinstance(b, (ast.Tuple, ast.List)) else [b]:
                    if isinstance(t, ast.Attribute) and t.attr in campi and riguarda(t.value, nodo.value):
                        trovate.append((nodo.lineno, ast.unparse(nodo)))
        elif isinstance(nodo, ast.Call):
            f = nodo.func
            nome = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if (
                nome == "setattr"
                and len(nodo.args) >= 2
                and isinstance(nodo.args[1], ast.Constant)
                and nodo.args[1].value in campi
                and riguarda(nodo.args[0], *nodo.args[2:])
            ):
                trovate.append((nodo.lineno, ast.unparse(nodo)))
            chiamate = SCRITTURE | (CREAZIONI | {modello} if creazioni else set())
            if nome in chiamate:
                base = f.value if isinstance(f, ast.Attribute) else f
                for k in nodo.keywords:
                    if k.arg in campi and riguarda(base, k.value):
                        trovate.append((nodo.lineno, ast.unparse(nodo)))
    return trovate


def fuori_dal_proprietario(proprietario, cartella, **criteri):
    """Every write found in the project's modules except the engine and ``proprietario`` (a path
    like ``esiti/stati.py``); ``cartella`` (a path prefix, or a tuple of them): where any write of
    the fields counts, whatever the record's name."""
    trovate = []
    for percorso, sorgente in moduli_del_progetto():
        if percorso in (MOTORE, proprietario):
            continue
        for riga, testo in assegnazioni(
            sorgente,
            cartella_del_modello=percorso.startswith(cartella),
            creazioni=percorso not in CREAZIONI_AMMESSE,
            **criteri,
        ):
            trovate.append(f"{percorso}:{riga}: {testo}")
    return trovate


class _Annulla(Exception):
    """Rolls back a legal transition, so that the next case starts from the same record."""


def prova_ogni_coppia(modello, oggetto, transita, transizioni, eccezione, *, leggi=None):
    """Every (action, state) pair of ``transizioni`` on ``oggetto``: a legal one sets the state and the
    ``campi`` given, records its audit entry and sends its signal once (then is rolled back); an illegal
    one raises ``eccezione`` and leaves no field, audit entry or signal behind."""
    from django.db import transaction

    from audit.models import VoceAudit

    leggi = leggi or (lambda pk: modello.objects.get(pk=pk))
    ricevuti = []

    def ricevi(sender, da, a, signal, **kwargs):
        ricevuti.append((signal, da, a))

    uid = f"prova_ogni_coppia_{modello._meta.label}"
    for t in transizioni.values():
        t.segnale.connect(ricevi, sender=modello, weak=False, dispatch_uid=uid)
    try:
        for azione, transizione in transizioni.items():
            for da in modello.Stato.values:
                modello.objects.filter(pk=oggetto.pk).update(stato=da, errore_anac="")
                voci = VoceAudit.objects.count()
                ricevuti.clear()
                caso = f"{azione} da {da}"
                letto = leggi(oggetto.pk)
                (a,) = transizione.a
                if da in transizione.da:
                    try:
                        with transaction.atomic():
                            transita(letto, azione, motivo="prova", campi={"errore_anac": "x"})
                            salvato = modello.objects.get(pk=oggetto.pk)
                            assert (salvato.stato, salvato.errore_anac) == (a, "x"), caso
                            voce = VoceAudit.objects.latest("pk")
                            attesa = (transizione.azione, da, a, "prova")
                            assert (voce.azione, voce.stato_da, voce.stato_a, voce.motivo) == attesa, caso
                            assert ricevuti == [(transizione.segnale, da, a)], caso
                            raise _Annulla
                    except _Annulla:
                        pass
                else:
                    try:
                        transita(letto, azione, campi={"errore_anac": "x"})
                    except eccezione as exc:
                        assert "non può passare allo stato" in " ".join(exc.messages), caso
                    else:
                        raise AssertionError(f"{caso}: transizione non consentita accettata")
                    salvato = modello.objects.get(pk=oggetto.pk)
                    assert (salvato.stato, salvato.errore_anac) == (da, ""), caso
                    assert VoceAudit.objects.count() == voci and ricevuti == [], caso
    finally:
        for t in transizioni.values():
            t.segnale.disconnect(sender=modello, dispatch_uid=uid)
