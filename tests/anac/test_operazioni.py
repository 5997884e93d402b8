"""``avvia_operazione`` / ``esegui_operazione`` run in this process (Celery's ``apply``: same
code, retries executed at once) against the simulator: idempotency, retries, reconciliation of
answers lost in a timeout, the end-of-operation signal. ``test_worker.py`` runs them in a real
worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anac.models import EsitoANAC, OperazioneANAC, Trasmissione
from anac.services import chiama, payload_ann
from anac.tasks import avvia_operazione, esegui_operazione
from tests.anac.helpers import RUP_FIRENZE, ad4

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def ente(demo):
    return demo.firenze


@pytest.fixture
def veloce(settings):
    settings.SCT_ANAC_BACKOFF = 0
    settings.SCT_ANAC_MAX_TENTATIVI = 3


def _avvia(ente, servizio, *args, chiave, **kwargs):
    return avvia_operazione(ente, servizio, *args, chiave=chiave, codice_fiscale=RUP_FIRENZE, **kwargs)


def _esegui(operazione):
    esegui_operazione.apply(args=[str(operazione.pk)])
    operazione.refresh_from_db()
    return operazione


def _trasmissioni(operazione):
    return list(operazione.trasmissioni.order_by("pk").values_list("servizio", "esito", "codice_errore", "tentativo"))


def test_una_sola_chiamata_per_chiave(simulatore_anac, ente):
    payload = ad4()
    prima = _avvia(ente, "crea-appalto", payload, chiave="ordinativo:1:crea-appalto")
    seconda = _avvia(ente, "crea-appalto", payload, chiave="ordinativo:1:crea-appalto")
    assert prima.pk == seconda.pk and OperazioneANAC.objects.count() == 1
    assert (prima.stato, prima.codice_fiscale, prima.oggetto) == ("in_coda", RUP_FIRENZE, ente)

    _esegui(prima)
    assert (prima.stato, prima.esito, prima.tentativi) == ("ok", EsitoANAC.OK, 1)
    assert prima.risultato["idAppalto"] and prima.completata_il is not None
    assert esegui_operazione.apply(args=[str(prima.pk)]).get() == {"eseguita": False}
    assert len(simulatore_anac.richieste("crea-appalto")) == 1
    assert _trasmissioni(prima) == [("crea-appalto", "OK", "", 1)]


def test_operazione_gia_in_esecuzione_non_parte_due_volte(simulatore_anac, ente):
    operazione = _avvia(ente, "crea-appalto", ad4(), chiave="ordinativo:2:crea-appalto")
    OperazioneANAC.objects.filter(pk=operazione.pk).update(
        stato="in_corso", in_esecuzione_fino=timezone.now() + timedelta(minutes=1)
    )
    assert esegui_operazione.apply(args=[str(operazione.pk)]).get() == {"eseguita": False}
    assert simulatore_anac.richieste("crea-appalto") == []


def test_errori_transitori_ritentati(simulatore_anac, ente, veloce):
    simulatore_anac.guasto(servizio="crea-appalto", tipo="errore_http", status=503, volte=2)
    operazione = _esegui(_avvia(ente, "crea-appalto", ad4(), chiave="ordinativo:3:crea-appalto"))
    assert (operazione.stato, operazione.tentativi) == ("ok", 3)
    assert _trasmissioni(operazione) == [
        ("crea-appalto", "ERRORE", "HTTP_503", 1),
        ("crea-appalto", "ERRORE", "HTTP_503", 2),
        ("crea-appalto", "OK", "", 3),
    ]


def test_tentativi_esauriti(simulatore_anac, ente, veloce):
    simulatore_anac.guasto(servizio="crea-appalto", tipo="errore_http", status=502, volte=None)
    operazione = _esegui(_avvia(ente, "crea-appalto", ad4(), chiave="ordinativo:4:crea-appalto"))
    assert (operazione.stato, operazione.esito, operazione.tentativi, operazione.codice_errore) == (
        "errore",
        EsitoANAC.ERRORE,
        3,
        "HTTP_502",
    )
    assert "Tentativi esauriti (3)" in operazione.messaggio
    assert len(_trasmissioni(operazione)) == 3


def test_rifiuto_non_ritentato(simulatore_anac, ente, veloce):
    operazione = _esegui(_avvia(ente, "crea-appalto", ad4(cig_accordo_quadro="1234567ABC"), chiave="o:5:crea"))
    assert (operazione.stato, operazione.esito, operazione.tentativi, operazione.codice_errore) == (
        "ko",
        EsitoANAC.KO,
        1,
        "ERR98",
    )
    assert "accordo quadro" in operazione.messaggio
    assert operazione.risultato["errori"][0]["codice"] == "ERR98"


def test_crea_appalto_dopo_risposta_persa(simulatore_anac, ente, veloce, settings):
    """The first answer is lost in a timeout but ANAC created the appalto: the retry meets ERR38
    and finds the appalto instead of failing (and no second appalto exists)."""
    settings.SCT_ANAC_TIMEOUT = 0.5
    simulatore_anac.guasto(servizio="crea-appalto", tipo="timeout", ritardo=1.5)
    payload = ad4()
    operazione = _esegui(_avvia(ente, "crea-appalto", payload, chiave="ordinativo:6:crea-appalto"))
    assert operazione.stato == "ok" and operazione.risultato["recuperata"] is True
    codice = payload["scheda"]["body"]["anacForm"]["appalto"]["codiceAppalto"]
    trovati = chiama("ricerca-appalto", oggetto=ente, codice_fiscale=RUP_FIRENZE, codice_appalto=codice)["result"]
    assert [a["idAppalto"] for a in trovati] == [operazione.risultato["idAppalto"]]
    assert _trasmissioni(operazione) == [
        ("crea-appalto", "ERRORE", "TIMEOUT", 1),
        ("crea-appalto", "KO", "ERR38", 2),
        ("ricerca-appalto", "OK", "", 2),
    ]


def test_conferma_dopo_risposta_persa(simulatore_anac, ente, veloce, settings):
    id_appalto = chiama("crea-appalto", ad4(), oggetto=ente, codice_fiscale=RUP_FIRENZE)["idAppalto"]
    settings.SCT_ANAC_TIMEOUT = 0.5
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="timeout", ritardo=1.5)
    operazione = _esegui(_avvia(ente, "conferma-appalto", id_appalto, chiave="ordinativo:7:conferma-appalto"))
    assert (operazione.stato, operazione.risultato["recuperata"]) == ("ok", True)
    assert [t[:3] for t in _trasmissioni(operazione)] == [
        ("conferma-appalto", "ERRORE", "TIMEOUT"),
        ("conferma-appalto", "KO", "ERR18"),
    ]


def test_scheda_dopo_risposta_persa(simulatore_anac, ente, veloce, settings):
    simulatore_anac.config(wt_polls=0)
    id_appalto = chiama("crea-appalto", ad4(), oggetto=ente, codice_fiscale=RUP_FIRENZE)["idAppalto"]
    chiama("conferma-appalto", id_appalto, oggetto=ente, codice_fiscale=RUP_FIRENZE)
    cig = chiama("recupera-cig", id_appalto, oggetto=ente, codice_fiscale=RUP_FIRENZE)["result"][0]["cig"]
    settings.SCT_ANAC_TIMEOUT = 0.5
    simulatore_anac.guasto(servizio="crea-scheda", tipo="timeout", ritardo=1.5)
    operazione = _esegui(_avvia(ente, "crea-scheda", payload_ann(id_appalto=id_appalto, cig=cig), chiave="s:1:crea"))
    assert (operazione.stato, operazione.risultato["recuperata"]) == ("ok", True)
    bozze = chiama("ricerca-scheda", oggetto=ente, codice_fiscale=RUP_FIRENZE, id_appalto=id_appalto)["result"]
    assert [s["_idScheda"] for s in bozze] == [operazione.risultato["idScheda"]]  # one ANN, not two


def test_esito_operazione_con_attese(simulatore_anac, ente, veloce):
    id_appalto = chiama("crea-appalto", ad4(), oggetto=ente, codice_fiscale=RUP_FIRENZE)["idAppalto"]
    chiama("conferma-appalto", id_appalto, oggetto=ente, codice_fiscale=RUP_FIRENZE)
    subito = _esegui(_avvia(ente, "esito-operazione", id_appalto, "AP_CONF", chiave="o:8:esito:1"))
    assert (subito.stato, subito.esito) == ("ok", EsitoANAC.WT)  # no waiting asked: WT is the answer
    paziente = _esegui(_avvia(ente, "esito-operazione", id_appalto, "AP_CONF", chiave="o:8:esito:2", max_attese=2))
    assert (paziente.stato, paziente.esito, paziente.attese) == ("ok", EsitoANAC.OK, 0)


def test_esito_ko(simulatore_anac, ente, veloce):
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="esito_ko", codice="ERR98")
    id_appalto = chiama("crea-appalto", ad4(), oggetto=ente, codice_fiscale=RUP_FIRENZE)["idAppalto"]
    chiama("conferma-appalto", id_appalto, oggetto=ente, codice_fiscale=RUP_FIRENZE)
    operazione = _esegui(_avvia(ente, "esito-operazione", id_appalto, "AP_CONF", chiave="o:9:esito", max_attese=3))
    assert (operazione.stato, operazione.esito, operazione.codice_errore, operazione.attese) == (
        "ko",
        EsitoANAC.KO,
        "ERR98",
        1,
    )
    assert Trasmissione.objects.filter(operazione=operazione).count() == 2  # WT, then KO


def test_servizio_sconosciuto(ente):
    with pytest.raises(ValueError, match="sconosciuto"):
        avvia_operazione(ente, "crea-tutto", chiave="x")
