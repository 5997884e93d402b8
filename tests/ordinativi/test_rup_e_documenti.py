"""Richiedi CIG names as RUP one of the ente's people with the RUP incarico (a choice, not a free
codice fiscale: a forged POST gets 400 and nothing is saved; an ente without a RUP is told who must
give the role); "Conferma appalto" is refused until the atto di adesione is uploaded; the texts of
passo 1 appear only while they apply."""

import html

import pytest
from django.test import Client

from anac.models import OperazioneANAC
from contratti.models import Ordinativo
from contratti.ordinativi.services import MSG_CONFERMA_SENZA_DOCUMENTI, MSG_NESSUN_RUP
from contratti.ordinativi.views import AIUTO_CIG, BANNER_CONFERMA, NOTA_BANNER_CONFERMA
from organizzazioni.models import Incarico
from organizzazioni.services import revoca_incarico
from tests.utils import contenuto

from .aiuti import (
    CF_BUYER,
    CF_SECONDO_RUP,
    MSG_RUP_NON_IN_ELENCO,
    RUP_FIRENZE,
    adesione_approvata,
    buyer_firenze,
    carica_atto,
    crea_ordinativo,
    dati_richiesta_cig,
    ordinativo_con_cig,
    ordinativo_senza_cig,
    secondo_rup_firenze,
    spid,
    sub,
)

pytestmark = pytest.mark.django_db

CF_BANDITORE = "RSSMRA80A01D612Y"
CF_RUP_PRATO = "NREPLA82M50G999L"


def _opzione(cf, nome, selezionata=False):
    return f'<option value="{cf}"{" selected" if selezionata else ""}>{nome} ({cf})</option>'


def _richiedi_cig_esistente(ordinativo, **modifiche):
    dati = {
        campo: getattr(ordinativo, campo) for campo in dati_richiesta_cig(ordinativo.adesione) if campo != "adesione"
    }
    dati.update(
        importo_totale=str(ordinativo.importo_totale).replace(".", ","),
        data_adesione=ordinativo.data_adesione.isoformat(),
    )
    dati.update(modifiche)
    return dati


