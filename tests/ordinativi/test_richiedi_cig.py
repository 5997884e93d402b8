""" "Richiedi CIG" of an existing ordinativo: its state and the data of the CIG request, editable only
in bozza (before the first "Conferma appalto" or after ANAC refused it), read-only afterwards; the
corrected data are those that reach ANAC at the next "Conferma appalto" (crea-appalto, or
modifica-appalto when ANAC has the appalto already)."""

from decimal import Decimal

import pytest

from anac.client import ClientPCP
from anac.services import trasmissioni_di
from audit.models import VoceAudit
from contratti.models import Ordinativo
from contratti.ordinativi import services
from tests.utils import contenuto

from .aiuti import (
    DATI_RICHIESTA_CIG_NON_VALIDI,
    RUP_FIRENZE,
    aggiungi_righe,
    buyer_firenze,
    dati_richiesta_cig,
    ordinativo_con_cig,
    ordinativo_senza_cig,
    spid,
    sub,
)

pytestmark = pytest.mark.django_db

CAMPI = services.CAMPI_RICHIESTA_CIG
FORM_MODIFICA = '<button type="submit" class="btn btn-primary">Vai all\'ordine</button>'


def _url(demo, ordinativo):
    return sub(demo.sct, "ordinativo_richiedi_cig", ordinativo.pk)


def _valori(ordinativo):
    ordinativo = Ordinativo.objects.get(pk=ordinativo.pk)
    return {campo: getattr(ordinativo, campo) for campo in (*CAMPI, "modifiche_da_trasmettere", "stato")}


def _tag_input(pagina, campo):
    """The HTML tag of the form field ``campo``."""
    inizio = pagina.index(f'name="{campo}"')
    return pagina[pagina.rindex("<", 0, inizio) : pagina.index(">", inizio) + 1]


def _modifiche(ordinativo):
    return VoceAudit.objects.filter(azione="ordinativo.richiesta_cig_modificata", object_id=str(ordinativo.pk))


def _dati(ordinativo, **extra):
    """The POST of the page: the ordinativo's current data (as the form shows them) plus ``extra``."""
    dati = dati_richiesta_cig(ordinativo.adesione, codice_appalto=ordinativo.codice_appalto, importo_totale="99,99")
    dati.pop("adesione")
    dati.update(extra)
    return dati


def test_in_bozza_si_modifica_e_si_torna_al_passo_1(client, demo):
    ordinativo = ordinativo_senza_cig(client, demo)
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert f'href="{_url(demo, ordinativo)}">Richiedi CIG</a>' in passo1  # second-level menu
    pagina = contenuto(client.get(_url(demo, ordinativo)))
    assert "Richiedi CIG" in pagina and FORM_MODIFICA in pagina and "Stato dell'ordinativo" in pagina
    assert 'name="oggetto"' in pagina and 'name="adesione"' not in pagina  # the adesione is chosen at passo 1

    risposta = client.post(
        _url(demo, ordinativo),
        _dati(
            ordinativo,
            oggetto="Servizi IaaS e PaaS per il Comune di Firenze",
            importo_totale="66,66",
            durata_mesi="24",
            tracciabilita="ogni_membro",
        ),
    )
    assert risposta.status_code == 302 and risposta["Location"] == sub(demo.sct, "ordinativo_passo1", ordinativo.pk)
    valori = _valori(ordinativo)
    assert (valori["oggetto"], valori["importo_totale"], valori["durata_mesi"], valori["tracciabilita"]) == (
        "Servizi IaaS e PaaS per il Comune di Firenze",
        Decimal("66.66"),
        24,
        "ogni_membro",
    )
    assert valori["modifiche_da_trasmettere"] is False  # ANAC has nothing yet: crea-appalto will send them
    voce = _modifiche(ordinativo).get()
    assert voce.utente.username == "aderente"
    assert voce.dati["importo_totale"] == {"da": "99.99", "a": "66.66"} and set(voce.dati) == {
        "oggetto",
        "importo_totale",
        "durata_mesi",
        "tracciabilita",
    }
    # The rule of the totals follows the corrected amount.
    assert "€ 66,66" in contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))


