"""The banditore publishes a chiarimento, anonymised, in the contract's public "Chiarimenti" tab."""

import re

import pytest
from django.urls import reverse

from comunicazioni import services
from comunicazioni.models import ChiarimentoPubblicato

pytestmark = pytest.mark.django_db

DOMANDA = (
    "Buongiorno, sono Laura Bianchi del Comune di Firenze (laura.bianchi@comune.firenze.example).\n"
    "Per l'ipotesi A dobbiamo caricare il piano dei fabbisogni?"
)
RISPOSTA = "Gentile Laura Bianchi, per l'ipotesi A il piano dei fabbisogni NON deve essere caricato."
NOMI_VIETATI = ["Laura", "Bianchi", "Comune di Firenze", "laura.bianchi", "01307110484"]


def _tab_chiarimenti(html):
    inizio = html.index('id="pannello-chiarimenti"')
    fine = html.index('id="pannello-adesioni"')
    return html[inizio:fine]


@pytest.fixture
def conversazione(demo):
    domanda = services.invia_messaggio(
        demo.sct,
        utente=demo.user("aderente"),
        destinatario=f"ente:{demo.firenze.pk}>banditore",
        tipo="chiarimento",
        oggetto="Piano dei fabbisogni in ipotesi A",
        testo=DOMANDA,
    )
    services.rispondi(domanda, utente=demo.user("banditore"), oggetto="Re: Piano dei fabbisogni", testo=RISPOSTA)
    return domanda


def test_proposta_gia_anonimizzata_e_pubblicazione(client, client_as, demo, conversazione):
    c = client_as("banditore")
    dettaglio = c.get(reverse("comunicazioni:messaggio", args=[conversazione.pk])).content.decode()
    assert "Pubblica come chiarimento (in forma anonima)" in dettaglio
    modulo = c.get(reverse("comunicazioni:pubblica", args=[conversazione.pk]))
    assert modulo.status_code == 200
    iniziali = modulo.context["form"].initial
    assert "[omissis]" in iniziali["domanda"] and "[omissis]" in iniziali["risposta"]
    for nome in ["Laura", "Bianchi", "Comune di Firenze", "laura.bianchi@comune.firenze.example"]:
        assert nome.lower() not in (iniziali["domanda"] + iniziali["risposta"]).lower()
    risposta = c.post(reverse("comunicazioni:pubblica", args=[conversazione.pk]), iniziali)
    assert risposta.status_code == 302
    pubblicato = ChiarimentoPubblicato.objects.get(contratto=demo.sct)
    assert pubblicato.conversazione == conversazione

    client.logout()
    pagina = client.get(demo.sct.url)
    assert pagina.status_code == 200
    tab = _tab_chiarimenti(pagina.content.decode())
    assert "NON deve essere caricato" in tab and "piano dei fabbisogni?" in tab
    for nome in NOMI_VIETATI:
        assert not re.search(re.escape(nome), tab, re.IGNORECASE), nome
    assert "Non ci sono chiarimenti pubblicati" not in tab


def test_pubblicazione_con_il_nome_di_chi_chiede_rifiutata(client_as, demo, conversazione):
    prima = ChiarimentoPubblicato.objects.count()
    risposta = client_as("banditore").post(
        reverse("comunicazioni:pubblica", args=[conversazione.pk]),
        {"domanda": "Domanda del Comune di Firenze sul piano", "risposta": "Risposta"},
    )
    assert risposta.status_code == 400
    html = risposta.content.decode()
    assert "Il testo contiene il nome di chi ha posto la domanda o del suo ente (Comune di Firenze)" in html
    assert ChiarimentoPubblicato.objects.count() == prima
    vuota = client_as("banditore").post(
        reverse("comunicazioni:pubblica", args=[conversazione.pk]), {"domanda": "", "risposta": "x"}
    )
    assert vuota.status_code == 400 and "Scrivi la domanda da pubblicare." in vuota.content.decode()
    assert ChiarimentoPubblicato.objects.count() == prima


@pytest.mark.parametrize(("ruolo", "stato"), [("aderente", 403), ("aderente2", 404), ("oe", 404), ("banditore2", 404)])
def test_solo_il_banditore_pubblica(client_as, demo, conversazione, ruolo, stato):
    risposta = client_as(ruolo).post(
        reverse("comunicazioni:pubblica", args=[conversazione.pk]), {"domanda": "Domanda", "risposta": "Risposta"}
    )
    assert risposta.status_code == stato
    assert not ChiarimentoPubblicato.objects.exists()


