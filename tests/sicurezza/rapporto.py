"""The report of the permission matrix, written into docs/sicurezza.md between two markers.

Deterministic (no dates, no database ids): running the matrix again on the same code leaves the
file unchanged, so a change in the report is a change in the permissions.
"""

from pathlib import Path

from django.conf import settings

from .esecuzione import conforme, descrivi, rifiutata
from .matrice import NOTI, RUOLI, VOCI

INIZIO = "<!-- matrice:inizio (generato da tests/sicurezza, non modificare a mano) -->"
FINE = "<!-- matrice:fine -->"
ABBREVIAZIONI = {
    "anonimo": "anon.",
    "aderente": "ad.",
    "aderente2": "ad.2",
    "oe": "OE",
    "oe2": "OE2",
    "banditore": "band.",
    "banditore2": "band.2",
    "editor": "ed.",
}
BREVI = {"login": "login", "admin-login": "login admin", "redirect": "302", "negato-admin": "negato"}


def percorso():
    return Path(settings.BASE_DIR) / "docs" / "sicurezza.md"


def _breve(valore):
    return BREVI.get(valore, str(valore))


def _problemi(voce, ruolo, esito):
    atteso = voce.attese[ruolo]
    problemi = []
    if not conforme(atteso, esito.ottenuto):
        problemi.append(f"atteso {descrivi(atteso)}, ottenuto {descrivi(esito.ottenuto)}")
    if esito.marcatori:
        problemi.append("mostra dati riservati: " + ", ".join(f"«{m}»" for m in esito.marcatori))
    if esito.file_privato and not esito.registrato:
        problemi.append("documento privato servito senza voce di audit")
    if rifiutata(atteso) and esito.scritture:
        problemi.append("scrive nel database: " + ", ".join(esito.scritture))
    return problemi


def _escape(testo):
    return str(testo).replace("|", "\\|")


def genera(risultati, segnaposto):
    righe = [INIZIO, ""]
    celle = len(VOCI) * len(RUOLI)
    difformi = [(v, r, _problemi(v, r, risultati[(v.chiave, r)])) for v in VOCI for r in RUOLI]
    difformi = [(v, r, p) for v, r, p in difformi if p]
    inattese = [(v, r, p) for v, r, p in difformi if (v.chiave, r) not in NOTI]
    righe += [
        f"Matrice eseguita: **{len(VOCI)} indirizzi × {len(RUOLI)} ruoli = {celle} celle**; "
        f"celle conformi: {celle - len(difformi)}; difformità note (segnalate, `xfail` stretti): {len(difformi) - len(inattese)}; "
        f"difformità non note: **{len(inattese)}**.",
        "",
        "Legenda: `login` = 302 al login del sito, `login admin` = 302 al login dell'admin, `negato` = 302 alla "
        "dashboard dell'admin con «permesso negato», `302` = altro reindirizzamento; ✗ = difforme (sotto il dettaglio). "
        "In ogni cella si controllano anche i contrassegni dei record riservati nella risposta e, per le richieste "
        "rifiutate, che nessuna tabella sia stata scritta.",
        "",
    ]
    if difformi:
        righe += ["### Difformità", "", "| richiesta | ruolo | problema | stato |", "|---|---|---|---|"]
        for voce, ruolo, problemi in difformi:
            stato = f"nota: {NOTI[(voce.chiave, ruolo)]}" if (voce.chiave, ruolo) in NOTI else "**non nota**"
            url = voce.chiave.format(**segnaposto)
            righe.append(f"| `{_escape(url)}` | {ruolo} | {_escape('; '.join(problemi))} | {_escape(stato)} |")
        righe.append("")
    righe += [
        "### Matrice",
        "",
        "| richiesta | descrizione | " + " | ".join(ABBREVIAZIONI[r] for r in RUOLI) + " |",
        "|---|---|" + "---|" * len(RUOLI),
    ]
    for voce in VOCI:
        celle_riga = []
        for ruolo in RUOLI:
            esito = risultati[(voce.chiave, ruolo)]
            segno = "✗ " if _problemi(voce, ruolo, esito) else ""
            celle_riga.append(f"{segno}{_breve(esito.ottenuto)}")
        url = voce.chiave.format(**segnaposto)
        righe.append(f"| `{_escape(url)}` | {_escape(voce.descrizione)} | " + " | ".join(celle_riga) + " |")
    righe += ["", FINE]
    return "\n".join(righe)


def scrivi_rapporto(risultati, dati):
    from .dati import segnaposto

    file = percorso()
    testo = file.read_text(encoding="utf-8") if file.exists() else f"# Sicurezza\n\n{INIZIO}\n{FINE}\n"
    if INIZIO not in testo or FINE not in testo:
        testo = testo.rstrip("\n") + f"\n\n## Rapporto della matrice dei permessi\n\n{INIZIO}\n{FINE}\n"
    prima, resto = testo.split(INIZIO, 1)
    _, dopo = resto.split(FINE, 1)
    nuovo = prima + genera(risultati, segnaposto(dati)) + dopo
    if nuovo != testo:
        file.write_text(nuovo, encoding="utf-8")
