"""The esito's state (and its mark "Annullato") has one owner (esiti/stati.py): the transition table,
tried for every state, and a scan of the code for any other assignment."""

import pytest

from audit.etichette import AZIONI
from audit.models import VoceAudit
from audit.services import voci_per
from esiti import segnali, stati
from esiti.models import Esito
from tests.proprietari_stato import fuori_dal_proprietario

S = Esito.Stato


def test_nessuna_assegnazione_dello_stato_fuori_dal_proprietario():
    trovate = fuori_dal_proprietario(
        "esiti/stati.py", "esiti/", campi={"stato", "annullato", "annullato_il"}, nomi=("esito",), modello="Esito"
    )
    assert trovate == [], "Lo stato dell'esito si cambia solo con esiti.stati"


def test_ogni_transizione_ha_un_azione_del_registro_con_etichetta():
    assert {r.azione for r in stati.TRANSIZIONI.values()} | {"esito.annullato"} <= set(AZIONI)


@pytest.fixture
def ricevuti():
    ricevuti = []

    def ricevi(sender, **kwargs):
        ricevuti.append(kwargs)

    tutti = (segnali.esito_pubblicato, segnali.esito_ritirato, segnali.esito_annullato)
    for segnale in tutti:
        segnale.connect(ricevi)
    yield ricevuti
    for segnale in tutti:
        segnale.disconnect(ricevi)


@pytest.mark.django_db
@pytest.mark.parametrize("da", S.values)
@pytest.mark.parametrize("transizione", sorted(stati.TRANSIZIONI))
def test_tabella_delle_transizioni(fabbrica, demo, ricevuti, transizione, da):
    esito = fabbrica.bozza()
    Esito.objects.filter(pk=esito.pk).update(stato=da)
    esito.refresh_from_db()
    regola = stati.TRANSIZIONI[transizione]
    (a,) = regola.a
    voci = VoceAudit.objects.count()
    utente = demo.user("aderente")
    if da in regola.da:
        stati.cambia_stato(esito, transizione, utente=utente, motivo="prova")
        esito.refresh_from_db()
        assert esito.stato == a
        voce = voci_per(esito).latest("pk")
        assert (voce.azione, voce.stato_da, voce.stato_a, voce.motivo) == (regola.azione, da, a, "prova")
        assert [(r["esito"].pk, r["da"], r["a"]) for r in ricevuti] == [(esito.pk, da, a)]
    else:
        with pytest.raises(stati.TransizioneNonConsentita) as exc:
            stati.cambia_stato(esito, transizione, utente=utente)
        assert exc.value.messages == [f"L'esito non può passare dallo stato “{S(da).label}” allo stato “{S(a).label}”."]
        esito.refresh_from_db()
        assert esito.stato == da and VoceAudit.objects.count() == voci and ricevuti == []


@pytest.mark.django_db
def test_operazione_sconosciuta(fabbrica, demo, ricevuti):
    esito = fabbrica.bozza()
    with pytest.raises(stati.TransizioneNonConsentita, match="Operazione sconosciuta sull'esito"):
        stati.cambia_stato(esito, "annulla", utente=demo.user("aderente"))
    esito.refresh_from_db()
    assert esito.stato == S.BOZZA and ricevuti == []


@pytest.mark.django_db
@pytest.mark.parametrize("da", S.values)
def test_segna_annullato_una_volta_in_ogni_stato(fabbrica, demo, ricevuti, da):
    esito = fabbrica.bozza()
    Esito.objects.filter(pk=esito.pk).update(stato=da)
    esito.refresh_from_db()
    assert stati.segna_annullato(esito) is True
    assert stati.segna_annullato(esito) is False
    esito.refresh_from_db()
    assert esito.annullato and esito.stato == da
    assert list(voci_per(esito).filter(azione="esito.annullato").values_list("motivo", flat=True)) == [
        stati.MOTIVO_ANNULLATO
    ]
    assert [(r["da"], r["a"]) for r in ricevuti] == [(da, da)]
