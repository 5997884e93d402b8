"""One ordinativo in PDND mode, the way the RUP does it (issue 14): the site's server and the real
worker use ``SCT_ANAC_AUTH=pdnd`` with the test keys; the simulator is also PDND's authorization
server and checks the voucher, the tracking evidence and the integrity headers of every request."""

import pytest

from contratti.models import Ordinativo
from tests.anac.helpers import RUP_FIRENZE
from tests.ordinativi.aiuti import adesione_approvata

from .pagine import (
    acquisisci_cig,
    aggiungi_riga,
    attendi_appalto_confermato,
    attendi_cig_derivato,
    carica_atto_adesione,
    conferma_appalto,
    documento_firmato,
    expect,
    nuovo_ordine,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RIGHE = [("Servizio IaaS – macchine virtuali", "25,00", "2"), ("Servizio PaaS – database gestito", "12,50", "4")]


def test_cig_dal_browser_in_modalita_pdnd(sito, nuovo_contesto, demo, worker_pdnd, simulatore_pdnd):
    adesione_approvata(demo)
    simulatore_pdnd.config(wt_polls=1, wt_secondi=2)
    rup = sito.accedi_spid(nuovo_contesto(), "aderente")
    codice = nuovo_ordine(sito, rup, importo="100,00")
    for riga in RIGHE:
        aggiungi_riga(rup, *riga)
    expect(rup.locator("#totale-righe")).to_have_text("€ 100,00")
    carica_atto_adesione(rup, documento_firmato(sito, rup, "atto-di-adesione.pdf"))

    conferma_appalto(rup)
    attendi_appalto_confermato(rup)
    acquisisci_cig(rup)
    cig = attendi_cig_derivato(rup)

    ordinativo = Ordinativo.objects.get(codice=codice)
    assert ordinativo.stato == Ordinativo.Stato.CIG_ACQUISITO and ordinativo.cig_derivato == cig
    richieste = simulatore_pdnd.richieste()
    pcp = [r for r in richieste if r["servizio"] != "token"]
    assert [r["servizio"] for r in pcp][:2] == ["crea-appalto", "conferma-appalto"]
    # Every request passed PDND's checks, as the RUP with the level of the SPID login just made.
    assert all(r["errore"] is None for r in richieste), [r for r in richieste if r["errore"]]
    assert {r["cf"] for r in pcp} == {RUP_FIRENZE}
    assert {r["loa"] for r in pcp} == {"https://www.spid.gov.it/SpidL2"}
    assert [r["servizio"] for r in richieste].count("token") == 1
