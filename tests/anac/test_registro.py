"""The anac app knows its callers only through ``anac.registro`` (explicit operation kinds), and
the idempotency keys through ``anac.chiavi``: the keys the owners build are byte-identical to the
ones stored so far."""

import logging
from types import SimpleNamespace

import pytest

from anac import registro, tasks
from anac.chiavi import ChiaveOperazione
from anac.models import OperazioneANAC
from anac.tasks import avvia_operazione
from contratti.ordinativi import anac as anac_ordinativi
from contratti.schede import anac as anac_schede


def test_chiave_scritta_e_letta():
    chiave = ChiaveOperazione("ordinativo", 42, "esito-conferma", (1, 2))
    assert str(chiave) == "ordinativo:42:esito-conferma:1:2"
    assert ChiaveOperazione.leggi(str(chiave)) == chiave
    assert ChiaveOperazione.leggi("scheda:7:cancella-scheda") == ChiaveOperazione("scheda", 7, "cancella-scheda")
    assert ChiaveOperazione.prefisso("ordinativo", 42) == "ordinativo:42:"
    assert ChiaveOperazione.prefisso("ordinativo", 42, "crea-appalto") == "ordinativo:42:crea-appalto:"
    for sbagliata in ("ordinativo", "ordinativo:x:crea-appalto", "ordinativo:1:crea-appalto:y"):
        with pytest.raises(ValueError, match="non valida"):
            ChiaveOperazione.leggi(sbagliata)


@pytest.mark.parametrize(
    ("passo", "attesa"),
    [
        ("crea-appalto", "ordinativo:42:crea-appalto:3"),
        ("modifica-appalto", "ordinativo:42:modifica-appalto:3"),
        ("conferma-appalto", "ordinativo:42:conferma-appalto:3"),
        ("esito-conferma", "ordinativo:42:esito-conferma:3:2"),
        ("recupera-cig", "ordinativo:42:recupera-cig:5"),
    ],
)
def test_chiavi_dell_ordinativo_come_quelle_salvate(passo, attesa):
    ordinativo = SimpleNamespace(pk=42, tentativo_conferma=3, attesa_esito=2, tentativo_cig=5)
    assert anac_ordinativi.chiave(ordinativo, passo) == attesa
    assert anac_ordinativi.leggi_chiave(attesa).passo == passo
    assert attesa.startswith(anac_ordinativi.prefisso_chiavi(ordinativo))


@pytest.mark.parametrize(
    ("passo", "attesa"),
    [
        ("crea-scheda", "scheda:7:crea-scheda:2"),
        ("conferma-scheda", "scheda:7:conferma-scheda:2"),
        ("esito-operazione", "scheda:7:esito-operazione:4"),
        ("cancella-scheda", "scheda:7:cancella-scheda"),
    ],
)
def test_chiavi_della_scheda_come_quelle_salvate(passo, attesa):
    scheda = SimpleNamespace(pk=7, tentativo_invio=2, tentativo_verifica=4)
    assert anac_schede.chiave(scheda, passo) == attesa
    assert anac_schede.leggi_chiave(attesa).passo == passo


def test_chiave_di_un_altro_proprietario_rifiutata():
    with pytest.raises(ValueError):
        anac_ordinativi.leggi_chiave("scheda:7:crea-scheda:2")
    with pytest.raises(KeyError):
        anac_schede.chiave(SimpleNamespace(pk=1), "crea-appalto")


def test_contratti_registra_i_suoi_tipi():
    assert {"contratti.ordinativo", "contratti.scheda"} <= set(registro.tipi_registrati())
    # The same handler again is harmless (ready() may run twice in tests); another one is refused.
    registro.registra("contratti.ordinativo", anac_ordinativi.operazione_completata)
    with pytest.raises(ValueError, match="hanno già un gestore"):
        registro.registra("contratti.ordinativo", anac_schede.operazione_completata)


@pytest.mark.django_db
def test_gestore_registrato_chiamato_alla_fine(demo, monkeypatch):
    chiamate = []
    monkeypatch.setitem(registro._gestori, "organizzazioni.ente", lambda oggetto, op: chiamate.append((oggetto, op.pk)))
    operazione = avvia_operazione(demo.firenze, "crea-appalto", {}, chiave="prova:1:crea-appalto", codice_fiscale="X")
    tasks._concludi(operazione.pk, OperazioneANAC.Stato.OK, risultato={"idAppalto": "a"})
    assert chiamate == [(demo.firenze, operazione.pk)]


@pytest.mark.django_db
def test_tipo_sconosciuto_errore_esplicito(demo, caplog):
    """Nobody registered for the kind: the outcome is recorded and an error is logged (no silent skip)."""
    assert "organizzazioni.ente" not in registro.tipi_registrati()
    operazione = avvia_operazione(demo.firenze, "crea-appalto", {}, chiave="prova:2:crea-appalto", codice_fiscale="X")
    with caplog.at_level(logging.ERROR, logger="anac.tasks"):
        tasks._concludi(operazione.pk, OperazioneANAC.Stato.OK, risultato={"idAppalto": "a"})
    operazione.refresh_from_db()
    assert operazione.stato == OperazioneANAC.Stato.OK
    assert "registrato senza gestore" in caplog.text and "organizzazioni.ente" in caplog.text
