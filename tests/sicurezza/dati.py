"""The records the permission matrix walks: one of every kind, in the states that matter, on the
Sistema Cloud Toscana contract. Built once per test module (``conftest.dati_matrice``) through the
domain services, as the users would build them.

One rule of the domain shapes the set: an ente has at most one adesione open (in bozza or sent) per
contract. So the Comune di Firenze has an approved adesione (needed for its ordinativi) and one sent
and waiting for the banditore; the adesione in bozza is the Comune di Prato's (owner ``aderente2``).

The ANAC steps of an ordinativo ("Conferma appalto", "Acquisisci CIG") are not run here: the
matrix is about who may open what, so the ordinativi sent and approved get their derived CIG written
directly (the ANAC flow has its own tests in ``tests/ordinativi``); everything else goes through the
services and the Wagtail workflow.
"""

import datetime
import itertools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import TaskState

from tests.pdf import pdf_firmato, pdf_firmato_da

_cig = itertools.count(1)

# Text that appears only in one private record: a page that shows it to a role that may not see the
# record leaks it. The visibility of each marker is in ``Dati.marcatori``.
M_ADESIONE_BOZZA = "Riservato-adesione-bozza-Prato"
M_ADESIONE_INVIATA = "Riservato-adesione-inviata-Firenze"
M_ADESIONE_ELIMINATA = "Riservato-adesione-eliminata-Firenze"
M_ORDINATIVO_BOZZA = "Riservato ordinativo in bozza di Firenze"
M_ORDINATIVO_INVIATO = "Riservato ordinativo inviato di Firenze"
M_ORDINATIVO_APPROVATO = "Riservato ordinativo approvato di Firenze"
M_COMUNICAZIONE = "Riservato comunicazione Firenze al banditore"
M_CHIARIMENTO = "Riservato chiarimento Firenze al banditore"
M_COMUNICAZIONE_OE = "Riservato comunicazione Firenze al fornitore"
M_ADESIONE_SECONDO = "Riservato-adesione-Prato-altro-contratto"
M_ESITO_BOZZA = "Riservato esito in bozza di Firenze"
M_ESITO_PUBBLICO = "Esito pubblico di Firenze per la matrice"


def upload(nome, testo="documento di prova", da=None):
    """Signed by ``da`` (a user entitled to sign for the ente), by default by the RUP of Firenze."""
    dati = pdf_firmato_da(da, testo) if da is not None else pdf_firmato(testo)
    return SimpleUploadedFile(nome, dati, content_type="application/pdf")


def _task_state(oggetto):
    return TaskState.objects.get(
        workflow_state__object_id=str(oggetto.pk),
        workflow_state__base_content_type__model=oggetto._meta.model_name,
        status=TaskState.STATUS_IN_PROGRESS,
    )


@dataclass
class Dati:
    sct: object
    secondo: object
    utenti: dict
    oggetti: dict = field(default_factory=dict)
    # marker -> set of roles allowed to read it
    marcatori: dict = field(default_factory=dict)

    def __getattr__(self, nome):
        try:
            return self.__dict__["oggetti"][nome]
        except KeyError:
            raise AttributeError(nome) from None


def _adesione(contratto, ente, utente, nome_file):
    from contratti.adesioni import services

    return services.crea_bozza(
        contratto=contratto,
        ente=ente,
        utente=utente,
        ipotesi="A",
        importo=Decimal("1000.00"),
        scadenza=contratto.scadenza_adesioni_suggerita or datetime.date(2030, 1, 1),
        files={"manifestazione-interesse": upload(nome_file, da=utente)},
    )


def adesione_ipotesi_b_inviata(demo):
    """An ipotesi B adesione of the Comune di Prato with round 0 sent: ipotesi A ends at round 0,
    ipotesi B still has round 1 (the DPA)."""
    from contratti.adesioni import services

    aderente = demo.user("aderente2")
    adesione = services.crea_bozza(
        contratto=demo.sct,
        ente=demo.prato,
        utente=aderente,
        ipotesi="B",
        importo=Decimal("1000.00"),
        scadenza=demo.sct.scadenza_adesioni_suggerita,
        files={
            "manifestazione-interesse": upload("manifestazione.pdf", da=aderente),
            "piano-fabbisogni": upload("piano.pdf", da=aderente),
            "progetto-fabbisogni": upload("progetto.pdf", da=aderente),
        },
    )
    services.invia(adesione, utente=aderente)
    adesione.refresh_from_db()
    return adesione


