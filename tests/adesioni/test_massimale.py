"""The massimale of the contract: the public page shows it, the approved total and the residual (from
``services.massimale``); the banditore deciding an adesione that would exceed it sees a warning."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from contratti.adesioni import services
from contratti.models import Adesione
from sct_site.templatetags.sct_tags import euro
from tests.utils import contenuto

from .conftest import upload
from .helpers import task_state

pytestmark = pytest.mark.django_db

AVVISO = "supera il residuo del massimale del contratto"


def _crea(demo, ente, utente, importo):
    return services.crea_bozza(
        contratto=demo.sct,
        ente=ente,
        utente=utente,
        ipotesi="A",
        importo=Decimal(importo),
        scadenza=demo.sct.scadenza_adesioni_suggerita,
        files={"manifestazione-interesse": upload(da=utente)},
    )


def _inviata(demo, ente, username, importo):
    adesione = _crea(demo, ente, demo.user(username), importo)
    return services.invia(adesione, utente=demo.user(username))


def _approvata(demo, ente, username, importo):
    adesione = _crea(demo, ente, demo.user(username), importo)
    while adesione.stato != Adesione.Stato.APPROVATA:
        services.invia(adesione, utente=demo.user(username))
        adesione = services.approva_round(adesione, utente=demo.user("banditore"), task_state=task_state(adesione))
    return adesione


def _riquadro(html):
    """The massimale box of the Informazioni generali tab: {label: amount}."""
    blocco = html.split('id="massimale"', 1)[1].split("</dl>", 1)[0]
    coppie = re.findall(r"<dt[^>]*>(.*?)</dt><dd[^>]*>(.*?)</dd>", blocco)
    return dict(coppie)


def test_pagina_pubblica_mostra_massimale_approvato_e_residuo_a_tutti(client, client_as, demo):
    attesi = {
        "Importo del contratto (massimale)": "€ 150.000.000,00",
        "Importo delle adesioni approvate": "€ 0,00",
        "Residuo del massimale": "€ 150.000.000,00",
    }
    assert _riquadro(contenuto(client.get(demo.sct.url))) == attesi

    _approvata(demo, demo.firenze, "aderente", "12345.67")
    _approvata(demo, demo.prato, "aderente2", "1000000.00")
    # Not counted: an adesione waiting for the banditore, one eliminated after a non-approval.
    _inviata(demo, demo.firenze, "aderente", "7000000.00")
    rifiutata = _inviata(demo, demo.prato, "aderente2", "9000000.00")
    rifiutata = services.rifiuta_round(
        rifiutata, utente=demo.user("banditore"), task_state=task_state(rifiutata), motivo="Da rifare"
    )
    services.elimina_bozza(rifiutata, utente=demo.user("aderente2"))

    stato = services.massimale(demo.sct)
    assert (stato["approvato"], stato["residuo"]) == (Decimal("1012345.67"), Decimal("148987654.33"))
    attesi = {
        "Importo del contratto (massimale)": euro(stato["massimale"]),
        "Importo delle adesioni approvate": "€ 1.012.345,67",
        "Residuo del massimale": "€ 148.987.654,33",
    }
    client.logout()
    assert _riquadro(contenuto(client.get(demo.sct.url))) == attesi, "anonimo"
    for ruolo in ("aderente", "aderente2", "oe", "banditore", "banditore2", "editor"):
        assert _riquadro(contenuto(client_as(ruolo).get(demo.sct.url))) == attesi, ruolo


def test_avviso_di_superamento_nel_riepilogo_admin_del_banditore(client_as, demo):
    _approvata(demo, demo.firenze, "aderente", "100000000.00")  # residuo: 50.000.000,00
    oltre = _inviata(demo, demo.firenze, "aderente", "60000000.00")
    al_limite = _inviata(demo, demo.prato, "aderente2", "50000000.00")
    banditore = client_as("banditore")

    def riepilogo(adesione):
        risposta = banditore.get(reverse("wagtailsnippets_contratti_adesione:edit", args=(adesione.pk,)))
        assert risposta.status_code == 200
        return contenuto(risposta)

    html = riepilogo(oltre)
    assert (
        "Massimale del contratto € 150.000.000,00; adesioni approvate € 100.000.000,00; residuo € 50.000.000,00."
        in html
    )
    assert f"l'importo di adesione (€ 60.000.000,00) {AVVISO} (€ 50.000.000,00)" in html
    html = riepilogo(al_limite)
    assert "residuo € 50.000.000,00." in html and AVVISO not in html
    # The one at the limit approved (both rounds): nothing is left, the other one is still over it;
    # an approved adesione is in the total and gets no warning.
    while al_limite.stato != Adesione.Stato.APPROVATA:
        if al_limite.stato != Adesione.Stato.IN_VALUTAZIONE:
            al_limite = services.invia(al_limite, utente=demo.user("aderente2"))
        al_limite = services.approva_round(al_limite, utente=demo.user("banditore"), task_state=task_state(al_limite))
    html = riepilogo(oltre)
    assert "residuo € 0,00." in html and f"{AVVISO} (€ 0,00)" in html
    assert AVVISO not in riepilogo(al_limite)
