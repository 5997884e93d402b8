"""Table of allowed and refused schede in every ordinativo and scheda state, through the pages
(HTTP), including the requests the pages would never make (forged POSTs): each row prepares an
ordinativo (its CIG issued by the ANAC simulator, its state reached through the ordinativo's
services), puts the schede the row needs in the database, does one request and checks the answer
and that a refused request changed nothing, neither here nor on ANAC.

The existing schede of a row are written directly in the database: the row is about our server's
rules, and for the refused rows the simulator is never called (asserted)."""

import datetime
from dataclasses import dataclass, field

import pytest

from contratti.models import Ordinativo, Scheda
from contratti.schede import permessi
from contratti.schede import services as s
from tests.utils import contenuto

from .aiuti import DATI_SC1, ordinativo_con_cig, ordinativo_senza_cig, spid, sub

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ANN, SC1 = "ANN", "SC1"
BOZZA, IN_CORSO, INVIATA, CONFERMATA = "bozza", "invio_in_corso", "inviata", "confermata"


@dataclass
class Caso:
    id: str
    stato: str  # of the ordinativo: senza_cig, cig_acquisito, inviato, rifiutato, approvato, annullato
    azione: str  # vedi, crea, invia, verifica, modifica, elimina
    tipo: str = ANN  # the scheda created, or the existing one the action is about
    esistenti: tuple = ()  # ((tipo, stato), …)
    post: dict = field(default_factory=dict)  # extra or forged fields
    utente: str = "rup"  # rup (SPID), aderente2, oe, banditore
    atteso: int = 302
    messaggio: str = ""


