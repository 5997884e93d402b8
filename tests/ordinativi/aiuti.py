"""Helpers of the ordinativo tests: an approved adesione, logins, the Richiedi CIG data, an
ordinativo brought to a state through the real pages, the ANAC simulator and the services."""

import uuid

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import TaskState

from contratti.adesioni import services as servizi_adesione
from contratti.models import Adesione, Ordinativo
from contratti.ordinativi import services as servizi_ordinativo
from organizzazioni.models import Incarico, Profilo
from organizzazioni.services import assegna_incarico
from tests.pdf import pdf_firmato, pdf_firmato_da

RUP_FIRENZE = "BNCLRA75E45G999M"
CF_BUYER = "BYRBRN80A01D612U"  # a valid codice fiscale (check character)
CF_SECONDO_RUP = "VRDLGU85T10D612O"


def sub(contratto, nome, *args):
    return contratto.url + contratto.reverse_subpage(nome, args=args)


def upload(nome="atto.pdf", dati=None, content_type="application/pdf", da=None):
    """Signed by ``da`` (a user or username entitled to sign), by default by the RUP of Firenze."""
    if dati is None:
        dati = pdf_firmato_da(da, "atto di adesione") if da is not None else pdf_firmato("atto di adesione")
    return SimpleUploadedFile(nome, dati, content_type=content_type)


def _task_state(oggetto):
    return TaskState.objects.get(
        workflow_state__object_id=str(oggetto.pk),
        status=TaskState.STATUS_IN_PROGRESS,
        workflow_state__base_content_type__model=oggetto._meta.model_name,
    )


def adesione_approvata(demo, *, username="aderente", ente=None, ipotesi="A"):
    utente = demo.user(username)
    ente = ente or demo.firenze
    contratto = demo.sct
    files = {"manifestazione-interesse": upload("manifestazione.pdf", da=utente)}
    if ipotesi == "B":
        files.update(
            {
                "piano-fabbisogni": upload("piano.pdf", da=utente),
                "progetto-fabbisogni": upload("progetto.pdf", da=utente),
            }
        )
    adesione = servizi_adesione.crea_bozza(
        contratto=contratto,
        ente=ente,
        utente=utente,
        ipotesi=ipotesi,
        importo="1000.00",
        scadenza=contratto.scadenza_adesioni_suggerita,
        files=files,
    )
    banditore = demo.user("banditore")
    while adesione.stato != Adesione.Stato.APPROVATA:
        if adesione.round_corrente == 1 and ipotesi == "B":
            servizi_adesione.carica_documenti_round(
                adesione, utente=utente, files={"data-protection-agreement": upload("dpa.pdf", da=utente)}
            )
        servizi_adesione.invia(adesione, utente=utente)
        adesione = servizi_adesione.approva_round(adesione, utente=banditore, task_state=_task_state(adesione))
    return adesione


def dati_richiesta_cig(adesione, **extra):
    dati = {
        "adesione": adesione.pk,
        "oggetto": "Proroga dei servizi Sistema Cloud Toscana",
        "importo_totale": "99,99",
        "cpv": "72000000-5",
        "codice_istat": "048017",
        "codice_nuts": "ITI14",
        "durata_mesi": "12",
        "categoria": "FS",
        "finanziamento": "A",
        "cf_rup": RUP_FIRENZE,
        "data_adesione": "2026-10-01",
        "codice_appalto": f"SCT-PROVA-{uuid.uuid4().hex[:12]}",
        "tracciabilita": "mandataria",
    }
    dati.update(extra)
    return dati


def crea_ordinativo(client, demo, adesione, **extra):
    risposta = client.post(sub(demo.sct, "ordinativo_nuovo"), dati_richiesta_cig(adesione, **extra))
    assert risposta.status_code == 302, risposta.content.decode()[:2000]
    return Ordinativo.objects.latest("pk")


def spid(client, demo, username="aderente", livello=2):
    risposta = client.post(
        "/identita/spid-simulato/", {"utente": demo.user(username).pk, "livello": livello, "next": "/"}
    )
    assert risposta.status_code == 302
    return client


def aggiungi_righe(client, demo, ordinativo, righe):
    for descrizione, unitario, quantita in righe:
        risposta = client.post(
            sub(demo.sct, "ordinativo_azione", ordinativo.pk, "riga"),
            {"descrizione": descrizione, "importo_unitario": unitario, "quantita": quantita},
        )
        assert risposta.status_code == 302, risposta.content.decode()[:2000]


def task_state(oggetto):
    return _task_state(oggetto)


def carica_atto(client, demo, ordinativo, nome="atto.pdf"):
    risposta = client.post(
        sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"), {"doc_atto-adesione": upload(nome)}
    )
    assert risposta.status_code == 302, risposta.content.decode()[:2000]


