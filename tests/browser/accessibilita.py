"""axe-core in the browser: the check of one page and the report of the session.

axe-core is vendored (``vendor/axe.min.js``, MPL-2.0, see ``vendor/README.md``) so the suite needs no
network. It is evaluated through the DevTools protocol (``page.evaluate``), which the site's
Content-Security-Policy does not govern: the CSP stays on, exactly as users get it.

A check fails on every **serious** or **critical** violation. A defect that belongs to another part
of the project and is already reported can be declared with ``noti={"rule-id": "reason"}``: the
check then *requires* that violation (strict, like ``xfail(strict=True)``), so the day it is fixed
the test fails and asks to remove the declaration. Every check, its violations by impact and the
known defects go into the report (``docs/accessibilita.md``).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
IMPATTI = ("critical", "serious", "moderate", "minor")
BLOCCANTI = ("critical", "serious")
ETICHETTE_IMPATTO = {"critical": "critico", "serious": "grave", "moderate": "moderato", "minor": "lieve"}

# WCAG 2.0/2.1/2.2 A and AA (AgID guidelines ask for WCAG 2.1 AA) plus axe's best practices.
TAG_AXE = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@dataclass
class Violazione:
    regola: str
    impatto: str
    descrizione: str
    aiuto: str
    nodi: list[str]
    nota: str = ""  # the reason, when this is a known (declared) defect

    @property
    def bloccante(self):
        return self.impatto in BLOCCANTI


@dataclass
class Controllo:
    nome: str
    percorso: str
    ruolo: str
    violazioni: list[Violazione] = field(default_factory=list)
    regole_superate: int = 0

    def conta(self, impatto):
        return sum(1 for v in self.violazioni if v.impatto == impatto)


class Rapporto:
    """Every page checked in the session, in order; written as Markdown at the end."""

    def __init__(self):
        self.controlli: list[Controllo] = []

    def aggiungi(self, controllo):
        self.controlli.append(controllo)

    def totali(self):
        return {i: sum(c.conta(i) for c in self.controlli) for i in IMPATTI}

    def markdown(self, *, versione_axe, browser):
        righe = [
            "# Rapporto di accessibilità (axe-core)",
            "",
            "Scritto dalla suite end-to-end (`tests/browser/`) alla fine di ogni esecuzione completa: "
            f"axe-core {versione_axe} in {browser}, regole WCAG 2.0/2.1/2.2 A e AA e best practice. "
            "Un controllo fallisce per ogni violazione **grave** (serious) o **critica** (critical); "
            "le violazioni moderate e lievi sono elencate qui per essere corrette.",
            "",
        ]
        totali = self.totali()
        noti = [(c, v) for c in self.controlli for v in c.violazioni if v.nota]
        righe += [
            f"- Pagine controllate: **{len(self.controlli)}**",
            "- Violazioni per impatto (regole violate, somma sulle pagine): "
            + ", ".join(f"{ETICHETTE_IMPATTO[i]} ({i}) **{totali[i]}**" for i in IMPATTI),
            f"- Di cui difetti noti, segnalati e attesi dai test: **{len(noti)}**",
            "",
            "## Pagine controllate",
            "",
            "| # | pagina | indirizzo | utente | critiche | gravi | moderate | lievi |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for n, c in enumerate(self.controlli, 1):
            conti = " | ".join(str(c.conta(i)) for i in IMPATTI)
            righe.append(f"| {n} | {c.nome} | `{c.percorso}` | {c.ruolo} | {conti} |")
        violate = [(c, v) for c in self.controlli for v in c.violazioni]
        righe += ["", "## Violazioni", ""]
        if not violate:
            righe.append("Nessuna violazione.")
        else:
            righe += ["| pagina | regola | impatto | elementi | nota |", "|---|---|---|---|---|"]
            for c, v in sorted(violate, key=lambda cv: (IMPATTI.index(cv[1].impatto), cv[1].regola, cv[0].nome)):
                elementi = "<br>".join(f"`{_cella(n)}`" for n in v.nodi[:3])
                if len(v.nodi) > 3:
                    elementi += f"<br>… e altri {len(v.nodi) - 3}"
                nota = _cella(v.nota) if v.nota else _cella(v.aiuto)
                righe.append(f"| {c.nome} | `{v.regola}` | {ETICHETTE_IMPATTO[v.impatto]} | {elementi} | {nota} |")
        righe.append("")
        return "\n".join(righe)


def _cella(testo):
    return " ".join(str(testo).split()).replace("|", "\\|")


def percorso_normalizzato(url):
    """The path of a URL with numeric ids as ``<id>``, so the report does not change between runs."""
    percorso = re.sub(r"^https?://[^/]+", "", url)
    return re.sub(r"/\d+(?=/|$|\?)", "/<id>", percorso)


def esegui_axe(page):
    """Inject axe-core (once per document) and run it on the whole page, once the page's transitions
    have ended; the raw results."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;void 0")
    return page.evaluate(
        """async (tag) => {
            // Let finite CSS transitions/animations end (a tab fading in has a partial opacity that
            // axe would take for low contrast); infinite ones (spinners) are left alone.
            await Promise.all(document.getAnimations()
                .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
                .map(a => a.finished.catch(() => null)));
            const r = await window.axe.run(document, {runOnly: {type: 'tag', values: tag}, resultTypes: ['violations']});
            return {versione: window.axe.version, passes: r.passes.length,
                    violations: r.violations.map(v => ({id: v.id, impact: v.impact, description: v.description,
                        help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))};
        }""",
        TAG_AXE,
    )


def controlla(page, nome, *, rapporto, ruolo="anonimo", noti=None):
    """Run axe on ``page``; record it as ``nome`` in ``rapporto``; fail on serious/critical
    violations other than the declared known defects ``noti`` ({rule id: reason}), and fail if a
    declared defect is gone (strict)."""
    noti = dict(noti or {})
    risultati = esegui_axe(page)
    controllo = Controllo(
        nome=nome, percorso=percorso_normalizzato(page.url), ruolo=ruolo, regole_superate=risultati["passes"]
    )
    for v in risultati["violations"]:
        controllo.violazioni.append(
            Violazione(
                regola=v["id"],
                impatto=v["impact"] or "minor",
                descrizione=v["description"],
                aiuto=v["help"],
                nodi=v["nodes"],
                nota=noti.get(v["id"], ""),
            )
        )
    rapporto.aggiungi(controllo)
    rapporto.versione_axe = risultati["versione"]
    inattese = [v for v in controllo.violazioni if v.bloccante and v.regola not in noti]
    sparite = sorted(set(noti) - {v.regola for v in controllo.violazioni})
    messaggi = []
    if inattese:
        messaggi.append(
            f"{nome} ({controllo.percorso}): violazioni di accessibilità gravi o critiche:\n"
            + "\n".join(f"  - [{v.impatto}] {v.regola}: {v.aiuto} → {', '.join(v.nodi[:5])}" for v in inattese)
        )
    if sparite:
        messaggi.append(
            f"{nome}: il difetto noto {', '.join(sparite)} non c'è più: togli la dichiarazione `noti` dal test "
            "(e dal rapporto dei difetti)."
        )
    if messaggi:
        pytest.fail("\n".join(messaggi), pytrace=False)
    return controllo