CASI = [
    # "Crea nuova scheda" → "salva e procedi"
    Caso("ann_su_approvato", "approvato", "crea"),
    Caso("ann_su_cig_acquisito", "cig_acquisito", "crea"),
    Caso("ann_su_rifiutato", "rifiutato", "crea"),
    Caso("ann_con_sc1_in_bozza", "approvato", "crea", esistenti=((SC1, BOZZA),)),
    Caso("sc1_su_approvato", "approvato", "crea", SC1),
    Caso("sc1_con_ann_in_bozza", "approvato", "crea", SC1, esistenti=((ANN, BOZZA),)),
    Caso("ann_senza_cig", "senza_cig", "crea", atteso=400, messaggio=s.MSG_SENZA_CIG),
    Caso("ann_in_attesa_del_nulla_osta", "inviato", "crea", atteso=400, messaggio=s.MSG_ANN_IN_APPROVAZIONE),
    Caso("sc1_prima_dell_approvazione", "cig_acquisito", "crea", SC1, atteso=400, messaggio=s.MSG_SC1_STATO),
    Caso(
        "seconda_ann",
        "approvato",
        "crea",
        esistenti=((ANN, BOZZA),),
        atteso=400,
        messaggio="Esiste già una scheda “Annullamento procedura – ANN”",
    ),
    Caso(
        "seconda_sc1",
        "approvato",
        "crea",
        SC1,
        esistenti=((SC1, CONFERMATA),),
        atteso=400,
        messaggio="Esiste già una scheda “Sottoscrizione del contratto – SC1”",
    ),
    Caso(
        "ann_dopo_sc1_in_invio",
        "approvato",
        "crea",
        esistenti=((SC1, IN_CORSO),),
        atteso=400,
        messaggio=s.MSG_ANN_DOPO_ESECUZIONE,
    ),
    Caso(
        "ann_dopo_sc1_inviata",
        "approvato",
        "crea",
        esistenti=((SC1, INVIATA),),
        atteso=400,
        messaggio=s.MSG_ANN_DOPO_ESECUZIONE,
    ),
    Caso(
        "ann_dopo_sc1_confermata",
        "approvato",
        "crea",
        esistenti=((SC1, CONFERMATA),),
        atteso=400,
        messaggio=s.MSG_ANN_DOPO_ESECUZIONE,
    ),
    Caso(
        "sc1_dopo_ann_inviata",
        "approvato",
        "crea",
        SC1,
        esistenti=((ANN, INVIATA),),
        atteso=400,
        messaggio=s.MSG_DOPO_ANN,
    ),
    Caso(
        "sc1_su_annullato",
        "annullato",
        "crea",
        SC1,
        esistenti=((ANN, CONFERMATA),),
        atteso=400,
        messaggio=s.MSG_DOPO_ANN,
    ),
    Caso("ann_su_annullato", "annullato", "crea", atteso=400, messaggio=s.MSG_DOPO_ANN),
    Caso(
        "ann_cig_cambiato",
        "approvato",
        "crea",
        post={"cig": "Z123456789"},
        atteso=400,
        messaggio="Il CIG non è modificabile",
    ),
    Caso(
        "ann_due_cig",
        "approvato",
        "crea",
        post={"cig": ["<cig>", "Z123456789"]},
        atteso=400,
        messaggio="Ogni scheda riguarda un solo CIG",
    ),
    Caso("ann_motivo_cambiato", "approvato", "crea", post={"motivo": "2"}, atteso=400, messaggio=s.MSG_MOTIVO_FISSO),
    Caso(
        "sc1_cig_cambiato",
        "approvato",
        "crea",
        SC1,
        post={"cig": "Z123456789"},
        atteso=400,
        messaggio="Il CIG non è modificabile",
    ),
    Caso(
        "sc1_scadenza_prima_della_decorrenza",
        "approvato",
        "crea",
        SC1,
        post={"data_scadenza": "2026-01-01"},
        atteso=400,
        messaggio=s.MSG_DATE_SC1,
    ),
    Caso("tipo_sconosciuto", "approvato", "crea", "CO9", atteso=404),
    # "invia scheda"
    Caso("invia_ann", "approvato", "invia", esistenti=((ANN, BOZZA),)),
    Caso("invia_ann_su_cig_acquisito", "cig_acquisito", "invia", esistenti=((ANN, BOZZA),)),
    Caso("invia_sc1", "approvato", "invia", SC1, esistenti=((SC1, BOZZA),)),
    Caso("invia_sc1_con_ann_in_bozza", "approvato", "invia", SC1, esistenti=((SC1, BOZZA), (ANN, BOZZA))),
    Caso(
        "invia_ann_dopo_sc1_in_invio",
        "approvato",
        "invia",
        esistenti=((ANN, BOZZA), (SC1, IN_CORSO)),
        atteso=400,
        messaggio=s.MSG_ANN_DOPO_ESECUZIONE,
    ),
    Caso(
        "invia_ann_dopo_sc1_confermata",
        "approvato",
        "invia",
        esistenti=((ANN, BOZZA), (SC1, CONFERMATA)),
        atteso=400,
        messaggio=s.MSG_ANN_DOPO_ESECUZIONE,
    ),
    Caso(
        "invia_sc1_dopo_ann_inviata",
        "approvato",
        "invia",
        SC1,
        esistenti=((SC1, BOZZA), (ANN, INVIATA)),
        atteso=400,
        messaggio=s.MSG_DOPO_ANN,
    ),
    Caso(
        "invia_sc1_su_annullato",
        "annullato",
        "invia",
        SC1,
        esistenti=((SC1, BOZZA), (ANN, CONFERMATA)),
        atteso=400,
        messaggio=s.MSG_DOPO_ANN,
    ),
    Caso(
        "invia_ann_in_attesa_del_nulla_osta",
        "inviato",
        "invia",
        esistenti=((ANN, BOZZA),),
        atteso=400,
        messaggio=s.MSG_ANN_IN_APPROVAZIONE,
    ),
    Caso("invia_di_nuovo", "approvato", "invia", esistenti=((ANN, INVIATA),), atteso=400, messaggio=s.MSG_GIA_INVIATA),
    Caso(
        "invia_confermata",
        "annullato",
        "invia",
        esistenti=((ANN, CONFERMATA),),
        atteso=400,
        messaggio=s.MSG_GIA_INVIATA,
    ),
    # "Verifica invio"
    Caso("verifica_bozza", "approvato", "verifica", esistenti=((ANN, BOZZA),), atteso=400, messaggio=s.MSG_NON_INVIATA),
    Caso(
        "verifica_confermata",
        "annullato",
        "verifica",
        esistenti=((ANN, CONFERMATA),),
        atteso=400,
        messaggio=s.MSG_GIA_CONFERMATA,
    ),
    # "salva e procedi" on an existing scheda
    Caso(
        "modifica_sc1_in_bozza",
        "approvato",
        "modifica",
        SC1,
        esistenti=((SC1, BOZZA),),
        post={"data_scadenza": "2028-01-31"},
    ),
    Caso(
        "modifica_ann_cig_cambiato",
        "approvato",
        "modifica",
        esistenti=((ANN, BOZZA),),
        post={"cig": "Z123456789"},
        atteso=400,
        messaggio="Il CIG non è modificabile",
    ),
    Caso(
        "modifica_ann_motivo_cambiato",
        "approvato",
        "modifica",
        esistenti=((ANN, BOZZA),),
        post={"motivo": "3"},
        atteso=400,
        messaggio=s.MSG_MOTIVO_FISSO,
    ),
    Caso(
        "modifica_sc1_inviata",
        "approvato",
        "modifica",
        SC1,
        esistenti=((SC1, INVIATA),),
        atteso=400,
        messaggio=s.MSG_GIA_INVIATA,
    ),
    # "elimina"
    Caso("elimina_bozza", "approvato", "elimina", esistenti=((ANN, BOZZA),)),
    Caso(
        "elimina_inviata", "approvato", "elimina", esistenti=((ANN, INVIATA),), atteso=400, messaggio=s.MSG_GIA_INVIATA
    ),
    # who
    Caso("ente_vede", "approvato", "vedi", esistenti=((ANN, BOZZA),), atteso=200),
    Caso(
        "banditore_vede_in_sola_lettura", "approvato", "vedi", esistenti=((ANN, BOZZA),), utente="banditore", atteso=200
    ),
    Caso("banditore_non_crea", "approvato", "crea", utente="banditore", atteso=403, messaggio=permessi.MSG_SOLO_ENTE),
    Caso(
        "banditore_non_invia",
        "approvato",
        "invia",
        esistenti=((ANN, BOZZA),),
        utente="banditore",
        atteso=403,
        messaggio=permessi.MSG_SOLO_RUP,
    ),
    Caso(
        "banditore_non_elimina",
        "approvato",
        "elimina",
        esistenti=((ANN, BOZZA),),
        utente="banditore",
        atteso=403,
        messaggio=permessi.MSG_SOLO_ENTE,
    ),
    Caso("altro_ente_non_vede", "approvato", "vedi", esistenti=((ANN, BOZZA),), utente="aderente2", atteso=404),
    Caso("altro_ente_non_crea", "approvato", "crea", utente="aderente2", atteso=404),
    Caso("altro_ente_non_invia", "approvato", "invia", esistenti=((ANN, BOZZA),), utente="aderente2", atteso=404),
    Caso("oe_non_vede", "approvato", "vedi", esistenti=((ANN, BOZZA),), utente="oe", atteso=404),
]