def ordinativo_senza_cig(
    client, demo, *, ipotesi="A", righe=(("Servizio IaaS", "33,33", "3"),), atto=True, **richiesta
):
    """An ordinativo in bozza (Richiedi CIG done, the lines added, the atto di adesione uploaded unless
    ``atto=False``, Conferma appalto not yet); the client is logged in as the demo "aderente"
    (Responsabile/Buyer and RUP of Firenze), by password."""
    client.force_login(demo.user("aderente"))
    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo, ipotesi=ipotesi), **richiesta)
    aggiungi_righe(client, demo, ordinativo, righe)
    if atto:
        carica_atto(client, demo, ordinativo)
    return ordinativo


def conferma_e_acquisisci(client, demo, commit, ordinativo):
    """ "Conferma appalto" and "Acquisisci CIG" by the RUP with simulated SPID (tasks run at commit)."""
    spid(client, demo)
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.CIG_ACQUISITO and len(ordinativo.cig_derivato) == 10, (
        ordinativo.errore_anac
    )
    return ordinativo


def ordinativo_con_cig(client, demo, commit, stato=Ordinativo.Stato.CIG_ACQUISITO, **opzioni):
    """An ordinativo whose derived CIG was issued by the simulator (Conferma appalto + Acquisisci CIG
    by the RUP with simulated SPID), then ``porta_a(stato)``. The client stays logged in as the RUP
    with strong authentication. ``opzioni``: those of ``ordinativo_senza_cig``."""
    ordinativo = ordinativo_senza_cig(client, demo, **opzioni)
    conferma_e_acquisisci(client, demo, commit, ordinativo)
    return porta_a(ordinativo, demo, stato)


def porta_a(ordinativo, demo, stato):
    """From CIG acquisito to inviato / approvato / rifiutato, with the ordinativo's services."""
    if stato == Ordinativo.Stato.CIG_ACQUISITO:
        return ordinativo
    from documenti.firma_prova import firma_pades

    aderente, banditore = demo.user("aderente"), demo.user("banditore")
    pdf = servizi_ordinativo.scheda_sintesi(ordinativo)
    firmata = firma_pades(pdf, nome="Laura Bianchi", codice_fiscale=RUP_FIRENZE)
    servizi_ordinativo.carica_scheda_firmata(
        ordinativo, utente=aderente, upload=SimpleUploadedFile("scheda.pdf", firmata, "application/pdf")
    )
    servizi_ordinativo.invia(ordinativo, utente=aderente)
    if stato == Ordinativo.Stato.APPROVATO:
        servizi_ordinativo.approva(ordinativo, utente=banditore, task_state=task_state(ordinativo))
    elif stato == Ordinativo.Stato.RIFIUTATO:
        servizi_ordinativo.rifiuta(
            ordinativo, utente=banditore, task_state=task_state(ordinativo), motivo="Importo da rivedere"
        )
    ordinativo.refresh_from_db()
    assert ordinativo.stato == stato
    return ordinativo


def buyer_firenze(demo):
    """A Responsabile/Buyer of the Comune di Firenze who is not its RUP."""
    user, _ = get_user_model().objects.get_or_create(
        username="buyer", defaults={"first_name": "Bruno", "last_name": "Buyer"}
    )
    Profilo.objects.update_or_create(user=user, defaults={"codice_fiscale": CF_BUYER})
    assegna_incarico(user, demo.firenze, Incarico.Ruolo.RESPONSABILE)
    return user


def secondo_rup_firenze(demo):
    """A second RUP of the Comune di Firenze (Luigi Verdi), besides the demo "aderente"."""
    user, _ = get_user_model().objects.get_or_create(
        username="rup2", defaults={"first_name": "Luigi", "last_name": "Verdi"}
    )
    Profilo.objects.update_or_create(user=user, defaults={"codice_fiscale": CF_SECONDO_RUP})
    assegna_incarico(user, demo.firenze, Incarico.Ruolo.RUP)
    return user


MSG_RUP_NON_IN_ELENCO = "Il RUP scelto non è tra i RUP dell'ente aderente: scegli una delle persone dell'elenco."

# Invalid "Richiedi CIG" data with the Italian message each gets (creation and later edits alike).
DATI_RICHIESTA_CIG_NON_VALIDI = [
    ("importo_totale", "-5", "L'importo deve essere maggiore di zero."),
    ("importo_totale", "12,345", "L'importo può avere al massimo due decimali."),
    ("cpv", "72000000", "CPV nel formato 72000000-5."),
    ("cf_rup", "XXXXXX", MSG_RUP_NON_IN_ELENCO),
    ("cf_rup", CF_BUYER, MSG_RUP_NON_IN_ELENCO),  # a valid codice fiscale, but not of a RUP of the ente
    ("cf_rup", "", "Scegli il RUP dell'ordinativo."),
    ("codice_appalto", "corto", "almeno 8"),
    ("durata_mesi", "0", "maggiore o uguale a 1"),
]
