"""From "nuovo ordine" to the banditore's approval and the OE's view, over real HTTP to the ANAC
simulator. Here the Celery tasks run in this process (eager); test_worker.py runs the same path in
a real worker process."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from comunicazioni.models import Messaggio
from contratti.models import Ordinativo
from tests.comunicazioni.aiuti import EMAIL, consegnatari, destinatari_email
from tests.pdf import pdf_firmato, pdf_semplice
from tests.utils import contenuto, corpo

from .aiuti import adesione_approvata, aggiungi_righe, carica_atto, crea_ordinativo, spid, sub, task_state, upload

pytestmark = pytest.mark.django_db


def _fino_al_cig(client, demo, commit, simulatore_anac):
    adesione = adesione_approvata(demo)
    ordinativo = crea_ordinativo(client, demo, adesione)
    aggiungi_righe(client, demo, ordinativo, [("Servizio IaaS", "33,33", "3")])
    client.post(sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"), {"doc_atto-adesione": upload()})
    spid(client, demo)
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO, ordinativo.errore_anac
    html = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert "Acquisisci CIG" in html
    assert "disabled>Conferma appalto" in html and "disabled>salva e procedi" in html
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.CIG_ACQUISITO, ordinativo.errore_anac
    assert len(ordinativo.cig_derivato) == 10
    return ordinativo


def test_dal_nuovo_ordine_all_approvazione(client_as, demo, commit, outbox, simulatore_anac):
    client = client_as("aderente")
    ordinativo = _fino_al_cig(client, demo, commit, simulatore_anac)
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert f'value="{ordinativo.cig_derivato}"' in passo1 and "procedi al passo 2" in passo1
    log = contenuto(client.get(sub(demo.sct, "ordinativo_log", ordinativo.pk)))
    for servizio in ("Crea appalto", "Conferma appalto", "Esito operazione", "Recupera CIG"):
        assert servizio in log
    # Not sent yet: a draft is the ente's alone, the banditore does not see it.
    assert client_as("banditore").get(sub(demo.sct, "ordinativo_log", ordinativo.pk)).status_code == 404

    client = spid(client_as("aderente"), demo)
    risposta = client.get(sub(demo.sct, "ordinativo_scheda", ordinativo.pk))
    assert risposta.status_code == 200 and risposta["Content-Type"] == "application/pdf", risposta.content[:500]
    pdf = corpo(risposta)
    testo = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert (
        ordinativo.cig_derivato in testo and "99,99" in testo and "Scheda di sintesi ordinativo di fornitura" in testo
    )
    assert corpo(client.get(sub(demo.sct, "ordinativo_scheda", ordinativo.pk))) == pdf

    from documenti.firma_prova import firma_pades

    url2 = sub(demo.sct, "ordinativo_passo2", ordinativo.pk)
    for nome, dati, messaggio in [
        ("scheda.pdf", pdf, "non risulta firmato digitalmente"),
        ("scheda.pdf", pdf_firmato("un altro documento"), "è stato firmato un documento diverso"),
    ]:
        risposta = client.post(url2, {"scheda": upload(nome, dati)})
        assert risposta.status_code == 400, nome
        assert messaggio in contenuto(risposta)
    firmata = firma_pades(pdf, nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M")
    manomessa = bytearray(firmata)
    manomessa[len(pdf) // 2] ^= 0x01
    risposta = client.post(url2, {"scheda": upload("scheda.pdf", bytes(manomessa))})
    assert risposta.status_code == 400 and "non è integra" in contenuto(risposta)
    ordinativo.refresh_from_db()
    assert ordinativo.scheda_firmata is None
    assert client.post(url2, {"scheda": upload("scheda-firmata.pdf", firmata)}).status_code == 302

    assert client_as("oe").get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)).status_code == 404
    client = client_as("aderente")
    assert "Confermi l'invio dell'ordinativo di fornitura?" in contenuto(
        client.get(sub(demo.sct, "ordinativo_invia", ordinativo.pk))
    )
    outbox.clear()
    with commit():
        risposta = client.post(sub(demo.sct, "ordinativo_invia", ordinativo.pk), follow=True)
    assert "Invio effettuato correttamente" in contenuto(risposta)
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.INVIATO
    m = Messaggio.objects.filter(evento="ordinativo_inviato").latest("pk")
    assert consegnatari(m) == ["aderente", "banditore"]
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["banditore"]])
    assert "Recupera CIG" in contenuto(client_as("banditore").get(sub(demo.sct, "ordinativo_log", ordinativo.pk)))

    ts = task_state(ordinativo)
    altro = client_as("banditore2")
    altro.post(reverse("wagtailsnippets_contratti_ordinativo:workflow_action", args=(ordinativo.pk, "approve", ts.pk)))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.INVIATO
    outbox.clear()
    with commit():
        client_as("banditore").post(
            reverse("wagtailsnippets_contratti_ordinativo:workflow_action", args=(ordinativo.pk, "approve", ts.pk))
        )
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO
    assert consegnatari(Messaggio.objects.filter(evento="ordinativo_approvato").latest("pk")) == ["aderente"]
    assert consegnatari(Messaggio.objects.filter(evento="ordinativo_approvato_oe").latest("pk")) == ["oe"]
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["oe"]])

    oe = client_as("oe")
    pagina = contenuto(oe.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)))
    assert ordinativo.cig_derivato in pagina and "Documenti da restituire all'amministrazione" in pagina
    assert ordinativo.codice in contenuto(oe.get(demo.sct.url))
    assert oe.post(sub(demo.sct, "ordinativo_azione", ordinativo.pk, "riga"), {}).status_code == 403
    risposta = oe.post(
        sub(demo.sct, "ordinativo_documenti_oe", ordinativo.pk),
        {"doc_tracciabilita": upload("tracciabilita.pdf", da="oe")},
    )
    assert risposta.status_code == 302
    assert "Comunicazione dati tracciabilità" in contenuto(
        client_as("aderente").get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk))
    )
    assert client_as("oe2").get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk)).status_code == 404

    zip_risposta = client_as("aderente").get(sub(demo.sct, "ordinativo_pacchetto", ordinativo.pk))
    import zipfile

    nomi = zipfile.ZipFile(io.BytesIO(b"".join(zip_risposta.streaming_content))).namelist()
    assert len(nomi) == 2 and any("Scheda di sintesi" in n for n in nomi)


def test_esito_negativo_di_anac_lascia_riprovare(client_as, demo, commit, simulatore_anac):
    simulatore_anac.guasto(
        servizio="conferma-appalto", tipo="esito_ko", codice="ERR99", messaggio="Dati dell'appalto incoerenti"
    )
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione)
    aggiungi_righe(client, demo, ordinativo, [("A", "33,33", "3")])
    carica_atto(client, demo, ordinativo)
    spid(client, demo)
    with commit():
        client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.BOZZA
    html = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert "Esito negativo da ANAC" in html and "ERR99" in html
    assert '<button type="submit" class="btn btn-primary">Conferma appalto</button>' in html
    with commit():
        client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO and ordinativo.tentativo_conferma == 2


@pytest.mark.parametrize(
    "guasto", [{"tipo": "errore_http", "status": 500, "volte": None}, {"tipo": "ko", "codice": "ERR12", "volte": None}]
)
def test_guasti_su_recupera_cig_visibili_e_ritentabili(client_as, demo, commit, simulatore_anac, guasto):
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione)
    aggiungi_righe(client, demo, ordinativo, [("A", "33,33", "3")])
    carica_atto(client, demo, ordinativo)
    spid(client, demo)
    with commit():
        client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    simulatore_anac.guasto(servizio="recupera-cig", **guasto)
    with commit():
        client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO and not ordinativo.cig_in_recupero
    assert ordinativo.errore_anac and ordinativo.cig_derivato == ""
    assert "puoi cliccare di nuovo “Acquisisci CIG”" in contenuto(
        client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk))
    )
    simulatore_anac.reset()
    with commit():
        client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.CIG_ACQUISITO and ordinativo.errore_anac == ""


def test_scheda_p7m_accettata(client_as, demo, commit, simulatore_anac):
    from documenti.firma_prova import firma_cades

    client = client_as("aderente")
    ordinativo = _fino_al_cig(client, demo, commit, simulatore_anac)
    pdf = corpo(client.get(sub(demo.sct, "ordinativo_scheda", ordinativo.pk)))
    p7m = firma_cades(pdf, nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M")
    risposta = client.post(
        sub(demo.sct, "ordinativo_passo2", ordinativo.pk),
        {"scheda": upload("scheda.pdf.p7m", p7m, "application/pkcs7-mime")},
    )
    assert risposta.status_code == 302
    altro = firma_cades(pdf_semplice("altro"), nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M")
    ordinativo.refresh_from_db()
    primo = ordinativo.scheda_firmata_id
    assert (
        client.post(
            sub(demo.sct, "ordinativo_passo2", ordinativo.pk),
            {"scheda": upload("x.p7m", altro, "application/pkcs7-mime")},
        ).status_code
        == 400
    )
    ordinativo.refresh_from_db()
    assert ordinativo.scheda_firmata_id == primo