STATO_BASE = {"annullato": Ordinativo.Stato.APPROVATO}


def _prepara(client, demo, commit, caso):
    if caso.stato == "senza_cig":
        ordinativo = ordinativo_senza_cig(client, demo)
    else:
        ordinativo = ordinativo_con_cig(client, demo, commit, STATO_BASE.get(caso.stato, caso.stato))
    for tipo, stato in caso.esistenti:
        Scheda.objects.create(
            ordinativo=ordinativo,
            tipo=tipo,
            cig=ordinativo.cig_derivato,
            motivo="1" if tipo == ANN else "",
            stato=stato,
            id_scheda="" if stato == BOZZA else f"id-{tipo}",
            creata_da=demo.user("aderente"),
            **(
                {
                    "data_stipula": datetime.date(2026, 10, 5),
                    "data_decorrenza": datetime.date(2026, 10, 5),
                    "data_scadenza": datetime.date(2027, 10, 4),
                }
                if tipo == SC1
                else {}
            ),
        )
    if caso.stato == "annullato":
        Ordinativo.objects.filter(pk=ordinativo.pk).update(stato=Ordinativo.Stato.ANNULLATO)
    ordinativo.refresh_from_db()
    if caso.utente != "rup":
        client.force_login(demo.user(caso.utente))
    elif caso.stato == "senza_cig":
        spid(client, demo)
    return ordinativo


def _fotografia(ordinativo):
    ordinativo.refresh_from_db()
    schede = list(
        Scheda.objects.filter(ordinativo=ordinativo)
        .order_by("pk")
        .values_list(
            "pk",
            "tipo",
            "stato",
            "cig",
            "motivo",
            "data_scadenza",
            "id_scheda",
            "tentativo_invio",
            "tentativo_verifica",
        )
    )
    return ordinativo.stato, ordinativo.annullato_il, schede


def _esegui(client, demo, ordinativo, caso):
    url = sub
    esistente = Scheda.objects.filter(ordinativo=ordinativo, tipo=caso.tipo).exclude(stato="eliminata").first()
    if caso.azione == "vedi":
        return client.get(url(demo.sct, "schede_elenco", ordinativo.pk))
    campi = {"cig": ordinativo.cig_derivato, **({"motivo": "1"} if caso.tipo == ANN else DATI_SC1)}
    for nome, valore in caso.post.items():
        campi[nome] = (
            [ordinativo.cig_derivato if v == "<cig>" else v for v in valore] if isinstance(valore, list) else valore
        )
    if caso.azione == "crea":
        return client.post(url(demo.sct, "scheda_nuova", ordinativo.pk, caso.tipo.lower()), campi)
    nomi = {
        "invia": "scheda_invia",
        "verifica": "scheda_verifica",
        "modifica": "scheda_dettaglio",
        "elimina": "scheda_elimina",
    }
    return client.post(url(demo.sct, nomi[caso.azione], ordinativo.pk, esistente.pk), campi)


