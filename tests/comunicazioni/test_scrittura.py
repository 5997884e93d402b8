"""Writing, replying, reading: the flows of the manual and the bad input that must store nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comunicazioni import services
from comunicazioni.models import Messaggio, Parte
from tests.factories import crea_contratto

from .aiuti import EMAIL, aderenti_demo, consegnatari, destinatari_email

pytestmark = pytest.mark.django_db


def _scrivi(client, contratto, **dati):
    valori = {"tipo": "comunicazione", "oggetto": "Oggetto", "testo": "Testo"}
    valori.update(dati)
    return client.post(reverse("comunicazioni:scrivi", args=[contratto.pk]), valori)


def test_aderente_chiede_un_chiarimento_al_banditore(client_as, demo, commit, outbox):
    c = client_as("aderente")
    pagina = c.get(reverse("comunicazioni:scrivi", args=[demo.sct.pk]))
    html = pagina.content.decode()
    assert "CdC_Banditore" in html and "Chiarimento" in html and 'name="tipo"' in html
    with commit():
        risposta = _scrivi(
            c,
            demo.sct,
            destinatario=f"ente:{demo.firenze.pk}>banditore",
            tipo="chiarimento",
            oggetto="Data di scadenza dell'adesione",
            testo="Possiamo indicare una scadenza diversa?",
        )
    m = Messaggio.objects.get(oggetto="Data di scadenza dell'adesione")
    assert risposta.status_code == 302 and risposta["Location"] == reverse("comunicazioni:messaggio", args=[m.pk])
    assert (m.tipo, m.mittente_parte, m.mittente_ente, m.mittente_utente.username) == (
        "chiarimento",
        Parte.ENTE,
        demo.firenze,
        "aderente",
    )
    assert m.dest_banditore and not m.dest_operatore and not m.dest_enti.exists()
    assert consegnatari(m) == ["banditore"]
    assert destinatari_email(outbox) == [EMAIL["banditore"]]
    assert "Possiamo indicare una scadenza diversa?" in outbox[0].body
    assert "Comune di Firenze" in outbox[0].body


def test_banditore_scrive_a_tutti_gli_aderenti(client_as, demo, commit, outbox):
    with aderenti_demo(demo), commit():
        risposta = _scrivi(
            client_as("banditore"), demo.sct, destinatario="banditore>aderenti", oggetto="Avviso a tutti"
        )
    assert risposta.status_code == 302
    m = Messaggio.objects.get(oggetto="Avviso a tutti")
    assert m.dest_tutti_aderenti and set(m.dest_enti.all()) == {demo.firenze, demo.prato}
    assert consegnatari(m) == ["aderente", "aderente2"]
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["aderente2"]])


def test_oe_scrive_a_un_solo_aderente(client_as, demo, commit, outbox):
    with aderenti_demo(demo), commit():
        risposta = _scrivi(
            client_as("oe"), demo.sct, destinatario=f"operatore>ente:{demo.prato.pk}", oggetto="Solo Prato"
        )
    assert risposta.status_code == 302
    m = Messaggio.objects.get(oggetto="Solo Prato")
    assert consegnatari(m) == ["aderente2"]
    assert destinatari_email(outbox) == [EMAIL["aderente2"]]
    assert client_as("aderente").get(reverse("comunicazioni:messaggio", args=[m.pk])).status_code == 404


def test_risposta_nella_conversazione(client_as, demo, commit, outbox):
    domanda = services.invia_messaggio(
        demo.sct,
        utente=demo.user("aderente"),
        destinatario=f"ente:{demo.firenze.pk}>banditore",
        tipo="chiarimento",
        oggetto="Quesito",
        testo="Domanda?",
    )
    c = client_as("banditore")
    modulo = c.get(reverse("comunicazioni:rispondi", args=[domanda.pk]))
    assert modulo.status_code == 200 and 'value="Re: Quesito"' in modulo.content.decode()
    with commit():
        risposta = c.post(
            reverse("comunicazioni:rispondi", args=[domanda.pk]), {"oggetto": "Re: Quesito", "testo": "Risposta."}
        )
    r = Messaggio.objects.get(risposta_a=domanda)
    assert risposta.status_code == 302
    assert (r.thread, r.tipo, r.mittente_parte) == (domanda, "chiarimento", Parte.BANDITORE)
    assert list(r.dest_enti.all()) == [demo.firenze]
    assert destinatari_email(outbox) == [EMAIL["aderente"]]
    # the thread shows both messages to the asker
    html = client_as("aderente").get(reverse("comunicazioni:messaggio", args=[r.pk])).content.decode()
    assert "Domanda?" in html and "Risposta." in html
    # the asker answers back: still the same thread, to the banditore
    r2 = services.rispondi(r, utente=demo.user("aderente"), oggetto="Re: Quesito", testo="Grazie.")
    assert r2.thread == domanda and r2.dest_banditore and r2.mittente_ente == demo.firenze


def test_risposta_a_una_comunicazione_a_tutti_resta_privata(demo):
    with aderenti_demo(demo):
        avviso = services.invia_messaggio(
            demo.sct,
            utente=demo.user("banditore"),
            destinatario="banditore>aderenti",
            tipo="comunicazione",
            oggetto="Avviso",
            testo="A tutti",
        )
    risposta = services.rispondi(
        avviso, utente=demo.user("aderente"), oggetto="Re: Avviso", testo="Risposta di Firenze"
    )
    assert risposta.dest_banditore and not risposta.dest_enti.exists()
    from comunicazioni.permessi import puo_leggere

    assert puo_leggere(demo.user("banditore"), risposta)
    assert not puo_leggere(demo.user("aderente2"), risposta)
    assert [m.pk for m in services.conversazione(demo.user("aderente2"), avviso)] == [avviso.pk]


def test_nessuna_risposta_a_una_notifica_automatica(client_as, demo):
    [m] = services.notifica(demo.sct, evento="prova", oggetto="Automatica", testo="x", enti=[demo.firenze])
    c = client_as("aderente")
    assert "Rispondi" not in c.get(reverse("comunicazioni:messaggio", args=[m.pk])).content.decode()
    prima = Messaggio.objects.count()
    assert c.post(reverse("comunicazioni:rispondi", args=[m.pk]), {"oggetto": "Re", "testo": "x"}).status_code == 403
    assert Messaggio.objects.count() == prima


def test_apertura_segna_letto_e_il_mittente_vede_quando_e_da_chi(client_as, demo, commit, outbox):
    with commit():
        m = services.invia_messaggio(
            demo.sct,
            utente=demo.user("aderente"),
            destinatario=f"ente:{demo.firenze.pk}>banditore",
            tipo="comunicazione",
            oggetto="Da leggere",
            testo="Testo",
        )
    consegna = m.consegne.get()
    assert consegna.letto_il is None and consegna.consegnato_il is not None
    assert services.non_lette(demo.user("banditore")).count() == 1
    c = client_as("banditore")
    assert "Non letta" in c.get(reverse("comunicazioni:inbox")).content.decode()
    c.get(reverse("comunicazioni:messaggio", args=[m.pk]))
    consegna.refresh_from_db()
    assert consegna.letto_il is not None
    assert services.non_lette(demo.user("banditore")).count() == 0
    # the sender sees the delivery table; the recipient does not
    html_mittente = client_as("aderente").get(reverse("comunicazioni:messaggio", args=[m.pk])).content.decode()
    assert "Consegne e letture" in html_mittente and "Marco Rossi" in html_mittente
    assert consegna.letto_il.astimezone().strftime("%d/%m/%Y") in html_mittente
    assert "Inviata il" in html_mittente
    html_dest = client_as("banditore").get(reverse("comunicazioni:messaggio", args=[m.pk])).content.decode()
    assert "Consegne e letture" not in html_dest


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("dati", "errore"),
    [
        ({"oggetto": "   "}, "Indica l&#x27;oggetto del messaggio."),
        ({"testo": ""}, "Scrivi il testo del messaggio."),
        (
            {"testo": "x" * (1024 * 1024)},
            "Il testo può contenere al massimo 20.000 caratteri (ne hai inseriti 1.048.576).",
        ),
        ({"oggetto": "o" * 201}, "L&#x27;oggetto può contenere al massimo 200 caratteri"),
        ({"tipo": "circolare"}, "Scegli il tipo di messaggio: Comunicazione o Chiarimento."),
        ({"destinatario": ""}, "Destinatario non valido: scegli uno dei destinatari proposti."),
    ],
)
def test_dati_non_validi_messaggio_chiaro_e_nulla_salvato(client_as, demo, commit, outbox, dati, errore):
    prima = Messaggio.objects.count()
    valori = {"destinatario": f"ente:{demo.firenze.pk}>banditore", **dati}
    with commit():
        risposta = _scrivi(client_as("aderente"), demo.sct, **valori)
    assert risposta.status_code == 400
    assert errore in risposta.content.decode()
    assert Messaggio.objects.count() == prima
    assert outbox == []


@pytest.mark.parametrize(
    "destinatario",
    [
        "ente:{prato}>banditore",  # writes as another ente
        "ente:{firenze}>ente:{prato}",  # an aderente writes to another aderente
        "banditore>aderenti",  # pretends to be the banditore
        "operatore>banditore",  # pretends to be the OE
        "ente:{firenze}>ente:999999",  # an ente that does not exist
        "ente:{firenze}>banditore2",  # nonsense
    ],
)
def test_destinatario_contraffatto_rifiutato(client_as, demo, commit, outbox, destinatario):
    prima = Messaggio.objects.count()
    valore = destinatario.format(prato=demo.prato.pk, firenze=demo.firenze.pk)
    with commit():
        risposta = _scrivi(client_as("aderente"), demo.sct, destinatario=valore)
    assert risposta.status_code == 400
    assert "Destinatario non valido: scegli uno dei destinatari proposti." in risposta.content.decode()
    assert Messaggio.objects.count() == prima
    assert outbox == []
    with pytest.raises(ValidationError):
        services.invia_messaggio(
            demo.sct, utente=demo.user("aderente"), destinatario=valore, tipo="comunicazione", oggetto="o", testo="t"
        )


def test_solo_un_ente_chiede_chiarimenti(client_as, demo):
    prima = Messaggio.objects.count()
    risposta = _scrivi(client_as("banditore"), demo.sct, destinatario="banditore>operatore", tipo="chiarimento")
    assert risposta.status_code == 400
    assert "Solo un ente aderente può inviare una richiesta di chiarimento." in risposta.content.decode()
    assert Messaggio.objects.count() == prima


def test_nessuno_scrive_in_un_contratto_non_pubblicato(client_as, demo, commit, outbox):
    bozza = crea_contratto()
    bozza.unpublish()
    bozza.refresh_from_db()
    assert not bozza.live
    prima = Messaggio.objects.count()
    for utente, destinatario in (("aderente", f"ente:{demo.firenze.pk}>banditore"), ("oe", "operatore>banditore")):
        c = client_as(utente)
        assert c.get(reverse("comunicazioni:scrivi", args=[bozza.pk])).status_code == 403
        with commit():
            risposta = _scrivi(c, bozza, destinatario=destinatario)
        assert risposta.status_code == 403
        assert "Il modulo comunicazioni è attivo solo nei contratti pubblicati." in risposta.content.decode()
    with pytest.raises(PermissionDenied):
        services.invia_messaggio(
            bozza,
            utente=demo.user("aderente"),
            destinatario=f"ente:{demo.firenze.pk}>banditore",
            tipo="comunicazione",
            oggetto="o",
            testo="t",
        )
    assert Messaggio.objects.count() == prima
    assert outbox == []


def test_contratto_ritirato_blocca_anche_le_risposte(client_as, demo):
    contratto = crea_contratto()
    m = services.invia_messaggio(
        contratto,
        utente=demo.user("aderente"),
        destinatario=f"ente:{demo.firenze.pk}>operatore",
        tipo="comunicazione",
        oggetto="Prima del ritiro",
        testo="t",
    )
    contratto.unpublish()
    prima = Messaggio.objects.count()
    risposta = client_as("oe").post(reverse("comunicazioni:rispondi", args=[m.pk]), {"oggetto": "Re", "testo": "t"})
    assert risposta.status_code == 403
    assert Messaggio.objects.count() == prima
    m.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.rispondi(m, utente=demo.user("oe"), oggetto="Re", testo="t")
