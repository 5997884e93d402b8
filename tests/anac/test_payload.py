"""The payloads carry ANAC's field names and codes (scheda AD4, ANN, SC1)."""

import datetime
import json
from decimal import Decimal

import pytest

from anac.services import payload_ad4, payload_ann, payload_sc1
from tests.anac.helpers import CF_FIRENZE, ad4


def test_ad4_campi_anac():
    payload = ad4(codice_appalto="SCT-ORD-000042", importo=Decimal("99.99"), cup="D11B17000180002")
    scheda = payload["scheda"]
    assert (scheda["codice"], scheda["versione"]) == ("AD4", "1.0")
    form = scheda["body"]["anacForm"]
    assert form["stazioniAppaltanti"][0]["codiceFiscale"] == CF_FIRENZE
    appalto = form["appalto"]
    assert appalto == {
        "codiceAppalto": "SCT-ORD-000042",
        "cig": "7154112FF8",
        "dataAdesione": "2025-03-01T00:00:00Z",
        "relazioneUnicaSulleProcedure": True,
        "opereUrbanizzazioneScomputo": False,
        "datiBase": {"oggetto": "Servizi cloud IaaS per il Comune di Firenze", "importo": 99.99},
    }
    [lotto] = form["aggiudicazioni"]
    assert lotto["lotIdentifier"] == "1"
    assert lotto["categoria"] == {"idTipologica": "categoria", "codice": "FS"}
    assert lotto["codIstat"] == {"idTipologica": "codIstat", "codice": "048017"}
    assert lotto["datiBaseCPV"]["cpvPrevalente"] == {"idTipologica": "CPV", "codice": "72000000-5"}
    assert lotto["datiBaseContratto"] == {"codNUTS": {"idTipologica": "codNUTS", "codice": "ITI14"}, "durataMesi": 12}
    assert lotto["finanziamenti"] == [
        {"tipoFinanziamento": {"idTipologica": "tipoFinanziamento", "codice": "A"}, "importo": 99.99}
    ]
    assert lotto["cupLotto"] == ["D11B17000180002"]
    # JSON carries exactly the two decimals of the Decimal.
    assert '"importo": 99.99' in json.dumps(lotto["datiBase"])


def test_ad4_partecipanti_rti_e_singolo():
    rti = ad4()["scheda"]["body"]["anacForm"]["aggiudicazioni"][0]["partecipanti"]
    assert [(p["ruoloOE"]["codice"], p["tipoOE"]["codice"], p["importo"]) for p in rti] == [
        ("13", "4", 99.99),  # mandatario in RTI, with the whole amount
        ("10", "4", 0.0),  # mandante
    ]
    assert rti[0]["idPartecipante"] != rti[1]["idPartecipante"]
    # The id of a participant is stable (it is used again in the SC1).
    assert (
        ad4()["scheda"]["body"]["anacForm"]["aggiudicazioni"][0]["partecipanti"][0]["idPartecipante"]
        == rti[0]["idPartecipante"]
    )
    singolo = ad4(partecipanti=[{"codice_fiscale": "07396190964", "denominazione": "Fornitore S.p.A."}])
    [unico] = singolo["scheda"]["body"]["anacForm"]["aggiudicazioni"][0]["partecipanti"]
    assert (unico["ruoloOE"]["codice"], unico["tipoOE"]["codice"], unico["importo"]) == ("14", "1", 99.99)


@pytest.mark.parametrize("codice", ["SCT-1", "X" * 65])
def test_ad4_codice_appalto_da_8_a_64(codice):
    with pytest.raises(ValueError, match="8 a 64"):
        ad4(codice_appalto=codice)


def test_ad4_data_ora_in_utc():
    ora = datetime.datetime(2025, 3, 1, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    payload = payload_ad4(
        cig_accordo_quadro="7154112FF8",
        data_adesione=ora,
        codice_appalto="SCT-ORD-1",
        oggetto="o",
        importo="10",
        cpv="72000000-5",
        codice_istat="048017",
        codice_nuts="ITI14",
        durata_mesi=1,
        cf_stazione_appaltante=CF_FIRENZE,
        finanziamenti=[{"tipo": "B", "importo": "10"}],
    )
    assert payload["scheda"]["body"]["anacForm"]["appalto"]["dataAdesione"] == "2025-03-01T09:30:00Z"


def test_ann():
    assert payload_ann(id_appalto="id-1", cig="B123456789") == {
        "idAppalto": "id-1",
        "scheda": {
            "codice": "ANN",
            "versione": "1.0",
            "body": {
                "anacForm": {
                    "cig": "B123456789",
                    "annullamento": {"motivoAnnullamento": {"idTipologica": "motivoAnnullamento", "codice": "1"}},
                }
            },
        },
    }


def test_sc1():
    payload = payload_sc1(
        id_appalto="id-1",
        cig="B123456789",
        id_partecipante="p-1",
        codice_ausa="0000123456",
        data_decorrenza=datetime.date(2025, 4, 1),
        data_scadenza=datetime.date(2026, 10, 2),
    )
    assert payload["scheda"]["codice"] == "SC1"
    contratto = payload["scheda"]["body"]["anacForm"]["datiContratto"]
    assert contratto == {
        "codiceAusa": ["0000123456"],
        "idPartecipante": "p-1",
        "cig": ["B123456789"],
        "dataDecorrenza": "2025-04-01T00:00:00Z",
        "dataScadenza": "2026-10-02T00:00:00Z",
        "importoCauzione": 0.0,
    }
