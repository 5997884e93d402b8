"""Inbox, unread counts, the Area riservata block and the contract page include."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from wagtail import hooks

from comunicazioni import permessi, services

from .aiuti import aderenti_demo

pytestmark = pytest.mark.django_db


def _notifiche(demo, n, **destinatari):
    return [
        services.notifica(demo.sct, evento="prova", oggetto=f"Notifica {i}", testo="x", **destinatari)[0]
        for i in range(n)
    ]


def test_blocco_area_riservata_con_non_lette(client_as, demo):
    _notifiche(demo, 3, enti=[demo.firenze])
    html = client_as("aderente").get(reverse("area_riservata")).content.decode()
    assert 'id="titolo-comunicazioni"' in html
    assert "3 non lette" in html
    assert f"/comunicazioni/contratto/{demo.sct.pk}/" in html
    altro = client_as("aderente2").get(reverse("area_riservata")).content.decode()
    assert "Non hai ancora messaggi." in altro and "non lette" not in altro


def test_filtro_non_lette_e_conteggi_per_contratto(client_as, demo):
    letta, *_ = _notifiche(demo, 2, enti=[demo.firenze])
    c = client_as("aderente")
    c.get(reverse("comunicazioni:messaggio", args=[letta.pk]))
    assert services.riepilogo_per_contratto(demo.user("aderente")) == [(demo.sct, 1, 2)]
    html = c.get(reverse("comunicazioni:inbox"), {"stato": "non_lette"}).content.decode()
    assert "Notifica 1" in html and "Notifica 0" not in html
    assert "Hai <strong>1</strong> messaggio non letto." in html
    tutte = c.get(reverse("comunicazioni:inbox"), {"contratto": str(demo.sct.pk)}).content.decode()
    assert "Notifica 0" in tutte and "Notifica 1" in tutte
    # a contract the user has no message in is ignored, not an error
    assert c.get(reverse("comunicazioni:inbox"), {"contratto": str(demo.secondo.pk)}).status_code == 200
    assert c.get(reverse("comunicazioni:inbox"), {"contratto": "abc", "page": "999"}).status_code == 200


def test_include_per_la_pagina_del_contratto(demo):
    _notifiche(demo, 2, enti=[demo.firenze])
    richiesta = RequestFactory().get("/")
    richiesta.user = demo.user("aderente")
    html = render_to_string("comunicazioni/includes/contratto.html", {"page": demo.sct, "request": richiesta})
    assert f'href="/comunicazioni/contratto/{demo.sct.pk}/"' in html and "2 non lette" in html
    assert f"/comunicazioni/contratto/{demo.sct.pk}/scrivi/" in html
    for utente in (demo.user("oe2"), demo.user("editor"), AnonymousUser()):
        richiesta.user = utente
        html = render_to_string("comunicazioni/includes/contratto.html", {"page": demo.sct, "request": richiesta})
        assert "/comunicazioni/" not in html


def test_enti_aderenti_dal_hook(demo):
    with aderenti_demo(demo):
        assert set(permessi.enti_aderenti(demo.sct)) == {demo.firenze, demo.prato}
    services.invia_messaggio(
        demo.sct,
        utente=demo.user("aderente"),
        destinatario=f"ente:{demo.firenze.pk}>banditore",
        tipo="chiarimento",
        oggetto="Domanda prima di aderire",
        testo="?",
    )
    with hooks.register_temporarily("sct_enti_aderenti", lambda contratto: [demo.prato]):
        # "tutti gli enti aderenti" are those the hook lists; one by one, also who already wrote
        assert list(permessi.enti_aderenti(demo.sct)) == [demo.prato]
        assert list(permessi.enti_destinatari(demo.sct)) == [demo.firenze, demo.prato]


def test_banditore_dell_ente_non_e_aderente_del_proprio_contratto(demo):
    # banditore2 works for the Regione, the banditore of SCT, but is not abilitato on it
    assert permessi.ruoli(demo.user("banditore2"), demo.sct) == []
    assert [r.parte for r in permessi.ruoli(demo.user("banditore"), demo.sct)] == ["banditore"]
    # unless the adesione feature lists the Regione among the aderenti
    with hooks.register_temporarily("sct_enti_aderenti", lambda contratto: [demo.regione]):
        assert [r.chiave for r in permessi.ruoli(demo.user("banditore2"), demo.sct)] == [f"ente:{demo.regione.pk}"]


def test_risposta_del_banditore_con_parole_comuni_pubblicabile(demo):
    domanda = services.invia_messaggio(
        demo.sct,
        utente=demo.user("aderente"),
        destinatario=f"ente:{demo.firenze.pk}>banditore",
        tipo="chiarimento",
        oggetto="Domanda",
        testo="Come si aderisce?",
    )
    pubblicato = services.pubblica_chiarimento(
        domanda,
        utente=demo.user("banditore"),
        domanda="Come si aderisce?",
        risposta="L'ente aderente invia la manifestazione di interesse dal tab elenco adesioni.",
    )
    assert pubblicato.pk


def test_enti_aderenti_sono_quelli_con_un_adesione_inviata(demo):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from contratti.models import Adesione

    def adesione(ente, numero, inviata):
        return Adesione.objects.create(
            contratto=demo.sct,
            ente=ente,
            anno=2099,
            numero=numero,
            codice=Adesione.formatta_codice(numero, 2099),
            ipotesi="A",
            importo=Decimal("1000.00"),
            scadenza=datetime.date(2026, 10, 2),
            inviata_il=timezone.now() if inviata else None,
        )

    adesione(demo.prato, 990001, inviata=True)
    adesione(demo.firenze, 990002, inviata=False)  # a draft never sent does not make an aderente
    assert list(permessi.enti_aderenti(demo.sct)) == [demo.prato]
    assert list(permessi.enti_aderenti(demo.secondo)) == []
    scelte = [v for _, opzioni in services.scelte_destinatario(demo.user("banditore"), demo.sct) for v, _ in opzioni]
    assert scelte == ["banditore>aderenti", f"banditore>ente:{demo.prato.pk}", "banditore>operatore"]