def test_rup_scelto_tra_le_persone_dell_ente_con_l_incarico(client_as, demo):
    secondo_rup_firenze(demo)
    buyer_firenze(demo)
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    pagina = contenuto(client.get(sub(demo.sct, "ordinativo_nuovo")))
    # The RUPs of Firenze only, the user (a RUP) preselected; Bootstrap Italia's select.
    assert _opzione(RUP_FIRENZE, "Laura Bianchi", selezionata=True) in pagina
    assert _opzione(CF_SECONDO_RUP, "Luigi Verdi") in pagina
    for cf in (CF_BUYER, CF_BANDITORE, CF_RUP_PRATO):
        assert cf not in pagina
    assert '<select name="cf_rup" class="form-select"' in pagina

    # Forged POSTs: a Responsabile/Buyer, the banditore, the RUP of another ente, rubbish → 400, nothing saved.
    for cf in (CF_BUYER, CF_BANDITORE, CF_RUP_PRATO, "XXXXXX"):
        risposta = client.post(sub(demo.sct, "ordinativo_nuovo"), dati_richiesta_cig(adesione, cf_rup=cf))
        assert risposta.status_code == 400 and MSG_RUP_NON_IN_ELENCO in html.unescape(contenuto(risposta)), cf
    assert not Ordinativo.objects.exists()

    ordinativo = crea_ordinativo(client, demo, adesione, cf_rup=CF_SECONDO_RUP)
    assert ordinativo.cf_rup == CF_SECONDO_RUP

    # The existing ordinativo: the RUP changes among the ente's RUPs only.
    url = sub(demo.sct, "ordinativo_richiedi_cig", ordinativo.pk)
    assert _opzione(CF_SECONDO_RUP, "Luigi Verdi", selezionata=True) in contenuto(client.get(url))
    for cf in (CF_BUYER, CF_RUP_PRATO):
        risposta = client.post(url, _richiedi_cig_esistente(ordinativo, cf_rup=cf))
        assert risposta.status_code == 400 and MSG_RUP_NON_IN_ELENCO in html.unescape(contenuto(risposta)), cf
        ordinativo.refresh_from_db()
        assert ordinativo.cf_rup == CF_SECONDO_RUP
    assert client.post(url, _richiedi_cig_esistente(ordinativo, cf_rup=RUP_FIRENZE)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.cf_rup == RUP_FIRENZE


def test_ente_senza_rup_messaggio_chiaro(client_as, demo):
    adesione = adesione_approvata(demo)
    client = client_as("aderente")
    ordinativo = crea_ordinativo(client, demo, adesione)
    # Laura Bianchi is no longer RUP (still Responsabile/Buyer, so she can still order).
    revoca_incarico(Incarico.objects.get(user=demo.user("aderente"), ente=demo.firenze, ruolo=Incarico.Ruolo.RUP))
    messaggio = MSG_NESSUN_RUP.format(ente=demo.firenze)
    assert "redattori della Regione Toscana" in messaggio and "incarico “RUP”" in messaggio

    pagina = contenuto(client.get(sub(demo.sct, "ordinativo_nuovo")))
    assert messaggio in html.unescape(pagina) and RUP_FIRENZE not in pagina
    risposta = client.post(sub(demo.sct, "ordinativo_nuovo"), dati_richiesta_cig(adesione))
    assert risposta.status_code == 400 and messaggio in html.unescape(contenuto(risposta))
    risposta = client.post(sub(demo.sct, "ordinativo_nuovo"), dati_richiesta_cig(adesione, cf_rup=""))
    assert risposta.status_code == 400 and messaggio in html.unescape(contenuto(risposta))
    assert Ordinativo.objects.count() == 1

    url = sub(demo.sct, "ordinativo_richiedi_cig", ordinativo.pk)
    assert messaggio in html.unescape(contenuto(client.get(url)))
    risposta = client.post(url, _richiedi_cig_esistente(ordinativo, oggetto="Nuovo oggetto"))
    assert risposta.status_code == 400 and messaggio in html.unescape(contenuto(risposta))
    ordinativo.refresh_from_db()
    assert ordinativo.oggetto != "Nuovo oggetto"


@pytest.mark.integration
def test_conferma_appalto_solo_con_l_atto_di_adesione(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_senza_cig(client, demo, atto=False)
    spid(client, demo)
    richieste = len(simulatore_anac.richieste())
    with commit():
        risposta = client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk))
    atteso = MSG_CONFERMA_SENZA_DOCUMENTI.format(elenco=f"“{demo.sct.richieste_ordinativo()[0].etichetta}”")
    assert risposta.status_code == 400 and atteso in html.unescape(contenuto(risposta))
    ordinativo.refresh_from_db()
    assert (ordinativo.stato, ordinativo.tentativo_conferma) == (Ordinativo.Stato.BOZZA, 0)
    assert not OperazioneANAC.objects.filter(chiave__startswith=f"ordinativo:{ordinativo.pk}:").exists()
    assert len(simulatore_anac.richieste()) == richieste

    carica_atto(client, demo, ordinativo)
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.APPALTO_CONFERMATO, ordinativo.errore_anac


def test_aiuto_conferma_appalto_e_banner_solo_quando_servono(client, demo):
    ordinativo = ordinativo_senza_cig(client, demo)
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert AIUTO_CIG in passo1 and 'aria-describedby="cig-derivato-aiuto"' in passo1
    # Passo 1's forms: Bootstrap Italia's select, the row form aligned (labels on one line, button under an empty label).
    assert '<select name="adesione" class="form-select"' in passo1
    assert 'class="row g-2 align-items-start mb-2 sct-riga-campi" id="form-riga"' in passo1
    banditore = Client()
    banditore.force_login(demo.user("banditore"))
    assert AIUTO_CIG not in contenuto(banditore.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))

    # "Conferma appalto" on its way (the worker has not run): the manual's banner, then the button's name.
    spid(client, demo)
    assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    passo1 = contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert BANNER_CONFERMA in passo1 and NOTA_BANNER_CONFERMA in passo1 and "“Acquisisci CIG”" in NOTA_BANNER_CONFERMA
    assert AIUTO_CIG not in passo1 and "cig-derivato-aiuto" not in passo1


@pytest.mark.integration
def test_aiuto_conferma_appalto_non_dopo_il_cig(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    assert AIUTO_CIG not in contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    oe = Client()
    oe.force_login(demo.user("oe"))
    pagina = oe.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk))
    assert pagina.status_code == 200 and AIUTO_CIG not in contenuto(pagina)