def test_una_comunicazione_non_si_pubblica(client_as, demo):
    m = services.invia_messaggio(
        demo.sct,
        utente=demo.user("aderente"),
        destinatario=f"ente:{demo.firenze.pk}>banditore",
        tipo="comunicazione",
        oggetto="Non un chiarimento",
        testo="x",
    )
    risposta = client_as("banditore").post(
        reverse("comunicazioni:pubblica", args=[m.pk]), {"domanda": "D", "risposta": "R"}
    )
    assert risposta.status_code == 403
    assert not ChiarimentoPubblicato.objects.exists()


def test_ritiro_della_pubblicazione(client, client_as, demo, conversazione):
    pubblicato = services.pubblica_chiarimento(
        conversazione, utente=demo.user("banditore"), domanda="Domanda anonima?", risposta="Risposta pubblica."
    )
    assert "Domanda anonima?" in _tab_chiarimenti(client.get(demo.sct.url).content.decode())
    negato = client_as("aderente").post(reverse("comunicazioni:ritira", args=[pubblicato.pk]))
    assert negato.status_code == 403 and ChiarimentoPubblicato.objects.filter(pk=pubblicato.pk).exists()
    ok = client_as("banditore").post(reverse("comunicazioni:ritira", args=[pubblicato.pk]))
    assert ok.status_code == 302 and not ChiarimentoPubblicato.objects.filter(pk=pubblicato.pk).exists()
    client.logout()
    assert "Non ci sono chiarimenti pubblicati" in _tab_chiarimenti(client.get(demo.sct.url).content.decode())


def test_tab_invita_a_chiedere_un_chiarimento(client, client_as, demo):
    anonimo = _tab_chiarimenti(client.get(demo.sct.url).content.decode())
    assert "accedi" in anonimo and "/comunicazioni/" not in anonimo
    tab = _tab_chiarimenti(client_as("aderente").get(demo.sct.url).content.decode())
    assert f"/comunicazioni/contratto/{demo.sct.pk}/scrivi/?tipo=chiarimento" in tab


TELEFONI = ["055 1234567", "+39 333 123 4567", "055/2345678", "(055) 2345678", "3331234567", "0039 06 12345678"]
NON_TELEFONI = ["02/10/2026", "350.000.000", "01386030488", "7154112FF8", "72000000-5", "048017", "3.500,00"]


def test_i_numeri_di_telefono_sono_mascherati_nella_proposta(client, client_as, demo):
    testo = "Richiamatemi ai numeri " + ", ".join(TELEFONI) + ". Dati: " + ", ".join(NON_TELEFONI) + "."
    domanda = services.invia_messaggio(
        demo.sct,
        utente=demo.user("aderente"),
        destinatario=f"ente:{demo.firenze.pk}>banditore",
        tipo="chiarimento",
        oggetto="Referente tecnico",
        testo=testo,
    )
    services.rispondi(domanda, utente=demo.user("banditore"), oggetto="Re", testo="Vi chiamiamo al 055 7654321.")
    c = client_as("banditore")
    iniziali = c.get(reverse("comunicazioni:pubblica", args=[domanda.pk])).context["form"].initial
    for numero in TELEFONI:
        assert numero not in iniziali["domanda"], numero
    assert iniziali["domanda"].count("[omissis]") == len(TELEFONI)
    for dato in NON_TELEFONI:  # dates, amounts, codes stay
        assert dato in iniziali["domanda"], dato
    assert iniziali["risposta"] == "Vi chiamiamo al [omissis]."
    assert c.post(reverse("comunicazioni:pubblica", args=[domanda.pk]), iniziali).status_code == 302
    client.logout()
    tab = _tab_chiarimenti(client.get(demo.sct.url).content.decode())
    for numero in [*TELEFONI, "055 7654321"]:
        assert numero.replace("(", "").replace(")", "") not in tab.replace("(", "").replace(")", ""), numero


@pytest.mark.parametrize("numero", TELEFONI)
def test_pubblicazione_con_un_numero_di_telefono_rifiutata(client_as, demo, conversazione, numero):
    prima = ChiarimentoPubblicato.objects.count()
    risposta = client_as("banditore").post(
        reverse("comunicazioni:pubblica", args=[conversazione.pk]),
        {"domanda": "Domanda sul piano", "risposta": f"Per dettagli chiamare il {numero}."},
    )
    assert risposta.status_code == 400
    assert "Il testo contiene un numero di telefono" in risposta.content.decode()
    assert ChiarimentoPubblicato.objects.count() == prima
