"""The scheda's state has one owner (``contratti.schede.stati``): its transition table, checked for
every pair (action, state) — a legal transition saves, records the audit entry and sends its signal;
an illegal one raises and leaves nothing behind; and a scan of the code for any other assignment."""

import pytest
from django.db import transaction

from audit.models import VoceAudit
from contratti.models import Scheda
from contratti.schede import segnali, stati
from contratti.schede.stati import TRANSIZIONI, OperazioneNonConsentita
from tests.proprietari_stato import fuori_dal_proprietario

from .aiuti import ordinativo_senza_cig

pytestmark = pytest.mark.django_db

S = Scheda.Stato
ATTESA = {
    "invia": ({S.BOZZA}, S.INVIO_IN_CORSO, "scheda.invio_richiesto", segnali.scheda_invio_richiesto),
    "elimina": ({S.BOZZA}, S.ELIMINATA, "scheda.eliminata", segnali.scheda_eliminata),
    "inviata": ({S.INVIO_IN_CORSO}, S.INVIATA, "scheda.inviata", segnali.scheda_inviata),
    "anac_ko": ({S.INVIO_IN_CORSO, S.INVIATA}, S.BOZZA, "scheda.anac_ko", segnali.scheda_anac_ko),
    "conferma": ({S.INVIATA}, S.CONFERMATA, "scheda.confermata", segnali.scheda_confermata),
}


def test_nessuna_assegnazione_dello_stato_fuori_dal_proprietario():
    trovate = fuori_dal_proprietario(
        "contratti/schede/stati.py", "contratti/", campi={"stato"}, nomi=("scheda",), modello="Scheda"
    )
    assert trovate == [], "Lo stato della scheda si cambia solo con contratti.schede.stati.transita"


class _Annulla(Exception):
    """Rolls back a legal transition, so that the next case starts from the same record."""


def test_tabella_delle_transizioni():
    assert {azione: (set(t.da), *t.a, t.azione, t.segnale) for azione, t in TRANSIZIONI.items()} == ATTESA


def test_ogni_coppia_azione_stato(client, demo):
    ordinativo = ordinativo_senza_cig(client, demo)
    scheda = Scheda.objects.create(ordinativo=ordinativo, tipo=Scheda.Tipo.SC1, cig="B123456789")
    ricevuti = []

    def ricevi(sender, scheda, utente, da, a, signal, **kwargs):
        ricevuti.append((signal, da, a))

    for t in TRANSIZIONI.values():
        t.segnale.connect(ricevi, sender=Scheda, weak=False, dispatch_uid="test_stati_scheda")
    try:
        for azione, transizione in TRANSIZIONI.items():
            for da in S.values:
                Scheda.objects.filter(pk=scheda.pk).update(stato=da, errore_anac="")
                voci = VoceAudit.objects.count()
                ricevuti.clear()
                caso = f"{azione} da {da}"
                letta = Scheda.objects.select_related("ordinativo").get(pk=scheda.pk)
                (a,) = transizione.a
                if da in transizione.da:
                    with pytest.raises(_Annulla), transaction.atomic():
                        stati.transita(letta, azione, motivo="prova", campi={"errore_anac": "x"})
                        salvata = Scheda.objects.get(pk=scheda.pk)
                        assert (salvata.stato, salvata.errore_anac) == (a, "x"), caso
                        voce = VoceAudit.objects.latest("pk")
                        assert (voce.azione, voce.stato_da, voce.stato_a, voce.motivo) == (
                            transizione.azione,
                            da,
                            a,
                            "prova",
                        ), caso
                        assert ricevuti == [(transizione.segnale, da, a)], caso
                        raise _Annulla
                else:
                    with pytest.raises(OperazioneNonConsentita, match="non può passare allo stato"):
                        stati.transita(letta, azione, campi={"errore_anac": "x"})
                    salvata = Scheda.objects.get(pk=scheda.pk)
                    assert (salvata.stato, salvata.errore_anac) == (da, ""), caso
                    assert VoceAudit.objects.count() == voci and ricevuti == [], caso
    finally:
        for t in TRANSIZIONI.values():
            t.segnale.disconnect(sender=Scheda, dispatch_uid="test_stati_scheda")
