"""One catalogue of the audit trail's words (audit.etichette): every action written by the code has
a label, the states read as on the object's pages, and an unknown code never shows up raw."""

import pathlib
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from audit.etichette import AZIONI, etichetta_azione, etichetta_stato, transizione
from audit.models import VoceAudit

RADICE = pathlib.Path(__file__).resolve().parents[2]
FAMIGLIE = sorted({codice.split(".")[0] for codice in AZIONI})
# Every literal "famiglia.qualcosa" in a module that writes to the trail (registra, _registra, _audit,
# or a table of ``Transizione.tra`` for the engine audit.transizioni): also the codes chosen by a
# conditional expression or passed through a variable.
CODICE = re.compile(r'"((?:' + "|".join(FAMIGLIE) + r')\.[a-z_]+(?:\.[a-z_]+)?)"')
# (``registro.registra(``: the registry of ANAC handlers, not the trail.)
SCRIVE = re.compile(r"(?<!registro\.)\b_?(?:registra|audit)\(|\bTransizione\.tra\b")


def _azioni_nel_codice():
    trovate = set()
    for percorso in RADICE.rglob("*.py"):
        if {".venv", "tests", "migrations"} & set(percorso.relative_to(RADICE).parts):
            continue
        testo = percorso.read_text(encoding="utf-8")
        if SCRIVE.search(testo) and percorso.parent.name != "audit":
            trovate |= set(CODICE.findall(testo))
    return trovate


def test_ogni_azione_scritta_ha_un_etichetta():
    azioni = _azioni_nel_codice()
    assert {"adesione.inviata", "adesione.bozza_eliminata", "ordinativo.approvato"} <= azioni, (
        "il censimento legge il codice"
    )
    assert azioni - set(AZIONI) == set()


def test_etichette_delle_azioni():
    assert etichetta_azione("adesione.bozza_eliminata") == "Bozza eliminata"
    assert etichetta_azione("adesione.inviata") == "Round inviato"
    assert etichetta_azione("nuova_app.qualcosa_fatto") == "Nuova app: qualcosa fatto"
    assert etichetta_azione("") == ""


@pytest.mark.django_db
def test_stati_con_le_parole_delle_pagine():
    from contratti.models import Adesione, Ordinativo

    ct = ContentType.objects.get_for_model(Adesione).pk
    assert etichetta_stato("in_valutazione", ct) == "Inviata – in attesa di approvazione"
    voce = VoceAudit(stato_da="bozza", stato_a="in_valutazione", content_type_id=ct)
    assert transizione(voce) == "Bozza → Inviata – in attesa di approvazione"
    voce = VoceAudit(
        stato_da="inviato", stato_a="approvato", content_type_id=ContentType.objects.get_for_model(Ordinativo).pk
    )
    assert transizione(voce) == "Inviato → Approvato"
    assert transizione(VoceAudit()) == ""
    assert etichetta_stato("stato_ignoto", None) == "Stato ignoto"