def test_senza_modifiche_nessuna_voce(client, demo):
    ordinativo = ordinativo_senza_cig(client, demo)
    assert client.post(_url(demo, ordinativo), _dati(ordinativo)).status_code == 302
    assert not _modifiche(ordinativo).exists()


@pytest.mark.parametrize(
    ("campo", "valore", "messaggio"),
    [
        *DATI_RICHIESTA_CIG_NON_VALIDI,
        ("codice_istat", "48017", "Il codice ISTAT ha 6 cifre."),
        ("oggetto", "", "obbligatorio"),
    ],
)
def test_dati_non_validi_rifiutati_in_italiano(client, demo, campo, valore, messaggio):
    ordinativo = ordinativo_senza_cig(client, demo)
    prima = _valori(ordinativo)
    risposta = client.post(_url(demo, ordinativo), _dati(ordinativo, **{campo: valore}))
    assert risposta.status_code == 400
    assert messaggio in contenuto(risposta) and "Non è stato possibile salvare" in contenuto(risposta)
    assert _valori(ordinativo) == prima and not _modifiche(ordinativo).exists()


def test_codice_appalto_di_un_altro_ordinativo_rifiutato(client, demo):
    primo = ordinativo_senza_cig(client, demo)
    from .aiuti import crea_ordinativo

    secondo = crea_ordinativo(client, demo, primo.adesione)
    prima = _valori(secondo)
    risposta = client.post(_url(demo, secondo), _dati(secondo, codice_appalto=primo.codice_appalto))
    assert risposta.status_code == 400 and "Questo codice appalto è già usato da un altro ordinativo." in contenuto(
        risposta
    )
    assert _valori(secondo) == prima


def test_chi_vede_e_chi_modifica(client, client_as, demo):
    ordinativo = ordinativo_senza_cig(client, demo)
    prima = _valori(ordinativo)
    modifica = _dati(ordinativo, oggetto="Modifica non autorizzata")
    # The banditore sees the ordinativo (read-only) once it is sent: a draft is the ente's alone.
    for username in ("aderente2", "oe", "oe2", "banditore", "banditore2", "editor"):
        altro = client_as(username)
        assert altro.get(_url(demo, ordinativo)).status_code == 404, username
        assert altro.post(_url(demo, ordinativo), modifica).status_code == 404, username
    client.logout()
    assert client.get(_url(demo, ordinativo)).status_code == 302
    assert _valori(ordinativo) == prima and not _modifiche(ordinativo).exists()
    # A Responsabile/Buyer of the ente (not the RUP) prepares the order: he may correct the data.
    client.force_login(buyer_firenze(demo))
    assert FORM_MODIFICA in contenuto(client.get(_url(demo, ordinativo)))
    assert client.post(_url(demo, ordinativo), modifica).status_code == 302
    assert _valori(ordinativo)["oggetto"] == "Modifica non autorizzata"


def test_durante_la_conferma_in_sola_lettura_e_post_forgiato_rifiutato(client, demo):
    """ "Conferma appalto" requested (its task not run yet): ANAC works on the data, nobody changes them."""
    ordinativo = ordinativo_senza_cig(client, demo)
    spid(client, demo)
    assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    prima = _valori(ordinativo)
    assert prima["stato"] == Ordinativo.Stato.CONFERMA_IN_CORSO
    pagina = contenuto(client.get(_url(demo, ordinativo)))
    assert FORM_MODIFICA not in pagina and services.MSG_RICHIESTA_IN_CONFERMA in pagina
    risposta = client.post(_url(demo, ordinativo), _dati(ordinativo, oggetto="Modifica durante la conferma"))
    assert risposta.status_code == 400 and services.MSG_RICHIESTA_IN_CONFERMA in contenuto(risposta)
    assert _valori(ordinativo) == prima and not _modifiche(ordinativo).exists()


