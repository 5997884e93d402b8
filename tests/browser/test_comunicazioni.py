"""The comunicazioni module of a contract (manual: "Comunicazioni", fig. 55-56): an aderente writes
to the OE aggiudicatario, the OE replies. E-mails go through the real Celery worker."""

import pytest

from comunicazioni.models import Consegna

from .pagine import apri_contratto, expect, scegli_radio

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OGGETTO = "Referente tecnico per la migrazione dei servizi"
TESTO = "Buongiorno, indichiamo come referente tecnico la dott.ssa Anna Verdi (055 1234567)."
RISPOSTA = "Grazie, la contatteremo entro tre giorni lavorativi per pianificare la migrazione."


def test_comunicazione_aderente_oe_e_risposta(sito, nuovo_contesto, worker_celery):
    aderente = sito.accedi(nuovo_contesto(), "aderente")
    apri_contratto(sito, aderente)
    # The contract's "comunicazioni" module, as the manual says («presente in ogni contratto»).
    modulo = aderente.get_by_role("region", name="Comunicazioni")
    expect(modulo.get_by_role("link", name="Apri il modulo comunicazioni del contratto")).to_be_visible()
    modulo.get_by_role("link", name="Nuovo messaggio").click()
    expect(aderente.get_by_role("heading", level=1)).to_have_text("Nuovo messaggio")
    sito.controlla_accessibilita(aderente, "Comunicazioni – nuovo messaggio")
    aderente.get_by_label("Destinatario").select_option(
        label="OE aggiudicatario – RTI Telecom Italia S.p.A. – Sistema Cloud Toscana"
    )
    scegli_radio(aderente, "Comunicazione")
    aderente.get_by_label("Oggetto").fill(OGGETTO)
    aderente.get_by_label("Testo").fill(TESTO)
    sito.fotografa(aderente, "comunicazione-nuovo-messaggio")
    aderente.get_by_role("button", name="Invia", exact=True).click()
    expect(aderente.get_by_text("Il messaggio è stato inviato.")).to_be_visible()
    expect(aderente.get_by_role("heading", level=1)).to_have_text(OGGETTO)
    sito.controlla_accessibilita(aderente, "Comunicazioni – messaggio inviato")

    # The OE: the unread message in the area riservata and in its inbox; opens it and replies.
    oe = sito.accedi(nuovo_contesto(), "oe")
    sito.vai(oe, "/area-riservata/")
    expect(oe.get_by_role("heading", name="Comunicazioni")).to_contain_text("1 non letta")
    sito.controlla_accessibilita(oe, "Area riservata (OE)")
    oe.get_by_role("link", name="Vai alle comunicazioni").click()
    riga = oe.get_by_role("row").filter(has_text=OGGETTO)
    expect(riga).to_contain_text("Non letta")
    expect(riga).to_contain_text("Comune di Firenze")
    sito.controlla_accessibilita(oe, "Comunicazioni – posta in arrivo (OE)")
    riga.get_by_role("link", name=OGGETTO).click()
    expect(oe.get_by_role("article")).to_contain_text(TESTO)
    sito.controlla_accessibilita(oe, "Comunicazioni – messaggio ricevuto (OE)")
    oe.get_by_role("link", name="Rispondi", exact=True).click()
    expect(oe.get_by_label("Oggetto")).to_have_value(f"Re: {OGGETTO}")
    oe.get_by_label("Testo").fill(RISPOSTA)
    sito.controlla_accessibilita(oe, "Comunicazioni – rispondi (OE)")
    oe.get_by_role("button", name="Invia la risposta").click()
    expect(oe.get_by_text("La risposta è stata inviata.")).to_be_visible()
    expect(oe.get_by_role("article")).to_have_count(2)

    # The aderente finds the reply unread, in the same conversation; its own message shows that the
    # OE read it and that the worker sent the e-mail.
    worker_celery.attendi(
        lambda: Consegna.objects.filter(messaggio__oggetto=OGGETTO, email_stato=Consegna.StatoEmail.INVIATA).exists(),
        messaggio="e-mail del messaggio non inviata dal worker",
    )
    sito.vai(aderente, "/comunicazioni/")
    riga = aderente.get_by_role("row").filter(has_text=f"Re: {OGGETTO}")
    expect(riga).to_contain_text("Non letta")
    riga.get_by_role("link", name=f"Re: {OGGETTO}").click()
    expect(aderente.get_by_role("article")).to_have_count(2)
    expect(aderente.get_by_text(RISPOSTA)).to_be_visible()
    expect(aderente.get_by_text(TESTO)).to_be_visible()
    consegne = aderente.get_by_role("table", name=f"Consegne e letture di “{OGGETTO}”")
    expect(consegne).to_contain_text("Olga Esposito")
    expect(consegne).not_to_contain_text("non ancora letto")
    expect(consegne).to_contain_text("Inviata il")
    sito.controlla_accessibilita(aderente, "Comunicazioni – conversazione (aderente)")
    sito.fotografa(aderente, "comunicazione-conversazione")
