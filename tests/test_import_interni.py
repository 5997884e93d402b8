"""Issue 16: an import inside a function only where Django requires it, with its reason in a comment.

The comment sits on the import's line (or on the line just above); tests, migrations and scripts are
not scanned.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESCLUSE = {"tests", "migrations", "scripts", ".venv", "node_modules", "var", ".git"}


def _moduli():
    for percorso in sorted(ROOT.rglob("*.py")):
        relativo = percorso.relative_to(ROOT)
        if ESCLUSE & set(relativo.parts[:-1]):
            continue
        yield relativo.as_posix(), percorso


def _import_nelle_funzioni(albero):
    """The Import/ImportFrom nodes that sit inside a function (at any depth)."""
    for nodo in ast.walk(albero):
        if isinstance(nodo, ast.FunctionDef | ast.AsyncFunctionDef):
            for figlio in ast.walk(nodo):
                if isinstance(figlio, ast.Import | ast.ImportFrom):
                    yield figlio


def _commentato(righe, nodo):
    proprie = righe[nodo.lineno - 1 : nodo.end_lineno]
    sopra = righe[nodo.lineno - 2].strip() if nodo.lineno > 1 else ""
    return any("#" in riga for riga in proprie) or sopra.startswith("#")


def test_gli_import_nelle_funzioni_hanno_un_motivo():
    senza_motivo = set()
    for nome, percorso in _moduli():
        testo = percorso.read_text(encoding="utf-8")
        righe = testo.splitlines()
        for nodo in _import_nelle_funzioni(ast.parse(testo)):
            if not _commentato(righe, nodo):
                senza_motivo.add(f"{nome}:{nodo.lineno}: {righe[nodo.lineno - 1].strip()}")
    assert not senza_motivo, "import inside a function without a reason comment:\n" + "\n".join(sorted(senza_motivo))


def test_la_scansione_trova_i_moduli_e_gli_import():
    """The scan reads the project's code: a file known to keep an import inside ready() is among them."""
    nomi = dict(_moduli())
    assert "contratti/apps.py" in nomi
    albero = ast.parse(nomi["contratti/apps.py"].read_text(encoding="utf-8"))
    assert any(True for _ in _import_nelle_funzioni(albero))
