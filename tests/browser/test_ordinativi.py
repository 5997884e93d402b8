"""The ordinativo di fornitura as the manual describes it ("Invio dell’atto di adesione / contratto
attuativo", fig. 25-39): the aderente prepares the order, the RUP with (simulated) SPID confirms it on
ANAC and acquires the derived CIG (real Celery worker, ANAC simulator over HTTP), the aderente signs
and sends the scheda di sintesi, the banditore approves in the Wagtail admin, the OE sees the order."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from anac.services import trasmissioni_di
from contratti.models import Ordinativo
from tests.ordinativi.aiuti import (
    RUP_FIRENZE,
    adesione_approvata,
)

from .pagine import (
    AIUTO_CIG,
    MSG_TOTALI,
    acquisisci_cig,
    aggiungi_riga,
    apri_elenco_ordinativi,
    apri_ordinativo_da_elenco,
    apri_tab,
    attendi_appalto_confermato,
    attendi_cig_derivato,
    azione_workflow_admin,
    carica_atto_adesione,
    carica_scheda_firmata,
    conferma_appalto,
    documento_firmato,
    elimina_riga,
    expect,
    invia_ordinativo,
    nuovo_ordine,
    ordinativo_approvato_con_cig,
    riga_ordinativo,
    righe_ordine,
    scarica_scheda_sintesi,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RIGA_SBAGLIATA = ("Servizio IaaS – macchine virtuali", "33,33", "3")  # 99,99 ≠ 100,00
RIGHE = [("Servizio IaaS – macchine virtuali", "25,00", "2"), ("Servizio PaaS – database gestito", "12,50", "4")]


def test_ordinativo_dal_nuovo_ordine_all_approvazione_e_all_oe(
    sito, nuovo_contesto, demo, worker_celery, simulatore_anac
):
    adesione_approvata(demo)  # the manifestazione di interesse of the Comune di Firenze, approved
    # ANAC takes a few seconds to validate the appalto (esito-operazione answers "WT" meanwhile),
    # and its answer to the first "recupera-cig" is lost (3 s, beyond the worker's 2 s timeout):
    # the worker asks again. Both keep the orange banners on the page long enough to be checked.
    simulatore_anac.config(wt_polls=1, wt_secondi=6)
    simulatore_anac.guasto(servizio="recupera-cig", tipo="timeout", ritardo=3, volte=1)

    # The aderente (user name and password): "nuovo ordine" → "Richiedi CIG" → "Vai all'ordine".
    aderente = sito.accedi(nuovo_contesto(), "aderente")
    codice = nuovo_ordine(
        sito,
        aderente,
        importo="100,00",
        controlla=("Contratto – Elenco ordinativi (aderente, nuovo ordine)", "Richiedi CIG"),
    )
    expect(aderente.get_by_label("CIG derivato")).to_have_value("")
    expect(aderente.get_by_label("CIG derivato")).to_be_disabled()
    expect(aderente.get_by_text(AIUTO_CIG)).to_be_visible()
    expect(aderente.locator("main")).to_contain_text("Totale dell'ordine (Richiedi CIG): € 100,00")
    expect(aderente.get_by_role("button", name="salva e procedi")).to_be_disabled()

    # Passo 1: the lines with the green tick (a total that does not match first), the atto signed on the
    # "Firma di prova" page.
    aggiungi_riga(aderente, *RIGA_SBAGLIATA)
    expect(aderente.locator("#totale-righe")).to_have_text("€ 99,99")
    carica_atto_adesione(aderente, documento_firmato(sito, aderente, "atto-di-adesione.pdf"))
    expect(aderente.get_by_role("region", name="RICHIESTE PER ORDINATIVI FORNITURA")).to_contain_text(
        "firmato da Laura Bianchi"
    )
    sito.controlla_accessibilita(aderente, "Ordinativo – passo 1 (bozza)")
    sito.fotografa(aderente, "ordinativo-passo-1", da=aderente.get_by_role("heading", name="Righe dell'ordine"))

    # "Conferma appalto" with user name and password: the strong authentication of the RUP is asked.
    aderente.get_by_role("button", name="Conferma appalto").click()
    expect(aderente.get_by_role("heading", level=1)).to_have_text("Autenticazione forte richiesta")
    expect(aderente.get_by_role("alert")).to_contain_text(
        "Questa operazione richiede l'accesso con SPID, CIE o CNS del RUP"
    )
    sito.controlla_accessibilita(aderente, "Autenticazione forte richiesta (Conferma appalto)")
    ordinativo = Ordinativo.objects.get(codice=codice)
    assert ordinativo.stato == Ordinativo.Stato.BOZZA

    # The RUP, with (simulated) SPID: "Conferma appalto" refused, the totals differ.
    rup = sito.accedi_spid(nuovo_contesto(), "aderente")
    apri_ordinativo_da_elenco(sito, rup, codice, controlla="Contratto – Elenco ordinativi (RUP, bozza)")
    rup.get_by_role("button", name="Conferma appalto").click()
    expect(rup.get_by_role("alert").filter(has_text=MSG_TOTALI)).to_have_text(MSG_TOTALI)
    sito.controlla_accessibilita(rup, "Ordinativo – Conferma appalto (totali diversi)")
    sito.fotografa(rup, "ordinativo-conferma-appalto-errore")
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.BOZZA and ordinativo.tentativo_conferma == 0

    # The lines fixed: 2 × 25,00 + 4 × 12,50 = 100,00; the total follows each new line.
    elimina_riga(rup, RIGA_SBAGLIATA[0])
    expect(rup.locator("#totale-righe")).to_have_text("€ 0,00")
    aggiungi_riga(rup, *RIGHE[0])
    expect(rup.locator("#totale-righe")).to_have_text("€ 50,00")
    aggiungi_riga(rup, *RIGHE[1])
    expect(rup.locator("#totale-righe")).to_have_text("€ 100,00")
    expect(righe_ordine(rup).locator("tfoot")).to_contain_text("€ 100,00")

    # "Conferma appalto": the orange banner, then (the page polls ANAC's outcome) "Acquisisci CIG".
    conferma_appalto(rup)
    expect(rup.locator("main")).to_contain_text("stato: Conferma appalto in corso")
    sito.controlla_accessibilita(rup, "Ordinativo – conferma appalto in corso")
    attendi_appalto_confermato(rup)
    expect(rup.get_by_label("Descrizione", exact=True)).to_have_count(0)  # the lines are no longer editable
    expect(righe_ordine(rup).get_by_role("button", name=re.compile(r"^elimina"))).to_have_count(0)
    sito.controlla_accessibilita(rup, "Ordinativo – appalto confermato")

    # "Acquisisci CIG": the orange banner, then the CIG derivato and "procedi al passo 2".
    acquisisci_cig(rup)
    sito.controlla_accessibilita(rup, "Ordinativo – recupera CIG in corso")
    cig = attendi_cig_derivato(rup)
    expect(rup.locator("main")).to_contain_text(f"stato: CIG acquisito – CIG derivato {cig}")
    sito.controlla_accessibilita(rup, "Ordinativo – CIG acquisito")
    sito.fotografa(rup, "ordinativo-cig-acquisito", da=rup.get_by_role("heading", name="Passo 1", exact=True))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.CIG_ACQUISITO and ordinativo.cig_derivato == cig
    assert ordinativo.autenticazione_simulata
    servizi = list(trasmissioni_di(ordinativo).order_by("pk").values_list("servizio", "esito"))
    assert [s for s, _ in servizi][:2] == ["crea-appalto", "conferma-appalto"], servizi
    assert ("esito-operazione", "WT") in servizi and ("esito-operazione", "OK") in servizi, servizi
    assert ("recupera-cig", "ERRORE") in servizi and servizi[-1] == ("recupera-cig", "OK"), servizi

    # Passo 2 (the aderente again, user name and password): the PDF with the CIG, signed on the
    # "Firma di prova" page in another tab.
    apri_ordinativo_da_elenco(sito, aderente, codice)
    expect(aderente.get_by_label("CIG derivato")).to_have_value(cig)
    aderente.get_by_role("link", name="procedi al passo 2").click()
    expect(aderente.get_by_role("heading", name="Passo 2 – Scheda di sintesi ordinativo di fornitura")).to_be_visible()
    expect(aderente.get_by_role("button", name="procedi al passo 3")).to_be_disabled()
    sito.controlla_accessibilita(aderente, "Ordinativo – passo 2")
    sito.fotografa(
        aderente, "ordinativo-passo-2", da=aderente.get_by_role("navigation", name="Sezioni dell'ordinativo")
    )
    nome_pdf, pdf = scarica_scheda_sintesi(aderente)
    assert nome_pdf == f"scheda-sintesi-{cig}.pdf" and pdf.startswith(b"%PDF")
    testo = " ".join(pagina.extract_text() for pagina in PdfReader(io.BytesIO(pdf)).pages)
    for atteso in (cig, codice, "Comune di Firenze", "Servizio PaaS – database gestito"):
        assert atteso in testo, f"{atteso!r} non è nella scheda di sintesi"
    firmata = documento_firmato(
        sito, aderente, nome_pdf, documento={"name": nome_pdf, "mimeType": "application/pdf", "buffer": pdf}
    )
    assert firmata["name"] == f"scheda-sintesi-{cig}-firmato.pdf"
    carica_scheda_firmata(aderente, firmata)
    expect(aderente.get_by_role("status").filter(has_text="Scheda di sintesi firmata caricata:")).to_contain_text(
        f"firmata da Laura Bianchi ({RUP_FIRENZE})"
    )
    sito.controlla_accessibilita(aderente, "Ordinativo – passo 2 (scheda firmata caricata)")

    # Passo 3: the summary, "invia" → "sì".
    aderente.get_by_role("link", name="procedi al passo 3").click()
    expect(aderente.get_by_role("heading", name="Passo 3 – conferma e invio")).to_be_visible()
    documenti = aderente.get_by_role("list").filter(has_text="Scheda di sintesi ordinativo di fornitura firmata")
    expect(documenti.get_by_role("link", name="atto-di-adesione-firmato.pdf")).to_be_visible()
    expect(documenti.get_by_role("link", name=firmata["name"])).to_be_visible()
    sito.controlla_accessibilita(aderente, "Ordinativo – passo 3 (da inviare)")
    invia_ordinativo(sito, aderente, controlla="Conferma invio ordinativo")
    expect(aderente.locator("main dl")).to_contain_text("Inviato (inviato il")
    expect(aderente.get_by_role("link", name="invia", exact=True)).to_have_count(0)
    sito.controlla_accessibilita(aderente, "Ordinativo – passo 3 (inviato)")
    sito.fotografa(aderente, "ordinativo-inviato")

    # Before the nulla osta the OE does not see the order.
    oe = sito.accedi(nuovo_contesto(), "oe")
    apri_elenco_ordinativi(sito, oe)
    expect(riga_ordinativo(oe, codice)).to_have_count(0)
    sito.controlla_accessibilita(oe, "Contratto – Elenco ordinativi (OE, nessun ordinativo approvato)")

    # The banditore approves in the Wagtail admin.
    banditore = sito.accedi(nuovo_contesto(), "banditore")
    sito.vai(banditore, "/admin/")
    in_attesa = banditore.get_by_role("region", name="In attesa della tua revisione")
    expect(in_attesa.get_by_role("link", name=f"Ordinativo {codice} – Comune di Firenze")).to_be_visible()
    sito.controlla_accessibilita(banditore, "Admin – Dashboard del banditore (ordinativo da approvare)")
    azione_workflow_admin(
        sito, banditore, codice, "Approva", tipo="ordinativo", controlla="Admin – Ordinativo in valutazione"
    )
    expect(banditore.get_by_role("row").filter(has_text=codice)).to_contain_text("Approvato")
    sito.controlla_accessibilita(banditore, "Admin – Ordinativi (approvato)")
    sito.fotografa(banditore, "admin-ordinativo-approvato")
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO and ordinativo.approvato_il is not None

    # The aderente: approved, with the blue "esito" button in Elenco ordinativi.
    apri_elenco_ordinativi(sito, aderente)
    riga = riga_ordinativo(aderente, codice)
    expect(riga).to_contain_text("Approvato")
    expect(riga).to_contain_text(cig)
    expect(riga).to_contain_text("€ 100,00")
    expect(riga.get_by_role("button", name=f"esito dell'ordinativo {codice}")).to_be_visible()
    sito.controlla_accessibilita(aderente, "Contratto – Elenco ordinativi (aderente, approvato)")

    # The OE: the notification and the order, read-only, from its area riservata.
    sito.vai(oe, "/area-riservata/")
    expect(oe.get_by_role("heading", name="Comunicazioni")).to_contain_text("1 non letta")
    sito.controlla_accessibilita(oe, "Area riservata (OE, ordinativo approvato)")
    oe.get_by_role("region", name="Contratti di cui sei aggiudicatario").get_by_role("link").first.click()
    expect(oe.get_by_role("heading", level=1)).to_contain_text("Sistema Cloud Toscana")
    apri_tab(oe, "Elenco ordinativi")
    riga = riga_ordinativo(oe, codice)
    expect(riga).to_contain_text("Approvato")
    expect(riga.get_by_role("button", name=f"esito dell'ordinativo {codice}")).to_have_count(0)  # the ente's
    sito.controlla_accessibilita(oe, "Contratto – Elenco ordinativi (OE)")
    riga.get_by_role("link", name=f"Apri l'ordinativo {codice}").click()
    # Passo 1, read-only: the lines and the documents, no form and no action.
    expect(oe.get_by_role("heading", level=1)).to_have_text(f"Ordinativo di fornitura {codice}")
    expect(oe.locator("main")).to_contain_text(f"stato: Approvato – CIG derivato {cig}")
    for descrizione, _, _ in RIGHE:
        expect(righe_ordine(oe)).to_contain_text(descrizione)
    expect(
        oe.get_by_role("region", name="RICHIESTE PER ORDINATIVI FORNITURA").get_by_role(
            "link", name="atto-di-adesione-firmato.pdf"
        )
    ).to_be_visible()
    expect(oe.locator("main form")).to_have_count(0)
    expect(oe.locator("main").get_by_role("button")).to_have_count(0)
    sito.controlla_accessibilita(oe, "Ordinativo approvato – passo 1 (OE)")
    # Passo 3: the summary and the documents to send back to the administration.
    oe.get_by_role("navigation", name="Sezioni dell'ordinativo").get_by_role(
        "link", name="Passo 3 – conferma e invio"
    ).click()
    expect(oe.get_by_role("heading", name="Passo 3 – conferma e invio")).to_be_visible()
    dati = oe.locator("main dl")
    expect(dati).to_contain_text(cig)
    expect(dati).to_contain_text("Approvato")
    expect(dati).to_contain_text("€ 100,00")
    expect(oe.get_by_role("link", name=firmata["name"])).to_be_visible()
    expect(oe.get_by_role("link", name="invia", exact=True)).to_have_count(0)
    expect(oe.get_by_role("region", name="Documenti da restituire all'amministrazione")).to_contain_text(
        "Comunicazione dati tracciabilità"
    )
    sito.controlla_accessibilita(oe, "Ordinativo approvato – passo 3 (OE)")
    sito.fotografa(oe, "oe-ordinativo", da=oe.get_by_role("heading", level=1))

    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPROVATO
    assert (
        sum((r.importo for r in ordinativo.righe.all()), Decimal("0")) == ordinativo.importo_totale == Decimal("100.00")
    )
    assert ordinativo.scheda_firmata.firmatario_cf == RUP_FIRENZE


MOTIVO_RIFIUTO = "L'atto di adesione non riporta la firma del dirigente: ricaricarlo firmato."


def test_ordinativo_rifiutato_corretto_e_inviato_di_nuovo(sito, nuovo_contesto, demo, worker_celery, simulatore_anac):
    """The banditore does not approve the order ("Non approvare" in the admin, with the reason); the
    ente sees why, replaces the atto and the signed scheda and sends it again: the same CIG, no new
    "Conferma appalto", the versions sent before in the history."""
    ordinativo = ordinativo_approvato_con_cig(demo, worker_celery, fino_a=Ordinativo.Stato.INVIATO)
    codice, cig, tentativo = ordinativo.codice, ordinativo.cig_derivato, ordinativo.tentativo_conferma

    banditore = sito.accedi(nuovo_contesto(), "banditore")
    azione_workflow_admin(sito, banditore, codice, "Non approvare", tipo="ordinativo", motivo=MOTIVO_RIFIUTO)
    expect(banditore.get_by_role("row").filter(has_text=codice)).to_contain_text("Rifiutato")
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.RIFIUTATO and ordinativo.motivo_rifiuto == MOTIVO_RIFIUTO

    # The ente: the reason, and what it can do.
    aderente = sito.accedi(nuovo_contesto(), "aderente")
    apri_ordinativo_da_elenco(sito, aderente, codice)
    avviso = aderente.get_by_role("alert").filter(has_text="L'ordinativo non è stato approvato.")
    expect(avviso).to_contain_text(MOTIVO_RIFIUTO)
    expect(avviso).to_contain_text("il CIG derivato e i dati trasmessi ad ANAC restano gli stessi")
    expect(aderente.get_by_label("CIG derivato")).to_have_value(cig)
    expect(aderente.get_by_text(AIUTO_CIG)).to_have_count(0)  # the CIG is there: the helper no longer applies
    expect(aderente.get_by_role("button", name="Conferma appalto")).to_be_disabled()
    sito.controlla_accessibilita(aderente, "Ordinativo – passo 1 (rifiutato dal banditore)")

    # Passo 1: a new version of the atto; passo 2: the scheda signed again.
    carica_atto_adesione(aderente, documento_firmato(sito, aderente, "atto-corretto.pdf"))
    sezione = aderente.get_by_role("region", name="RICHIESTE PER ORDINATIVI FORNITURA")
    expect(sezione).to_contain_text("(v2)")
    expect(sezione.get_by_role("link", name="atto.pdf", exact=True)).to_have_count(0)
    aderente.get_by_role("link", name="procedi al passo 2").click()
    expect(aderente.get_by_role("heading", name="Passo 2 – Scheda di sintesi ordinativo di fornitura")).to_be_visible()
    nome_pdf, pdf = scarica_scheda_sintesi(aderente)
    carica_scheda_firmata(
        aderente,
        documento_firmato(
            sito,
            aderente,
            "scheda-di-nuovo.pdf",
            documento={"name": "scheda-di-nuovo.pdf", "mimeType": "application/pdf", "buffer": pdf},
        ),
    )

    # Passo 3: the versions sent before, "invia" (and "chiudi ordinativo", not used here) → "sì".
    aderente.get_by_role("link", name="procedi al passo 3").click()
    expect(aderente.get_by_role("heading", name="Passo 3 – conferma e invio")).to_be_visible()
    storico = aderente.locator("#storico-inviati")
    expect(storico.get_by_role("link", name="atto.pdf", exact=True)).to_be_visible()
    expect(storico).to_contain_text("Scheda di sintesi ordinativo di fornitura firmata: scheda.pdf")
    expect(aderente.get_by_role("link", name="chiudi ordinativo")).to_be_visible()
    sito.controlla_accessibilita(aderente, "Ordinativo – passo 3 (rifiutato, corretto)")
    sito.fotografa(
        aderente, "ordinativo-rifiutato-corretto", da=aderente.get_by_role("heading", name="Passo 3 – conferma e invio")
    )
    invia_ordinativo(sito, aderente)
    expect(aderente.locator("main dl")).to_contain_text("Inviato (inviato il")
    expect(aderente.get_by_role("link", name="chiudi ordinativo")).to_have_count(0)

    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.INVIATO and ordinativo.motivo_rifiuto == ""
    assert (ordinativo.cig_derivato, ordinativo.tentativo_conferma) == (cig, tentativo)
    assert ordinativo.documenti.get(corrente=True).documento.nome_originale == "atto-corretto-firmato.pdf"
    assert ordinativo.scheda_firmata.nome_originale == "scheda-di-nuovo-firmato.pdf"

    # Back in the banditore's dashboard, to evaluate again.
    sito.vai(banditore, "/admin/")
    in_attesa = banditore.get_by_role("region", name="In attesa della tua revisione")
    expect(in_attesa.get_by_role("link", name=f"Ordinativo {codice} – Comune di Firenze")).to_be_visible()