@pytest.mark.integration
@pytest.mark.parametrize(
    "stato",
    [
        Ordinativo.Stato.APPALTO_CONFERMATO,
        Ordinativo.Stato.CIG_ACQUISITO,
        Ordinativo.Stato.INVIATO,
        Ordinativo.Stato.APPROVATO,
        Ordinativo.Stato.RIFIUTATO,
    ],
)
def test_dopo_la_conferma_dell_appalto_in_sola_lettura(client, demo, commit, simulatore_anac, stato):
    if stato == Ordinativo.Stato.APPALTO_CONFERMATO:
        ordinativo = ordinativo_senza_cig(client, demo)
        spid(client, demo)
        with commit():
            client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    else:
        ordinativo = ordinativo_con_cig(client, demo, commit, stato)
    prima = _valori(ordinativo)
    assert prima["stato"] == stato
    pagina = contenuto(client.get(_url(demo, ordinativo)))
    assert FORM_MODIFICA not in pagina and 'name="oggetto"' not in pagina
    assert services.MSG_RICHIESTA_CONFERMATA in pagina and Ordinativo.Stato(stato).label in pagina
    assert ordinativo.codice_appalto in pagina and "€ 99,99" in pagina
    richieste = len(simulatore_anac.richieste())
    risposta = client.post(_url(demo, ordinativo), _dati(ordinativo, oggetto="Modifica dopo la conferma"))
    assert risposta.status_code == 400 and services.MSG_RICHIESTA_CONFERMATA in contenuto(risposta)
    assert _valori(ordinativo) == prima and not _modifiche(ordinativo).exists()
    assert len(simulatore_anac.richieste()) == richieste