@pytest.mark.parametrize("caso", CASI, ids=[c.id for c in CASI])
def test_regole_delle_schede(client, demo, commit, simulatore_anac, caso):
    ordinativo = _prepara(client, demo, commit, caso)
    prima = _fotografia(ordinativo)
    richieste_prima = len(simulatore_anac.richieste())
    with commit():
        risposta = _esegui(client, demo, ordinativo, caso)
    assert risposta.status_code == caso.atteso, contenuto(risposta)[:3000]
    testo = contenuto(risposta)
    if caso.messaggio:
        assert caso.messaggio in testo
    dopo = _fotografia(ordinativo)
    nuove_richieste = simulatore_anac.richieste()[richieste_prima:]
    if caso.atteso != 302:
        assert dopo == prima, "una richiesta rifiutata non deve cambiare nulla"
        assert nuove_richieste == [], "una richiesta rifiutata non deve arrivare ad ANAC"
        if caso.atteso == 200 and caso.utente == "banditore":
            assert "Crea nuova scheda" not in testo and "invia scheda" not in testo and "elimina" not in testo
            assert "Annullamento procedura – ANN" in testo
        elif caso.atteso == 200:
            assert "Crea nuova scheda" in testo and "invia scheda" in testo
        return
    scheda = Scheda.objects.filter(ordinativo=ordinativo, tipo=caso.tipo).latest("pk")
    if caso.azione == "crea":
        assert len(dopo[2]) == len(prima[2]) + 1
        assert (scheda.stato, scheda.cig, scheda.creata_da.username) == (BOZZA, ordinativo.cig_derivato, "aderente")
        assert scheda.motivo == ("1" if caso.tipo == ANN else "")
        assert nuove_richieste == []  # a draft stays here until "invia scheda"
    elif caso.azione == "invia":
        assert scheda.stato == INVIATA and scheda.id_scheda, scheda.errore_anac
        assert [r["servizio"] for r in nuove_richieste] == ["crea-scheda", "conferma-scheda"]
        assert dopo[0] == prima[0]  # the ordinativo changes only when ANAC confirms ("Verifica invio")
    elif caso.azione == "modifica":
        assert scheda.data_scadenza == datetime.date(2028, 1, 31) and scheda.stato == BOZZA
    elif caso.azione == "elimina":
        assert scheda.stato == "eliminata" and scheda.eliminata_da.username == "aderente"
        assert "Nessuna scheda inserita." in contenuto(client.get(sub(demo.sct, "schede_elenco", ordinativo.pk)))


def test_menu_crea_nuova_scheda_disabilitato_dopo_ann(client, demo, commit, simulatore_anac):
    """After an ANN every entry of "Crea nuova scheda" is disabled (and says why); before, the SC1
    entry is disabled until the approval."""
    ordinativo = ordinativo_con_cig(client, demo, commit)
    elenco = contenuto(client.get(sub(demo.sct, "schede_elenco", ordinativo.pk)))
    url_ann = sub(demo.sct, "scheda_nuova", ordinativo.pk, "ann")
    assert f'href="{url_ann}"' in elenco
    assert 'aria-disabled="true" tabindex="-1" role="link"><span>Sottoscrizione del contratto – SC1' in elenco
    assert f"Sottoscrizione del contratto – SC1: {s.MSG_SC1_STATO}" in elenco
    Scheda.objects.create(ordinativo=ordinativo, tipo=ANN, cig=ordinativo.cig_derivato, motivo="1", stato=INVIATA)
    elenco = contenuto(client.get(sub(demo.sct, "schede_elenco", ordinativo.pk)))
    assert (
        f'href="{url_ann}"' not in elenco
        and 'href="' + sub(demo.sct, "scheda_nuova", ordinativo.pk, "sc1") + '"' not in elenco
    )
    assert elenco.count('aria-disabled="true" tabindex="-1" role="link">') == 2
    assert f"Annullamento procedura – ANN: {s.MSG_DOPO_ANN}" in elenco
    assert client.get(url_ann).status_code == 400


def test_sezione_schede_solo_dopo_il_cig_e_non_per_l_oe(client, demo, commit, simulatore_anac):
    senza = ordinativo_senza_cig(client, demo)
    assert ">SCHEDE</a>" not in contenuto(client.get(sub(demo.sct, "ordinativo_passo1", senza.pk)))
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    assert ">SCHEDE</a>" in contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    client.force_login(demo.user("banditore"))
    assert ">SCHEDE</a>" in contenuto(client.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    client.force_login(demo.user("oe"))
    passo3 = client.get(sub(demo.sct, "ordinativo_passo3", ordinativo.pk))
    assert passo3.status_code == 200 and ">SCHEDE</a>" not in contenuto(passo3)
