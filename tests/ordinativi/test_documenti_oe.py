"""What the OE returns after the approval (manual: "Il Fornitore deve a sua volta sottoscrivere
l'Accordo, predisporre e sottoscrivere la “comunicazione dati tracciabilità”…", one per RTI member or
only the mandataria as chosen in the atto): one upload per member with "Pagamento a ciascun soggetto
del RTI", the countersigned DPA only in ipotesi B; signed PDFs or .p7m only; the aderente sees each."""

import pytest
from django.test import Client

from contratti.models import Ordinativo
from contratti.ordinativi import services
from contratti.ordinativi.services import OperazioneNonConsentita
from documenti.models import DocumentoPrivato
from tests.pdf import pdf_semplice
from tests.utils import contenuto, corpo

from . import aiuti
from .aiuti import ordinativo_con_cig, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MEMBRI = {  # the RTI of the demo contract: codice fiscale → ragione sociale
    "00488410010": "Telecom Italia S.p.A.",
    "05724831002": "Cloud Toscana Servizi S.r.l.",
    "01234567897": "Dati e Reti Toscane S.r.l.",
}
DPA = "Data Protection Agreement controfirmato dal Fornitore"


def upload(nome="documento-oe.pdf", dati=None, content_type="application/pdf"):
    """Signed by Olga Esposito, the referent of the RTI (the contract's supplier)."""
    return aiuti.upload(nome, dati, content_type, da="oe")


def _client(demo, username):
    client = Client()
    client.force_login(demo.user(username))
    return client


def _campo(cf):
    return f"doc_tracciabilita-{cf}"


def _etichetta(cf):
    return f"Comunicazione dati tracciabilità – {MEMBRI[cf]}"


def _carica(client, demo, ordinativo, files):
    return client.post(sub(demo.sct, "ordinativo_documenti_oe", ordinativo.pk), files)


def _stato_documenti(ordinativo):
    return (
        DocumentoPrivato.objects.count(),
        sorted(ordinativo.documenti.filter(caricato_da="oe").values_list("codice_richiesta", "versione", "corrente")),
    )


def _mancanze(html):
    return html.split('id="mancanze-oe">', 1)[1].split("</p>", 1)[0] if 'id="mancanze-oe"' in html else ""


def test_tracciabilita_una_per_ogni_membro_del_rti(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO, tracciabilita="ogni_membro")
    oe, aderente = _client(demo, "oe"), _client(demo, "aderente")
    url3 = sub(demo.sct, "ordinativo_passo3", ordinativo.pk)
    pagina = contenuto(oe.get(url3))
    for cf in MEMBRI:  # one upload per member, none for the mandataria alone, no DPA in ipotesi A
        assert f'name="{_campo(cf)}"' in pagina and _etichetta(cf) in pagina
    assert 'name="doc_tracciabilita"' not in pagina and 'name="doc_dpa-controfirmato"' not in pagina
    assert all(MEMBRI[cf] in _mancanze(pagina) for cf in MEMBRI)

    primo, secondo, terzo = MEMBRI
    assert _carica(oe, demo, ordinativo, {_campo(primo): upload("tracciabilita-tim.pdf")}).status_code == 302
    vista = contenuto(aderente.get(url3))
    assert _etichetta(primo) in vista and "tracciabilita-tim.pdf" in vista
    assert (
        MEMBRI[primo] not in _mancanze(vista)
        and MEMBRI[secondo] in _mancanze(vista)
        and MEMBRI[terzo] in _mancanze(vista)
    )

    # Bad files: refused with the reason, nothing stored (all the files of a POST are checked first).
    prima = _stato_documenti(ordinativo)
    for files, motivo in [
        (
            {_campo(secondo): upload("non-firmata.pdf", pdf_semplice("comunicazione"))},
            "non risulta firmato digitalmente",
        ),
        (
            {_campo(secondo): upload("pagina.pdf", b"<html><body>comunicazione</body></html>", "text/html")},
            "non è un PDF",
        ),
        (
            {_campo(secondo): upload("buona.pdf"), _campo(terzo): upload("non-firmata.pdf", pdf_semplice("x"))},
            "non risulta firmato digitalmente",
        ),
        (
            {"doc_tracciabilita": upload("mandataria.pdf")},
            "Seleziona almeno un file da caricare.",
        ),  # not requested here
    ]:
        risposta = _carica(oe, demo, ordinativo, files)
        assert risposta.status_code == 400 and motivo in contenuto(risposta), files
        assert _stato_documenti(ordinativo) == prima, files

    assert (
        _carica(
            oe,
            demo,
            ordinativo,
            {_campo(secondo): upload("tracciabilita-cts.pdf"), _campo(terzo): upload("tracciabilita-drt.pdf")},
        ).status_code
        == 302
    )
    vista = contenuto(aderente.get(url3))
    assert 'id="mancanze-oe"' not in vista
    for cf, nome in zip(
        MEMBRI, ("tracciabilita-tim.pdf", "tracciabilita-cts.pdf", "tracciabilita-drt.pdf"), strict=True
    ):
        riga = ordinativo.documenti.get(codice_richiesta=f"tracciabilita-{cf}", corrente=True)
        assert (riga.etichetta, riga.caricato_da, riga.documento.nome_originale) == (_etichetta(cf), "oe", nome)
        link = sub(demo.sct, "ordinativo_documento", ordinativo.pk, riga.pk)
        assert f'href="{link}">{nome}</a>' in vista
        scarico = aderente.get(link)
        assert scarico.status_code == 200 and corpo(scarico)[:5] == b"%PDF-"
    # A new version replaces the current one; the aderente sees it.
    assert _carica(oe, demo, ordinativo, {_campo(primo): upload("tracciabilita-tim-v2.pdf")}).status_code == 302
    assert "tracciabilita-tim-v2.pdf" in contenuto(aderente.get(url3))
    assert ordinativo.documenti.filter(codice_richiesta=f"tracciabilita-{primo}").count() == 2
    # Only the OE of the contract uploads; the ente does not.
    assert _carica(_client(demo, "oe2"), demo, ordinativo, {_campo(primo): upload()}).status_code == 404
    assert _carica(aderente, demo, ordinativo, {_campo(primo): upload()}).status_code == 403