@pytest.mark.integration
def test_dati_corretti_prima_della_conferma_sono_quelli_di_crea_appalto(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_senza_cig(client, demo, righe=[("Servizio IaaS", "33,33", "2")])
    assert (
        client.post(
            _url(demo, ordinativo),
            _dati(
                ordinativo,
                oggetto="Servizi IaaS per gli uffici comunali",
                importo_totale="66,66",
                cpv="72500000-0",
                durata_mesi="18",
            ),
        ).status_code
        == 302
    )
    spid(client, demo)
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO, ordinativo.errore_anac
    (inviata,) = simulatore_anac.richieste("crea-appalto")
    lotto = inviata["dati"]["scheda"]["body"]["anacForm"]["aggiudicazioni"][0]
    assert (
        lotto["datiBase"]["oggetto"] == "Servizi IaaS per gli uffici comunali" and lotto["datiBase"]["importo"] == 66.66
    )
    assert lotto["datiBaseCPV"]["cpvPrevalente"]["codice"] == "72500000-0"
    assert lotto["datiBaseContratto"]["durataMesi"] == 18
    registrata = trasmissioni_di(ordinativo).get(servizio="crea-appalto")
    assert registrata.richiesta == inviata["dati"]  # the Log Trasmissioni holds exactly what ANAC received


@pytest.mark.integration
def test_dopo_il_ko_della_conferma_i_dati_corretti_vanno_ad_anac(client, demo, commit, simulatore_anac):
    """ANAC refuses the confirmation (outcome KO): the banner invites to correct the data; the
    corrected data replace ANAC's copy (modifica-appalto) before the new confirmation."""
    simulatore_anac.guasto(
        servizio="conferma-appalto",
        tipo="esito_ko",
        codice="ERR112",
        messaggio="Importo del lotto non coerente con il quadro economico",
    )
    ordinativo = ordinativo_senza_cig(client, demo)
    spid(client, demo)
    with commit():
        client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    ordinativo.refresh_from_db()
    assert (ordinativo.stato, bool(ordinativo.id_appalto)) == (Ordinativo.Stato.BOZZA, True)
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert "ERR112" in passo1 and "puoi correggere i dati e cliccare di nuovo “Conferma appalto”." in passo1
    assert f'<a href="{_url(demo, ordinativo)}">Richiedi CIG</a>' in passo1

    pagina = contenuto(client.get(_url(demo, ordinativo)))
    assert FORM_MODIFICA in pagina and services.MSG_CAMPI_BLOCCATI in pagina
    for campo in ("codice_appalto", "cf_rup"):
        assert " disabled" in _tag_input(pagina, campo), campo
    assert " disabled" not in _tag_input(pagina, "oggetto") and " disabled" not in _tag_input(pagina, "importo_totale")
    codice = ordinativo.codice_appalto
    # The codice appalto and the RUP travel with the appalto: a forged value is ignored.
    risposta = client.post(
        _url(demo, ordinativo),
        _dati(
            ordinativo,
            oggetto="Servizi IaaS (importo corretto)",
            importo_totale="66,66",
            codice_appalto="SCT-FORGIATO-0001",
            cf_rup="RSSMRA80A01D612Y",
        ),
    )
    assert risposta.status_code == 302
    valori = _valori(ordinativo)
    assert (valori["codice_appalto"], valori["cf_rup"], valori["importo_totale"]) == (
        codice,
        RUP_FIRENZE,
        Decimal("66.66"),
    )
    assert valori["modifiche_da_trasmettere"] is True
    # The lines follow the corrected total (rule of the totals), then "Conferma appalto" again.
    client.post(sub(demo.sct, "ordinativo_azione", ordinativo.pk, "elimina-riga"), {"riga": ordinativo.righe.get().pk})
    aggiungi_righe(client, demo, ordinativo, [("Servizio IaaS", "33,33", "2")])
    richieste = len(simulatore_anac.richieste())
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert (ordinativo.stato, ordinativo.modifiche_da_trasmettere) == (Ordinativo.Stato.APPALTO_CONFERMATO, False), (
        ordinativo.errore_anac
    )
    servizi = [r["servizio"] for r in simulatore_anac.richieste()[richieste:]]
    assert servizi[:2] == ["modifica-appalto", "conferma-appalto"] and "crea-appalto" not in servizi
    (modifica,) = simulatore_anac.richieste("modifica-appalto")
    assert modifica["dati"]["idAppalto"] == ordinativo.id_appalto
    lotto = modifica["dati"]["scheda"]["body"]["anacForm"]["aggiudicazioni"][0]["datiBase"]
    assert (lotto["oggetto"], lotto["importo"]) == ("Servizi IaaS (importo corretto)", 66.66)
    # ANAC holds the corrected data, and the Log Trasmissioni shows every step.
    su_anac = ClientPCP(codice_fiscale=RUP_FIRENZE).consulta_appalto(ordinativo.id_appalto)["appalto"]["scheda"]
    assert su_anac["body"]["anacForm"]["aggiudicazioni"][0]["datiBase"]["importo"] == 66.66
    log = contenuto(client.get(sub(demo.sct, "ordinativo_log", ordinativo.pk)))
    assert "Modifica appalto" in log and "ERR112" in log
    assert trasmissioni_di(ordinativo).get(servizio="modifica-appalto").richiesta == modifica["dati"]


@pytest.mark.integration
def test_conferma_senza_risposta_blocca_le_modifiche_fino_al_nuovo_esito(
    client, demo, commit, simulatore_anac, settings
):
    """conferma-appalto without an answer (5xx until the attempts run out): ANAC may be confirming,
    so the data stay as sent; "Conferma appalto" again tells the outcome."""
    settings.SCT_ANAC_BACKOFF = 0
    settings.SCT_ANAC_MAX_TENTATIVI = 2
    ordinativo = ordinativo_senza_cig(client, demo)
    simulatore_anac.guasto(servizio="conferma-appalto", tipo="errore_http", status=503, volte=None)
    spid(client, demo)
    with commit():
        client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    prima = _valori(ordinativo)
    assert prima["stato"] == Ordinativo.Stato.BOZZA
    pagina = contenuto(client.get(_url(demo, ordinativo)))
    assert FORM_MODIFICA not in pagina and services.MSG_CONFERMA_SENZA_RISPOSTA in pagina
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert "puoi cliccare di nuovo “Conferma appalto”." in passo1 and "puoi correggere i dati" not in passo1
    risposta = client.post(_url(demo, ordinativo), _dati(ordinativo, oggetto="Modifica senza esito"))
    assert risposta.status_code == 400 and _valori(ordinativo) == prima
    simulatore_anac.reset()
    with commit():
        client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO, ordinativo.errore_anac
    assert [r["servizio"] for r in simulatore_anac.richieste()][:1] == ["conferma-appalto"]


@pytest.mark.integration
def test_risposta_di_crea_appalto_persa_e_dati_corretti(client, demo, commit, simulatore_anac, settings):
    """crea-appalto processed by ANAC but every answer lost: the codice appalto and the RUP are locked
    (ANAC may have the appalto); the corrected data replace ANAC's copy once the appalto is found again."""
    settings.SCT_ANAC_BACKOFF = 0
    settings.SCT_ANAC_MAX_TENTATIVI = 2
    settings.SCT_ANAC_TIMEOUT = 0.5
    ordinativo = ordinativo_senza_cig(client, demo)
    simulatore_anac.guasto(servizio="crea-appalto", tipo="timeout", ritardo=1.5, volte=1)
    simulatore_anac.guasto(servizio="crea-appalto", tipo="errore_http", status=502, volte=None)
    spid(client, demo)
    with commit():
        client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    ordinativo.refresh_from_db()
    assert (ordinativo.stato, ordinativo.id_appalto) == (Ordinativo.Stato.BOZZA, "") and ordinativo.errore_anac
    pagina = contenuto(client.get(_url(demo, ordinativo)))
    assert FORM_MODIFICA in pagina and services.MSG_CAMPI_BLOCCATI in pagina
    assert (
        client.post(
            _url(demo, ordinativo),
            _dati(ordinativo, oggetto="Oggetto corretto dopo il guasto", codice_appalto="SCT-ALTRO-CODICE-01"),
        ).status_code
        == 302
    )
    ordinativo.refresh_from_db()
    assert (
        ordinativo.oggetto == "Oggetto corretto dopo il guasto" and ordinativo.codice_appalto != "SCT-ALTRO-CODICE-01"
    )
    simulatore_anac.reset()
    with commit():
        client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO, ordinativo.errore_anac
    servizi = [r["servizio"] for r in simulatore_anac.richieste()]
    assert servizi[:4] == ["crea-appalto", "ricerca-appalto", "modifica-appalto", "conferma-appalto"]
    pcp = ClientPCP(codice_fiscale=RUP_FIRENZE)
    assert len(pcp.ricerca_appalto(codice_appalto=ordinativo.codice_appalto)["result"]) == 1  # one appalto on ANAC
    scheda = pcp.consulta_appalto(ordinativo.id_appalto)["appalto"]["scheda"]
    assert scheda["body"]["anacForm"]["aggiudicazioni"][0]["datiBase"]["oggetto"] == "Oggetto corretto dopo il guasto"


@pytest.mark.integration
def test_annullato_anche_nel_modulo_richiedi_cig(client, demo, commit, simulatore_anac):
    """Manual, Scheda ANN: after "Verifica invio" the ordinativo passes from "approvato" to "Annullato"
    also in the Richiedi CIG module."""
    from tests.schede.aiuti import crea_scheda

    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    assert "Approvato" in contenuto(client.get(_url(demo, ordinativo)))
    scheda = crea_scheda(client, demo, ordinativo, "ANN")
    with commit():
        assert client.post(sub(demo.sct, "scheda_invia", ordinativo.pk, scheda.pk)).status_code == 302
    with commit():
        assert client.post(sub(demo.sct, "scheda_verifica", ordinativo.pk, scheda.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.ANNULLATO
    pagina = contenuto(client.get(_url(demo, ordinativo)))
    stato = pagina.split('id="stato-richiedi-cig">', 1)[1].split("<", 1)[0]
    assert stato == "Annullato"
    assert services.MSG_RICHIESTA_ANNULLATA in pagina and FORM_MODIFICA not in pagina
    prima = _valori(ordinativo)
    assert client.post(_url(demo, ordinativo), _dati(ordinativo, oggetto="Dopo l'annullamento")).status_code == 400
    assert _valori(ordinativo) == prima