def _adesione_approvata(contratto, ente, utente, banditore):
    from contratti.adesioni import services
    from contratti.models import Adesione

    adesione = _adesione(contratto, ente, utente, "manifestazione-approvata.pdf")
    while adesione.stato != Adesione.Stato.APPROVATA:
        services.invia(adesione, utente=utente)
        adesione = services.approva_round(adesione, utente=banditore, task_state=_task_state(adesione))
    return adesione


def _ordinativo(contratto, adesione, utente, oggetto):
    from contratti.ordinativi import services

    dati = {
        "oggetto": oggetto,
        "importo_totale": Decimal("99.99"),
        "cpv": "72000000-5",
        "codice_istat": "048017",
        "codice_nuts": "ITI14",
        "durata_mesi": 12,
        "categoria": "FS",
        "finanziamento": "A",
        "cf_rup": "BNCLRA75E45G999M",
        "data_adesione": datetime.date(2026, 10, 1),
        "codice_appalto": f"SCT-MATRICE-{uuid.uuid4().hex[:12]}",
        "tracciabilita": "mandataria",
    }
    ordinativo = services.crea(contratto, ente=adesione.ente, adesione=adesione, utente=utente, dati=dati)
    services.aggiungi_riga(
        ordinativo, utente=utente, descrizione="Servizio IaaS", importo_unitario=Decimal("33.33"), quantita=3
    )
    codice_atto = services.richieste_atto(ordinativo)[0].codice
    services.carica_documenti(
        ordinativo, utente=utente, files={codice_atto: upload(f"atto-{oggetto[-12:]}.pdf", da=utente)}
    )
    return ordinativo


def _fino_all_invio(ordinativo, utente):
    """CIG written directly (ANAC is out of scope here), then the real scheda, signature and sending."""
    from contratti.models import Ordinativo
    from contratti.ordinativi import services
    from documenti.firma_prova import firma_pades

    Ordinativo.objects.filter(pk=ordinativo.pk).update(
        stato=Ordinativo.Stato.CIG_ACQUISITO,
        cig_derivato=f"M{next(_cig):09d}",
        id_appalto=str(uuid.uuid4()),
    )
    ordinativo.refresh_from_db()
    pdf = services.scheda_sintesi(ordinativo)
    firmata = firma_pades(pdf, nome="Laura Bianchi", codice_fiscale="BNCLRA75E45G999M")
    ordinativo = services.carica_scheda_firmata(
        ordinativo,
        utente=utente,
        upload=SimpleUploadedFile("scheda-firmata.pdf", firmata, content_type="application/pdf"),
    )
    return services.invia(ordinativo, utente=utente)