def test_tracciabilita_della_sola_mandataria(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO, tracciabilita="mandataria")
    assert services.richieste_oe(ordinativo) == [
        ("tracciabilita", "Comunicazione dati tracciabilità – Telecom Italia S.p.A.")
    ]
    oe = _client(demo, "oe")
    pagina = contenuto(oe.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    assert 'name="doc_tracciabilita"' in pagina and f'name="{_campo("05724831002")}"' not in pagina
    assert _carica(oe, demo, ordinativo, {"doc_tracciabilita": upload("tracciabilita.pdf")}).status_code == 302
    assert services.mancanze_oe(ordinativo) == []


def test_dpa_controfirmato_in_ipotesi_b(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO, ipotesi="B")
    oe, aderente = _client(demo, "oe"), _client(demo, "aderente")
    url3 = sub(demo.sct, "ordinativo_passo3", ordinativo.pk)
    pagina = contenuto(oe.get(url3))
    assert 'name="doc_dpa-controfirmato"' in pagina and DPA in _mancanze(pagina)
    prima = _stato_documenti(ordinativo)
    for nome, dati, motivo in [
        ("dpa.pdf", pdf_semplice("DPA non firmato"), "non risulta firmato digitalmente"),
        ("dpa.html", b"<!DOCTYPE html><html><body>DPA</body></html>", "non è un PDF"),
    ]:
        risposta = _carica(oe, demo, ordinativo, {"doc_dpa-controfirmato": upload(nome, dati)})
        assert risposta.status_code == 400 and motivo in contenuto(risposta)
        assert _stato_documenti(ordinativo) == prima
    assert _carica(oe, demo, ordinativo, {"doc_dpa-controfirmato": upload("dpa-controfirmato.pdf")}).status_code == 302
    vista = contenuto(aderente.get(url3))
    assert f"{DPA}:" in vista and "dpa-controfirmato.pdf" in vista and DPA not in _mancanze(vista)


def test_dpa_controfirmato_rifiutato_in_ipotesi_a(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO, ipotesi="A")
    oe = _client(demo, "oe")
    assert 'name="doc_dpa-controfirmato"' not in contenuto(oe.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    prima = _stato_documenti(ordinativo)
    risposta = _carica(oe, demo, ordinativo, {"doc_dpa-controfirmato": upload("dpa-controfirmato.pdf")})
    assert risposta.status_code == 400 and "Seleziona almeno un file da caricare." in contenuto(risposta)
    # The rule is the service's, whatever the form shows.
    with pytest.raises(OperazioneNonConsentita, match="non è tra quelli richiesti al fornitore"):
        services.carica_documenti_oe(ordinativo, utente=demo.user("oe"), files={"dpa-controfirmato": upload("dpa.pdf")})
    assert _stato_documenti(ordinativo) == prima
