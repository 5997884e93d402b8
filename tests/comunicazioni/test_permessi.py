"""Who reads and who writes, for every role, through the HTTP views."""

import pytest
from django.urls import reverse

from comunicazioni import services
from comunicazioni.models import Messaggio

from .aiuti import aderenti_demo

pytestmark = pytest.mark.django_db

RUOLI = ["anonimo", "aderente", "aderente2", "oe", "oe2", "banditore", "banditore2", "editor"]


@pytest.fixture
def messaggi(demo):
    """m1: Firenze → banditore (chiarimento); m2: Prato → OE; m3: banditore → all aderenti; m4: banditore → OE."""
    sct = demo.sct
    f, p = demo.firenze.pk, demo.prato.pk
    with aderenti_demo(demo):
        m1 = services.invia_messaggio(
            sct,
            utente=demo.user("aderente"),
            destinatario=f"ente:{f}>banditore",
            tipo="chiarimento",
            oggetto="M1 domanda di Firenze",
            testo="Testo M1",
        )
        m2 = services.invia_messaggio(
            sct,
            utente=demo.user("aderente2"),
            destinatario=f"ente:{p}>operatore",
            tipo="comunicazione",
            oggetto="M2 Prato verso OE",
            testo="Testo M2",
        )
        m3 = services.invia_messaggio(
            sct,
            utente=demo.user("banditore"),
            destinatario="banditore>aderenti",
            tipo="comunicazione",
            oggetto="M3 a tutti gli aderenti",
            testo="Testo M3",
        )
        m4 = services.invia_messaggio(
            sct,
            utente=demo.user("banditore"),
            destinatario="banditore>operatore",
            tipo="comunicazione",
            oggetto="M4 banditore verso OE",
            testo="Testo M4",
        )
    return {"m1": m1, "m2": m2, "m3": m3, "m4": m4}


def _client(client, demo, ruolo):
    if ruolo != "anonimo":
        client.force_login(demo.user(ruolo))
    return client


LEGGE = {
    "aderente": {"m1", "m3"},
    "aderente2": {"m2", "m3"},
    "oe": {"m2", "m4"},
    "oe2": set(),
    "banditore": {"m1", "m3", "m4"},
    "banditore2": set(),
    "editor": set(),
}


@pytest.mark.parametrize("ruolo", RUOLI)
def test_lettura_dei_messaggi_per_ruolo(client, demo, messaggi, ruolo):
    c = _client(client, demo, ruolo)
    for nome, m in messaggi.items():
        risposta = c.get(reverse("comunicazioni:messaggio", args=[m.pk]))
        if ruolo == "anonimo":
            assert risposta.status_code == 302 and "/account/accedi/" in risposta["Location"]
        elif nome in LEGGE[ruolo]:
            assert risposta.status_code == 200, (ruolo, nome)
            assert m.testo in risposta.content.decode()
        else:
            assert risposta.status_code == 404, (ruolo, nome)


@pytest.mark.parametrize("ruolo", RUOLI)
def test_inbox_mostra_solo_i_messaggi_leggibili(client, demo, messaggi, ruolo):
    risposta = _client(client, demo, ruolo).get(reverse("comunicazioni:inbox"))
    if ruolo == "anonimo":
        assert risposta.status_code == 302
        return
    assert risposta.status_code == 200
    html = risposta.content.decode()
    for nome, m in messaggi.items():
        assert (m.oggetto in html) == (nome in LEGGE[ruolo]), (ruolo, nome)


SCRIVE = {"aderente", "aderente2", "oe", "banditore"}


@pytest.mark.parametrize("ruolo", RUOLI)
def test_modulo_del_contratto_e_scrittura_per_ruolo(client, demo, messaggi, ruolo):
    c = _client(client, demo, ruolo)
    sct = demo.sct
    pagina = c.get(reverse("comunicazioni:contratto", args=[sct.pk]))
    scrivi = c.get(reverse("comunicazioni:scrivi", args=[sct.pk]))
    if ruolo == "anonimo":
        assert pagina.status_code == scrivi.status_code == 302
    elif ruolo in SCRIVE:
        assert pagina.status_code == 200 and scrivi.status_code == 200
        html = pagina.content.decode()
        assert all((m.oggetto in html) == (n in LEGGE[ruolo]) for n, m in messaggi.items())
    else:
        assert pagina.status_code == 403 and scrivi.status_code == 403
        prima = Messaggio.objects.count()
        post = c.post(
            reverse("comunicazioni:scrivi", args=[sct.pk]),
            {"destinatario": "banditore>operatore", "oggetto": "intruso", "testo": "x", "tipo": "comunicazione"},
        )
        assert post.status_code == 403
        assert Messaggio.objects.count() == prima


def test_scelte_dei_destinatari_per_ruolo(demo):
    sct = demo.sct
    f, p = demo.firenze.pk, demo.prato.pk
    with aderenti_demo(demo):
        valori = {
            u: [v for _, opzioni in services.scelte_destinatario(demo.user(u), sct) for v, _ in opzioni]
            for u in ["aderente", "oe", "banditore", "oe2", "banditore2", "editor"]
        }
    assert valori["aderente"] == [f"ente:{f}>banditore", f"ente:{f}>operatore"]
    assert valori["banditore"] == [
        "banditore>aderenti",
        f"banditore>ente:{f}",
        f"banditore>ente:{p}",
        "banditore>operatore",
    ]
    assert valori["oe"] == ["operatore>aderenti", f"operatore>ente:{f}", f"operatore>ente:{p}", "operatore>banditore"]
    assert valori["oe2"] == valori["banditore2"] == valori["editor"] == []


def test_aderente_non_risponde_ai_messaggi_di_un_altro_ente(client, demo, messaggi):
    c = _client(client, demo, "aderente")
    prima = Messaggio.objects.count()
    risposta = c.post(
        reverse("comunicazioni:rispondi", args=[messaggi["m2"].pk]), {"oggetto": "Re", "testo": "intrusione"}
    )
    assert risposta.status_code == 404
    assert Messaggio.objects.count() == prima


def test_oe_di_un_altro_contratto_non_vede_nulla(client, demo, messaggi):
    c = _client(client, demo, "oe2")
    html = c.get(reverse("comunicazioni:inbox")).content.decode()
    assert "Nessun messaggio." in html
    assert c.get(reverse("comunicazioni:contratto", args=[demo.sct.pk])).status_code == 403