def costruisci():
    """Build the records (call inside a transaction that the caller rolls back)."""
    from comunicazioni import services as comunicazioni
    from comunicazioni.models import Consegna
    from contratti.adesioni import services as adesioni
    from contratti.models import ContrattoPage
    from contratti.ordinativi import services as ordinativi
    from esiti import services as esiti
    from home.demo import SCT_SLUG, SECONDO_SLUG
    from organizzazioni.models import Ente, Incarico, OperatoreEconomico

    User = get_user_model()
    utenti = {
        u.username: u
        for u in User.objects.filter(
            username__in=["aderente", "aderente2", "oe", "oe2", "banditore", "banditore2", "editor"]
        )
    }
    sct = ContrattoPage.objects.get(slug=SCT_SLUG)
    secondo = ContrattoPage.objects.get(slug=SECONDO_SLUG)
    firenze = Ente.objects.get(codice_fiscale="01307110484")
    prato = Ente.objects.get(codice_fiscale="84006890481")
    d = Dati(sct=sct, secondo=secondo, utenti=utenti)
    from documentazione.models import DocumentazionePage

    d.documentazione = DocumentazionePage.objects.live().first()
    d.documento_pubblico = sct.documenti_allegati.first().documento
    o = d.oggetti
    aderente, aderente2, banditore = utenti["aderente"], utenti["aderente2"], utenti["banditore"]

    # Adesioni: Firenze approved (for the ordinativi), one eliminated after a non-approval (kept for
    # the audit, out of the lists) and one sent; Prato in bozza.
    o["adesione_approvata"] = _adesione_approvata(sct, firenze, aderente, banditore)
    eliminata = adesioni.invia(_adesione(sct, firenze, aderente, f"{M_ADESIONE_ELIMINATA}.pdf"), utente=aderente)
    eliminata = adesioni.rifiuta_round(
        eliminata, utente=banditore, task_state=_task_state(eliminata), motivo="Manifestazione da rifare"
    )
    o["adesione_eliminata"] = adesioni.elimina_bozza(eliminata, utente=aderente)
    o["doc_adesione_eliminata"] = o["adesione_eliminata"].documenti.get(corrente=True)
    o["adesione_inviata"] = _adesione(sct, firenze, aderente, f"{M_ADESIONE_INVIATA}.pdf")
    adesioni.invia(o["adesione_inviata"], utente=aderente)
    o["adesione_inviata"].refresh_from_db()
    o["adesione_bozza"] = _adesione(sct, prato, aderente2, f"{M_ADESIONE_BOZZA}.pdf")
    o["adesione_secondo"] = _adesione(secondo, prato, aderente2, f"{M_ADESIONE_SECONDO}.pdf")
    adesioni.invia(o["adesione_secondo"], utente=aderente2)
    o["doc_adesione_inviata"] = o["adesione_inviata"].documenti.get(corrente=True)
    o["doc_adesione_bozza"] = o["adesione_bozza"].documenti.get(corrente=True)
    o["ts_adesione"] = _task_state(o["adesione_inviata"])

    # Ordinativi of Firenze: bozza, sent (waiting for the banditore), approved.
    o["ordinativo_bozza"] = _ordinativo(sct, o["adesione_approvata"], aderente, M_ORDINATIVO_BOZZA)
    o["ordinativo_inviato"] = _fino_all_invio(
        _ordinativo(sct, o["adesione_approvata"], aderente, M_ORDINATIVO_INVIATO), aderente
    )
    o["ts_ordinativo"] = _task_state(o["ordinativo_inviato"])
    approvato = _fino_all_invio(_ordinativo(sct, o["adesione_approvata"], aderente, M_ORDINATIVO_APPROVATO), aderente)
    o["ordinativo_approvato"] = ordinativi.approva(approvato, utente=banditore, task_state=_task_state(approvato))
    for nome in ("ordinativo_bozza", "ordinativo_inviato", "ordinativo_approvato"):
        o[f"doc_{nome}"] = o[nome].documenti.get(corrente=True)
        o[f"riga_{nome}"] = o[nome].righe.get()

    # A scheda ANAC (SC1, in bozza) of the approved ordinativo: the ente and the banditore see it, the OE not.
    if hasattr(ContrattoPage, "schede_elenco"):
        from contratti.schede import services as schede

        o["scheda"] = schede.crea(
            o["ordinativo_approvato"],
            tipo="SC1",
            utente=aderente,
            dati={
                "data_stipula": datetime.date(2025, 4, 1),
                "data_decorrenza": datetime.date(2025, 4, 1),
                "data_scadenza": datetime.date(2026, 10, 2),
            },
        )

    # Comunicazioni: a message with an attachment and a chiarimento, both from Firenze to the banditore.
    o["messaggio"] = comunicazioni.invia_messaggio(
        sct,
        utente=aderente,
        destinatario=f"ente:{firenze.pk}>banditore",
        tipo="comunicazione",
        oggetto=M_COMUNICAZIONE,
        testo="Testo riservato della comunicazione.",
        allegati=[upload("allegato-comunicazione-riservata.pdf")],
    )
    o["allegato"] = o["messaggio"].allegati.get()
    o["consegna"] = Consegna.objects.get(messaggio=o["messaggio"], utente=banditore)
    o["messaggio_oe"] = comunicazioni.invia_messaggio(
        sct,
        utente=aderente,
        destinatario=f"ente:{firenze.pk}>operatore",
        tipo="comunicazione",
        oggetto=M_COMUNICAZIONE_OE,
        testo="Testo riservato tra l'ente e il fornitore.",
    )
    o["chiarimento_msg"] = comunicazioni.invia_messaggio(
        sct,
        utente=aderente,
        destinatario=f"ente:{firenze.pk}>banditore",
        tipo="chiarimento",
        oggetto=M_CHIARIMENTO,
        testo="Domanda riservata: serve il piano dei fabbisogni in ipotesi A?",
    )
    o["chiarimento"] = comunicazioni.pubblica_chiarimento(
        o["chiarimento_msg"],
        utente=banditore,
        domanda="Serve il piano dei fabbisogni in ipotesi A?",
        risposta="No, in ipotesi A il piano non si carica.",
    )

    # Esiti of Firenze: a draft (only the ente sees it) and a published one.
    o["esito_bozza"] = esiti.crea_bozza(
        contratto=sct,
        ente=firenze,
        utente=aderente,
        cig=f"M{next(_cig):09d}",
        oggetto=M_ESITO_BOZZA,
        importo_aggiudicazione=Decimal("1000.00"),
    )
    pubblico = esiti.crea_bozza(
        contratto=sct,
        ente=firenze,
        utente=aderente,
        cig=f"M{next(_cig):09d}",
        oggetto=M_ESITO_PUBBLICO,
        importo_aggiudicazione=Decimal("2000.00"),
        data_aggiudicazione=datetime.date(2025, 3, 10),
        data_inizio=datetime.date(2025, 4, 1),
        data_ultimazione=datetime.date(2026, 10, 2),
    )
    o["esito_pubblicato"] = esiti.pubblica(pubblico, utente=aderente)

    # Organisations (admin snippets).
    o["ente"] = firenze
    o["operatore"] = OperatoreEconomico.objects.get(pk=sct.aggiudicatario_id)
    o["incarico"] = Incarico.objects.filter(user=aderente, ente=firenze).first()

    d.marcatori = {
        o["adesione_bozza"].codice: {"aderente2", "banditore"},
        M_ADESIONE_BOZZA: {"aderente2", "banditore"},
        o["adesione_inviata"].codice: {"aderente", "banditore"},
        M_ADESIONE_INVIATA: {"aderente", "banditore"},
        o["adesione_eliminata"].codice: {"aderente", "banditore"},
        M_ADESIONE_ELIMINATA: {"aderente", "banditore"},
        o["ordinativo_bozza"].codice: {"aderente"},
        M_ORDINATIVO_BOZZA: {"aderente"},
        o["ordinativo_inviato"].codice: {"aderente", "banditore"},
        M_ORDINATIVO_INVIATO: {"aderente", "banditore"},
        o["ordinativo_approvato"].codice: {"aderente", "banditore", "oe"},
        M_ORDINATIVO_APPROVATO: {"aderente", "banditore", "oe"},
        M_COMUNICAZIONE: {"aderente", "banditore"},
        "allegato-comunicazione-riservata": {"aderente", "banditore"},
        M_CHIARIMENTO: {"aderente", "banditore"},
        M_COMUNICAZIONE_OE: {"aderente", "oe"},
        o["adesione_secondo"].codice: {"aderente2", "banditore2"},
        M_ADESIONE_SECONDO: {"aderente2", "banditore2"},
        M_ESITO_BOZZA: {"aderente"},
    }
    return d


