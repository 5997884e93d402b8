"""The adesione's state has one owner (contratti/adesioni/stati.py): the transition table, tried for
every state, and a scan of the code for any other assignment of ``Adesione.stato``."""

import datetime
import itertools
from decimal import Decimal

import pytest

from audit.etichette import AZIONI
from audit.models import VoceAudit
from contratti.adesioni import segnali, stati
from contratti.models import Adesione
from tests.proprietari_stato import assegnazioni, fuori_dal_proprietario

S = Adesione.Stato
_numero = itertools.count(900001)
# (transizione, a): every transition with each state it may lead to.
CASI = [(nome, a) for nome, regola in stati.TRANSIZIONI.items() for a in sorted(regola.a)]


def test_nessuna_assegnazione_dello_stato_fuori_dal_proprietario():
    trovate = fuori_dal_proprietario(
        "contratti/adesioni/stati.py", "contratti/", campi={"stato"}, nomi=("adesion",), modello="Adesione"
    )
    assert trovate == [], "Lo stato dell'adesione si cambia solo con contratti.adesioni.stati.cambia_stato"


def test_la_scansione_trova_le_assegnazioni():
    sorgente = (
        "adesione.stato = 'bozza'\n"
        "x.stato = Adesione.Stato.APPROVATA\n"
        "setattr(adesione, 'stato', valore)\n"
        "Adesione.objects.filter(pk=1).update(stato='eliminata')\n"
        "ordinativo.stato = 'approvato'\n"
        "Adesione(codice='x', stato='bozza')\n"
    )
    trovate = assegnazioni(sorgente, campi={"stato"}, nomi=("adesion",), modello="Adesione")
    assert sorted(riga for riga, _ in trovate) == [1, 2, 3, 4, 6]


def test_ogni_transizione_ha_un_azione_del_registro_con_etichetta():
    assert {r.azione for r in stati.TRANSIZIONI.values()} <= set(AZIONI)


def _adesione(demo, stato):
    n = next(_numero)
    return Adesione.objects.create(
        contratto=demo.sct,
        ente=demo.firenze,
        anno=2099,
        numero=n,
        codice=Adesione.formatta_codice(n, 2099),
        importo=Decimal("1000.00"),
        scadenza=datetime.date(2099, 1, 1),
        stato=stato,
        live=False,
    )


@pytest.fixture
def ricevuti():
    ricevuti = []

    def ricevi(sender, **kwargs):
        ricevuti.append(kwargs)

    tutti = [r.segnale for r in stati.TRANSIZIONI.values()]
    for segnale in tutti:
        segnale.connect(ricevi)
    yield ricevuti
    for segnale in tutti:
        segnale.disconnect(ricevi)


@pytest.mark.django_db
@pytest.mark.parametrize("da", S.values)
@pytest.mark.parametrize(("transizione", "a"), CASI)
def test_tabella_delle_transizioni(demo, ricevuti, transizione, a, da):
    adesione = _adesione(demo, da)
    regola = stati.TRANSIZIONI[transizione]
    voci = VoceAudit.objects.count()
    utente = demo.user("banditore")
    if da in regola.da:
        stati.cambia_stato(adesione, transizione, a=a, utente=utente, dati={"round": 0})
        adesione.refresh_from_db()
        assert adesione.stato == a
        voce = VoceAudit.objects.latest("pk")
        assert (voce.azione, voce.stato_da, voce.stato_a, voce.object_id) == (regola.azione, da, a, str(adesione.pk))
        assert [(r["adesione"].pk, r["da"], r["a"]) for r in ricevuti] == [(adesione.pk, da, a)]
    else:
        with pytest.raises(stati.TransizioneNonConsentita) as exc:
            stati.cambia_stato(adesione, transizione, a=a, utente=utente, dati={"round": 0})
        assert exc.value.messages == [
            f"L'adesione {adesione.codice} non può passare dallo stato “{S(da).label}” allo stato “{S(a).label}”."
        ]
        adesione.refresh_from_db()
        assert adesione.stato == da and VoceAudit.objects.count() == voci and ricevuti == []


@pytest.mark.django_db
def test_stato_d_arrivo_non_previsto_e_operazione_sconosciuta(demo, ricevuti):
    adesione = _adesione(demo, S.IN_VALUTAZIONE)
    utente = demo.user("aderente")
    with pytest.raises(stati.TransizioneNonConsentita, match="allo stato “Approvata”"):
        stati.cambia_stato(adesione, "ritira", a=S.APPROVATA, utente=utente)
    with pytest.raises(stati.TransizioneNonConsentita, match="Operazione sconosciuta sull'adesione"):
        stati.cambia_stato(adesione, "approva", utente=utente)
    # Several possible states and none chosen: refused, not guessed.
    with pytest.raises(stati.TransizioneNonConsentita):
        stati.cambia_stato(adesione, "approva_round", utente=utente)
    adesione.refresh_from_db()
    assert adesione.stato == S.IN_VALUTAZIONE and ricevuti == []


@pytest.mark.django_db
def test_eliminazione_senza_conservare_registra_e_segnala_senza_salvare(demo):
    adesione = _adesione(demo, S.BOZZA)
    ricevuti = []

    def ricevi(sender, **kwargs):
        ricevuti.append(kwargs["a"])

    segnali.adesione_eliminata.connect(ricevi)
    try:
        stati.cambia_stato(adesione, "elimina", utente=demo.user("aderente"), conserva=False)
    finally:
        segnali.adesione_eliminata.disconnect(ricevi)
    assert Adesione.objects.get(pk=adesione.pk).stato == S.BOZZA  # the caller deletes it next
    assert VoceAudit.objects.latest("pk").stato_a == S.ELIMINATA and ricevuti == [S.ELIMINATA]
