"""The package for the supplier (``contratti.ordinativi.fornitore``): the signed atto, the signed
scheda di sintesi and, in ipotesi B only, the DPA signed by the administration; for the ente's users
of an approved ordinativo only, each download in the audit trail."""

import io
import zipfile

import pytest
from django.test import Client

from audit.models import VoceAudit
from contratti.models import Ordinativo
from contratti.ordinativi.fornitore import documenti_per_il_fornitore

from .aiuti import ordinativo_con_cig, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _client(demo, username):
    client = Client()
    client.force_login(demo.user(username))
    return client


def _scaricati(ordinativo):
    return VoceAudit.objects.filter(azione="ordinativo.pacchetto_scaricato", object_id=str(ordinativo.pk)).count()


def _nomi(risposta):
    assert risposta.status_code == 200 and risposta["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(risposta.streaming_content))).namelist()


@pytest.mark.parametrize(("ipotesi", "con_dpa"), [("A", False), ("B", True)])
def test_pacchetto_con_il_dpa_solo_in_ipotesi_b(client, demo, commit, simulatore_anac, ipotesi, con_dpa):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO, ipotesi=ipotesi)
    etichette = [etichetta for _, etichetta in documenti_per_il_fornitore(ordinativo)]
    assert "Scheda di sintesi" in etichette
    assert any("Data Protection Agreement" in e for e in etichette) is con_dpa
    nomi = _nomi(_client(demo, "aderente").get(sub(demo.sct, "ordinativo_pacchetto", ordinativo.pk)))
    assert len(nomi) == len(etichette) == (3 if con_dpa else 2)
    assert [n[:3] for n in nomi] == [f"{i:02d}-" for i in range(1, len(nomi) + 1)]
    assert _scaricati(ordinativo) == 1


def test_pacchetto_negato_prima_dell_approvazione_e_a_chi_non_e_dell_ente(client, demo, commit, simulatore_anac):
    inviato = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.INVIATO)
    assert _client(demo, "aderente").get(sub(demo.sct, "ordinativo_pacchetto", inviato.pk)).status_code == 404
    assert _scaricati(inviato) == 0
    approvato = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    for username in ("banditore", "oe", "aderente2"):
        risposta = _client(demo, username).get(sub(demo.sct, "ordinativo_pacchetto", approvato.pk))
        assert risposta.status_code == 404, username
    assert _scaricati(approvato) == 0