def valori(d):
    """Placeholder → value, for the URL templates of the matrix (``matrice.VOCI``)."""
    from esiti.indirizzi import url_sezione

    o = d.oggetti
    v = {
        "sct": d.sct.url,
        "secondo": d.secondo.url,
        "esiti": url_sezione(),
        "sct_id": d.sct.pk,
        "secondo_id": d.secondo.pk,
        "cf_firenze": o["ente"].codice_fiscale,
        "anno_esito": o["esito_pubblicato"].data_aggiudicazione.year,
        "ws_adesione": o["ts_adesione"].workflow_state_id,
        "ws_ordinativo": o["ts_ordinativo"].workflow_state_id,
        "rev_adesione": o["adesione_inviata"].latest_revision_id,
        "rev_ordinativo": o["ordinativo_inviato"].latest_revision_id,
        "documentazione": d.documentazione.url,
        "documento_pubblico": d.documento_pubblico.url,
    }
    for nome, oggetto in o.items():
        v.setdefault(nome, oggetto.pk)
    return v


def segnaposto(d):
    """The same placeholders as shown in the report: stable addresses stay, ids become <name>."""
    v = valori(d)
    stabili = {"sct", "secondo", "esiti", "cf_firenze", "anno_esito"}
    return {k: (val if k in stabili else f"<{k}>") for k, val in v.items()}
