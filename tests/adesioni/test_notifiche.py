"""The adesione's automatic notifications, from the real flow: exact recipients in the site and by e-mail."""

import pytest

from comunicazioni.models import Messaggio
from tests.comunicazioni.aiuti import EMAIL, collega_firenze, consegnatari, destinatari_email

from .conftest import dpa
from .helpers import azione_admin, crea_via_web, sub

pytestmark = pytest.mark.django_db


def _ultimo(evento):
    return Messaggio.objects.filter(evento=evento).latest("pk")


def _invia(client_as, demo, dati_passo1, commit):
    client = client_as("aderente")
    adesione = crea_via_web(client, demo.sct, dati_passo1())
    with commit():
        client.post(sub(demo.sct, "adesione_invia", adesione.pk))
    return adesione


def test_invio_notifica_utente_che_invia_e_banditore(client_as, demo, dati_passo1, commit, outbox):
    collega_firenze(demo)
    adesione = _invia(client_as, demo, dati_passo1, commit)
    m = _ultimo("adesione_inviata")
    assert m.riferimento == adesione and m.contratto_id == demo.sct.pk
    assert consegnatari(m) == ["aderente", "banditore"]
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["banditore"]])
    assert adesione.codice in outbox[0].subject


def test_approvazione_round_e_iter_solo_all_ente(client_as, demo, dati_ipotesi_b, commit, outbox):
    collega_firenze(demo)
    adesione = _invia(client_as, demo, dati_ipotesi_b, commit)
    outbox.clear()
    with commit():
        azione_admin(client_as("banditore"), adesione, "approve")
    m = _ultimo("round_approvato")
    assert consegnatari(m) == ["aderente", "collega"]
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["collega"]])
    aderente = client_as("aderente")
    aderente.post(sub(demo.sct, "adesione_documenti", adesione.pk), dpa())
    with commit():
        aderente.post(sub(demo.sct, "adesione_invia", adesione.pk))
    outbox.clear()
    with commit():
        azione_admin(client_as("banditore"), adesione, "approve")
    m = _ultimo("adesione_approvata")
    assert consegnatari(m) == ["aderente", "collega"]
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["collega"]])


def test_non_approvazione_solo_all_ente_con_il_motivo(client_as, demo, dati_passo1, commit, outbox):
    adesione = _invia(client_as, demo, dati_passo1, commit)
    outbox.clear()
    with commit():
        azione_admin(client_as("banditore"), adesione, "reject", comment="Manca la firma del Responsabile")
    m = _ultimo("round_non_approvato")
    assert consegnatari(m) == ["aderente"]
    assert "Manca la firma del Responsabile" in m.testo
    assert destinatari_email(outbox) == [EMAIL["aderente"]]
