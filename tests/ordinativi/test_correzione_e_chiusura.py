"""An ordinativo not approved by the banditore ("Rifiutato") is not a dead end: the ente corrects it
(new versions of the atto and of the signed scheda, the sent ones stay in the history) and sends it
again with the same CIG and ANAC data, or closes it ("chiudi ordinativo", final) and cancels the CIG
with the scheda ANN. Every rule is checked on the server: a refused request gets a 4xx with the
reason in Italian and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anac.models import OperazioneANAC
from audit.models import VoceAudit
from contratti.models import Ordinativo, Scheda
from contratti.ordinativi import services as servizi
from contratti.ordinativi.services import MSG_CHIUDI_STATO, MSG_CHIUSO, MSG_RICHIESTA_CONFERMATA
from contratti.ordinativi.views import CONFERMA_CHIUSURA
from documenti.firma_prova import firma_pades
from tests.utils import contenuto, corpo

from .aiuti import RUP_FIRENZE, carica_atto, ordinativo_con_cig, sub, task_state

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MOTIVO = "L'atto di adesione non è firmato dal dirigente competente."


def _operazioni(ordinativo):
    return OperazioneANAC.objects.filter(chiave__startswith=f"ordinativo:{ordinativo.pk}:").count()


def _fotografia(ordinativo):
    o = Ordinativo.objects.get(pk=ordinativo.pk)
    return (
        o.stato,
        o.cig_derivato,
        o.id_appalto,
        o.tentativo_conferma,
        o.tentativo_cig,
        o.scheda_firmata_id,
        o.documenti.count(),
        _operazioni(o),
        o.chiuso_il,
    )


def _carica_scheda(client, demo, ordinativo, firmatario):
    pdf = corpo(client.get(sub(demo.sct, "ordinativo_scheda", ordinativo.pk)))
    firmata = firma_pades(pdf, nome=firmatario, codice_fiscale=RUP_FIRENZE)
    risposta = client.post(
        sub(demo.sct, "ordinativo_passo2", ordinativo.pk),
        {"scheda": SimpleUploadedFile("scheda-firmata.pdf", firmata, "application/pdf")},
    )
    assert risposta.status_code == 302, contenuto(risposta)[:2000]


def _rifiutato(client, demo, commit):
    """Sent through the pages, then not approved by the banditore (the workflow task of the admin)."""
    ordinativo = ordinativo_con_cig(client, demo, commit)
    _carica_scheda(client, demo, ordinativo, "Laura Bianchi")
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_invia", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    servizi.rifiuta(ordinativo, utente=demo.user("banditore"), task_state=task_state(ordinativo), motivo=MOTIVO)
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.RIFIUTATO
    return ordinativo


def test_rifiutato_corretto_e_inviato_di_nuovo_con_lo_stesso_cig(client, demo, commit, simulatore_anac):
    ordinativo = _rifiutato(client, demo, commit)
    cig, id_appalto, tentativo = ordinativo.cig_derivato, ordinativo.id_appalto, ordinativo.tentativo_conferma
    operazioni = _operazioni(ordinativo)
    atto_inviato = ordinativo.documenti.get(corrente=True)
    scheda_inviata = ordinativo.scheda_firmata
    assert atto_inviato.inviato  # the refusal does not erase what was sent

    # The ente sees the reason and what it can do.
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert MOTIVO in passo1 and "il CIG derivato e i dati trasmessi ad ANAC restano gli stessi" in passo1
    passo3 = contenuto(client.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    assert ">invia</a>" in passo3 and ">chiudi ordinativo</a>" in passo3
    # The banditore sees the reason, not the ente's actions.
    banditore = Client()
    banditore.force_login(demo.user("banditore"))
    del_banditore = contenuto(banditore.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    assert MOTIVO in del_banditore and "chiudi ordinativo" not in del_banditore

    # No new "Conferma appalto", no change to the data of the CIG request.
    prima = _fotografia(ordinativo)
    with commit():
        risposta = client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    assert risposta.status_code == 400 and "La conferma dell'appalto è già stata richiesta." in contenuto(risposta)
    risposta = client.post(sub(demo.sct, "ordinativo_richiedi_cig", ordinativo.pk), {"oggetto": "Altro oggetto"})
    assert risposta.status_code == 400 and MSG_RICHIESTA_CONFERMATA in contenuto(risposta)
    assert _fotografia(ordinativo) == prima

    # Correct: a new version of the atto (the sent one stays, still marked as sent) and a new signed scheda.
    carica_atto(client, demo, ordinativo, nome="atto-corretto.pdf")
    nuovo = ordinativo.documenti.get(corrente=True)
    atto_inviato.refresh_from_db()
    assert (nuovo.versione, nuovo.inviato, atto_inviato.corrente, atto_inviato.inviato) == (2, False, False, True)
    _carica_scheda(client, demo, ordinativo, "Laura Bianchi (seconda firma)")
    ordinativo.refresh_from_db()
    assert ordinativo.scheda_firmata_id != scheda_inviata.pk
    voce = VoceAudit.objects.filter(azione="ordinativo.scheda_firmata_caricata", object_id=str(ordinativo.pk)).latest(
        "pk"
    )
    assert voce.dati["sostituisce"] == scheda_inviata.sha256

    with commit():
        assert client.post(sub(demo.sct, "ordinativo_invia", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.INVIATO and ordinativo.motivo_rifiuto == ""
    assert (ordinativo.cig_derivato, ordinativo.id_appalto, ordinativo.tentativo_conferma) == (
        cig,
        id_appalto,
        tentativo,
    )
    assert _operazioni(ordinativo) == operazioni  # nothing sent to ANAC again
    nuovo.refresh_from_db()
    assert nuovo.inviato
    voce = VoceAudit.objects.get(azione="ordinativo.reinviato", object_id=str(ordinativo.pk))
    assert (voce.stato_da, voce.stato_a, voce.dati["cig"]) == ("rifiutato", "inviato", cig)
    assert voce.dati["documenti"] == [nuovo.documento.sha256]
    assert voce.dati["scheda_firmata"] == ordinativo.scheda_firmata.sha256

    # The history: the versions sent before, the first atto still downloadable.
    passo3 = contenuto(client.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    assert "Versioni inviate in precedenza" in passo3 and atto_inviato.documento.nome_originale in passo3
    assert (
        scheda_inviata.nome_originale in passo3
        and (
            'firmata da <span class="firma">Laura Bianchi (BNCLRA75E45G999M) – abilitato a firmare per Comune di Firenze'
        )
        in passo3
    )
    assert client.get(sub(demo.sct, "ordinativo_documento", ordinativo.pk, atto_inviato.pk)).status_code == 200

    # Back to the banditore: this time approved.
    servizi.approva(ordinativo, utente=demo.user("banditore"), task_state=task_state(ordinativo))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO
    # The banditore sees the history; the OE sees the approved documents only.
    assert "Versioni inviate in precedenza" in contenuto(
        banditore.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk))
    )
    oe = Client()
    oe.force_login(demo.user("oe"))
    del_fornitore = contenuto(oe.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    assert "atto-corretto.pdf" in del_fornitore and "Versioni inviate in precedenza" not in del_fornitore
    assert atto_inviato.documento.nome_originale not in del_fornitore


def test_chiudi_ordinativo_rifiutato(client, demo, commit, simulatore_anac):
    ordinativo = _rifiutato(client, demo, commit)
    url = sub(demo.sct, "ordinativo_chiudi", ordinativo.pk)

    conferma = contenuto(client.get(url))
    assert "Confermi la chiusura dell'ordinativo di fornitura?" in conferma
    assert CONFERMA_CHIUSURA.format(cig=ordinativo.cig_derivato) in conferma

    # Who may not close it: the banditore (403), the OE, another ente, anonymous.
    prima = _fotografia(ordinativo)
    banditore = Client()
    banditore.force_login(demo.user("banditore"))
    assert banditore.post(url).status_code == 403
    for username in ("oe", "aderente2"):
        altro = Client()
        altro.force_login(demo.user(username))
        assert altro.post(url).status_code == 404, username
    assert Client().post(url).status_code == 302  # to the login
    assert _fotografia(ordinativo) == prima

    risposta = client.post(url, follow=True)
    assert risposta.status_code == 200
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.CHIUSO and ordinativo.chiuso_da == demo.user("aderente")
    pagina = contenuto(risposta)
    assert "Ordinativo chiuso: non sarà più inviato al banditore." in pagina
    assert (
        f"Il CIG derivato {ordinativo.cig_derivato} resta acquisito su ANAC: per annullarlo si invia la scheda ANN"
        in pagina
    )
    assert ">invia</a>" not in pagina and ">chiudi ordinativo</a>" not in pagina
    voce = VoceAudit.objects.get(azione="ordinativo.chiuso", object_id=str(ordinativo.pk))
    assert (voce.utente.username, voce.stato_da, voce.stato_a, voce.motivo) == (
        "aderente",
        "rifiutato",
        "chiuso",
        MOTIVO,
    )
    assert voce.dati["cig"] == ordinativo.cig_derivato

    # Final: nothing more is uploaded, sent or closed again.
    prima = _fotografia(ordinativo)
    risposta = client.post(sub(demo.sct, "ordinativo_invia", ordinativo.pk))
    assert risposta.status_code == 400 and MSG_CHIUSO in contenuto(risposta)
    risposta = client.post(
        sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"),
        {"doc_atto-adesione": SimpleUploadedFile("atto.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert risposta.status_code == 400
    risposta = client.post(url)
    assert risposta.status_code == 400 and "L'ordinativo è già chiuso." in contenuto(risposta)
    assert client.get(url).status_code == 302  # no confirmation page: back to passo 3
    assert _fotografia(ordinativo) == prima

    # The scheda ANN stays available: the CIG is cancelled, the ordinativo becomes "Annullato".
    elenco = contenuto(client.get(sub(demo.sct, "schede_elenco", ordinativo.pk)))
    assert f'href="{sub(demo.sct, "scheda_nuova", ordinativo.pk, "ann")}"' in elenco
    risposta = client.post(
        sub(demo.sct, "scheda_nuova", ordinativo.pk, "ann"), {"cig": ordinativo.cig_derivato, "motivo": "1"}
    )
    assert risposta.status_code == 302
    scheda = Scheda.objects.get(ordinativo=ordinativo)
    with commit():
        assert client.post(sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk)).status_code == 302
    with commit():
        assert client.post(sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)).status_code == 302
    scheda.refresh_from_db()
    ordinativo.refresh_from_db()
    assert scheda.stato == Scheda.Stato.CONFERMATA, scheda.errore_anac
    assert ordinativo.stato == Ordinativo.Stato.ANNULLATO
    audit = VoceAudit.objects.get(azione="ordinativo.annullato", object_id=str(ordinativo.pk))
    assert (audit.stato_da, audit.stato_a) == ("chiuso", "annullato")


@pytest.mark.parametrize(
    "stato", [Ordinativo.Stato.CIG_ACQUISITO, Ordinativo.Stato.INVIATO, Ordinativo.Stato.APPROVATO]
)
def test_chiudi_solo_dopo_il_rifiuto(client, demo, commit, simulatore_anac, stato):
    ordinativo = ordinativo_con_cig(client, demo, commit, stato)
    url = sub(demo.sct, "ordinativo_chiudi", ordinativo.pk)
    assert client.get(url).status_code == 302
    prima = _fotografia(ordinativo)
    risposta = client.post(url)
    assert risposta.status_code == 400 and MSG_CHIUDI_STATO in contenuto(risposta)
    assert _fotografia(ordinativo) == prima
    assert not VoceAudit.objects.filter(azione="ordinativo.chiuso").exists()
    assert ">chiudi ordinativo</a>" not in contenuto(client.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
