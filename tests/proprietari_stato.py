"""AST scan for the assignments of a record's state outside its owner module (issue 16: one owner
per state). Used by tests/adesioni/test_stati.py and tests/esiti/test_stati.py."""

import ast
from pathlib import Path

from django.conf import settings

ESCLUSI = {".venv", "node_modules", "migrations", "tests", "var", "scripts", "static", "media"}


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


def assegnazioni(sorgente, *, campi, nomi, modello, cartella_del_modello=False):
    """``[(riga, testo)]`` of the writes of ``campi`` on a record of ``modello`` in ``sorgente``.

    A write is ``x.<campo> = …`` / ``+=``, ``setattr(x, "<campo>", …)`` or ``….update(<campo>=…)``;
    it concerns the record when the variable's name contains one of ``nomi``, when the value or the
    queryset names ``modello`` (e.g. ``Adesione.Stato.BOZZA``), or — ``cartella_del_modello``: the
    module is in the model's own app folder — always."""
    albero = ast.parse(sorgente)
    trovate = []

    def riguarda(base, *altri):
        testo = " ".join(ast.unparse(n) for n in (base, *altri) if n is not None)
        return cartella_del_modello or any(n in _nome_base(base) for n in nomi) or modello in testo

    for nodo in ast.walk(albero):
        if isinstance(nodo, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            bersagli = nodo.targets if isinstance(nodo, ast.Assign) else [nodo.target]
            for b in bersagli:
                for t in (b.elts if isinstance(b, ast.Tuple) else [b]):
                    if isinstance(t, ast.Attribute) and t.attr in campi and riguarda(t.value, nodo.value):
                        trovate.append((nodo.lineno, ast.unparse(nodo)))
        elif isinstance(nodo, ast.Call):
            f = nodo.func
            if (isinstance(f, ast.Name) and f.id == "setattr" and len(nodo.args) >= 2
                    and isinstance(nodo.args[1], ast.Constant) and nodo.args[1].value in campi
                    and riguarda(nodo.args[0], *nodo.args[2:])):
                trovate.append((nodo.lineno, ast.unparse(nodo)))
            if isinstance(f, ast.Attribute) and f.attr == "update":
                for k in nodo.keywords:
                    if k.arg in campi and riguarda(f.value, k.value):
                        trovate.append((nodo.lineno, ast.unparse(nodo)))
    return trovate


def fuori_dal_proprietario(proprietario, cartella, **criteri):
    """Every write found in the project's modules except ``proprietario`` (a path like
    ``esiti/stati.py``); ``cartella``: the model's app folder, where any write of the fields counts."""
    trovate = []
    for percorso, sorgente in moduli_del_progetto():
        if percorso == proprietario:
            continue
        for riga, testo in assegnazioni(sorgente, cartella_del_modello=percorso.startswith(cartella), **criteri):
            trovate.append(f"{percorso}:{riga}: {testo}")
    return trovate
