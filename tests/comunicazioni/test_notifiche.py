"""One test per automatic notification of the manual: exact recipients in the site and by e-mail,
calling ``notifica`` the way the adesione and ordinativo features do."""

import pytest
from django.db import transaction

from comunicazioni import eventi
from comunicazioni.models import Consegna, Messaggio, Parte
from comunicazioni.services import notifica

from .aiuti import EMAIL, UTENTI_DEMO, collega_firenze, consegnatari, destinatari_email, lettori

pytestmark = pytest.mark.django_db


@pytest.fixture
def tutti(demo):
    collega = collega_firenze(demo)
    return [demo.user(u) for u in UTENTI_DEMO] + [collega]


def _dati(demo, **extra):
    return {"codice": "A000042/2025", "ente": demo.firenze, "contratto": demo.sct.title, "round": 0, **extra}


def _controlla(m, tutti, outbox, attesi):
    assert consegnatari(m) == sorted(attesi)
    assert lettori(m, tutti) == sorted(attesi)
    assert destinatari_email(outbox) == sorted(EMAIL[u] for u in attesi)
    for email in outbox:
        assert m.oggetto in email.subject
        assert f"/comunicazioni/messaggio/{m.pk}/" in email.body
        assert email.alternatives and email.alternatives[0].mimetype == "text/html"
    assert all(c.email_stato == Consegna.StatoEmail.INVIATA and c.email_inviata_il for c in m.consegne.all())


def test_adesione_inviata_all_utente_che_invia_e_al_banditore(demo, tutti, commit, outbox):
    aderente = demo.user("aderente")
    with commit():
        [m] = notifica(
            demo.sct,
            evento=eventi.ADESIONE_INVIATA,
            **eventi.componi(eventi.ADESIONE_INVIATA, **_dati(demo)),
            utenti=[aderente],
            banditore=True,
            riferimento=demo.firenze,
        )
    assert m.automatica and m.mittente_parte == Parte.SISTEMA and m.evento == "adesione_inviata"
    assert m.oggetto == "Adesione A000042/2025 inviata – round 0"
    assert m.riferimento == demo.firenze
    # the user who sent it and the banditore; not the colleague of the same ente, nor the OE
    _controlla(m, tutti, outbox, ["aderente", "banditore"])


@pytest.mark.parametrize("evento", [eventi.ROUND_APPROVATO, eventi.ADESIONE_APPROVATA])
def test_approvazione_round_e_adesione_al_solo_ente_aderente(demo, tutti, commit, outbox, evento):
    with commit():
        [m] = notifica(
            demo.sct,
            evento=evento,
            **eventi.componi(evento, **_dati(demo)),
            enti=[demo.firenze],
            riferimento=demo.firenze,
        )
    # every user of the ente, nobody else (not the banditore who approved, not the OE)
    _controlla(m, tutti, outbox, ["aderente", "collega"])


def test_non_approvazione_round_al_solo_ente_aderente(demo, tutti, commit, outbox):
    with commit():
        [m] = notifica(
            demo.sct,
            evento=eventi.ROUND_NON_APPROVATO,
            **eventi.componi(eventi.ROUND_NON_APPROVATO, **_dati(demo, motivo="Manca la firma digitale.")),
            enti=[demo.firenze],
        )
    assert "Motivo: Manca la firma digitale." in m.testo
    _controlla(m, tutti, outbox, ["aderente", "collega"])
    assert "Manca la firma digitale." in outbox[0].body


def test_ordinativo_inviato_all_utente_e_al_banditore(demo, tutti, commit, outbox):
    with commit():
        [m] = notifica(
            demo.sct,
            evento=eventi.ORDINATIVO_INVIATO,
            **eventi.componi(eventi.ORDINATIVO_INVIATO, **_dati(demo, codice="O000007/2025", cig="B123456789")),
            utenti=[demo.user("aderente")],
            banditore=True,
        )
    _controlla(m, tutti, outbox, ["aderente", "banditore"])


def test_ordinativo_approvato_all_ente_e_comunicazione_automatica_all_oe(demo, tutti, commit, outbox):
    dati = _dati(demo, codice="O000007/2025", cig="B123456789")
    with commit():
        [all_ente] = notifica(
            demo.sct,
            evento=eventi.ORDINATIVO_APPROVATO,
            **eventi.componi(eventi.ORDINATIVO_APPROVATO, **dati),
            enti=[demo.firenze],
        )
        [all_oe] = notifica(
            demo.sct,
            evento=eventi.ORDINATIVO_APPROVATO_OE,
            **eventi.componi(eventi.ORDINATIVO_APPROVATO_OE, **dati),
            operatore=True,
        )
    assert consegnatari(all_ente) == ["aderente", "collega"]
    assert lettori(all_ente, tutti) == ["aderente", "collega"]
    # the OE of this contract only: not the OE of the other contract
    assert consegnatari(all_oe) == ["oe"]
    assert lettori(all_oe, tutti) == ["oe"]
    assert destinatari_email(outbox) == sorted([EMAIL["aderente"], EMAIL["collega"], EMAIL["oe"]])
    assert "Comune di Firenze" in all_oe.testo


def test_ordinativo_rifiutato_al_solo_ente(demo, tutti, commit, outbox):
    with commit():
        [m] = notifica(
            demo.sct,
            evento=eventi.ORDINATIVO_RIFIUTATO,
            **eventi.componi(
                eventi.ORDINATIVO_RIFIUTATO, **_dati(demo, codice="O000007/2025", motivo="Importo errato.")
            ),
            enti=[demo.firenze],
        )
    _controlla(m, tutti, outbox, ["aderente", "collega"])


def test_notifica_in_una_transazione_annullata_non_lascia_nulla(demo, commit, outbox):
    prima = Messaggio.objects.count()
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        notifica(demo.sct, evento=eventi.ADESIONE_INVIATA, oggetto="x", testo="y", banditore=True)
        raise RuntimeError("il servizio chiamante fallisce dopo la notifica")
    assert Messaggio.objects.count() == prima
    assert outbox == []


def test_notifica_senza_e_mail_prima_del_commit(demo, django_capture_on_commit_callbacks, celery_eager, outbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifica(demo.sct, evento=eventi.ADESIONE_INVIATA, oggetto="x", testo="y", banditore=True)
        assert outbox == []
    assert len(callbacks) == 1


def test_notifica_senza_destinatari_rifiutata(demo):
    with pytest.raises(ValueError):
        notifica(demo.sct, evento=eventi.ADESIONE_INVIATA, oggetto="x", testo="y")


def test_componi_richiede_tutti_i_dati():
    with pytest.raises(KeyError, match="motivo"):
        eventi.componi(eventi.ROUND_NON_APPROVATO, codice="A1", contratto="C", round=0)
    assert eventi.campi(eventi.ADESIONE_INVIATA) == ["codice", "contratto", "ente", "round"]
    assert set(eventi.EVENTI) == {
        "adesione_inviata",
        "round_approvato",
        "adesione_approvata",
        "round_non_approvato",
        "ordinativo_inviato",
        "ordinativo_approvato",
        "ordinativo_approvato_oe",
        "ordinativo_rifiutato",
    }
