"""Demo data from the manual: the Sistema Cloud Toscana agreement, a second contract, users."""

import datetime
import functools
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Collection

from contratti.models import ContrattiIndexPage, ContrattoPage, DocumentoAllegato, RichiestaDocumento, UtenteAbilitato
from documentazione.models import DocumentazioneIndexPage, DocumentazionePage
from organizzazioni import ruoli
from organizzazioni.models import Ente, Incarico, MembroRTI, OperatoreEconomico, Profilo
from organizzazioni.services import assegna_incarico

SCT_SLUG = "sistema-cloud-toscana"
SECONDO_SLUG = "servizi-di-connettivita-rtrt"

MODELLI = [
    (
        "manifestazione-interesse-proroga",
        "Manifestazione di interesse alla proroga",
        "Modello da compilare con la durata della proroga e l'importo di adesione, firmato digitalmente dal Responsabile.",
    ),
    (
        "atto-adesione",
        "Atto di adesione – contratto attuativo",
        "Documento contrattuale che formalizza l'accordo tra l'Amministrazione contraente e il Fornitore.",
    ),
    (
        "proroga-atto-adesione",
        "Proroga atto di adesione – contratto attuativo",
        "Per l'ipotesi A: proroga del contratto attuativo già sottoscritto.",
    ),
    (
        "piano-fabbisogni",
        "Piano dei fabbisogni",
        "Da inviare al Fornitore tramite PEC all'indirizzo SCT.Toscana@pec.telecomitalia.it (ipotesi B).",
    ),
    (
        "data-protection-agreement",
        "Data Protection Agreement",
        "Accordo sul trattamento dei dati (Regolamento UE 2016/679, D.Lgs. 196/2003), sottoscritto dall'amministrazione e poi dal Fornitore.",
    ),
    (
        "comunicazione-tracciabilita",
        "Comunicazione dati tracciabilità",
        "Comunicazione dei conti correnti dedicati ai fini della tracciabilità dei pagamenti.",
    ),
    (
        "richiesta-tracciabilita",
        "Richiesta di acquisizione dei conti correnti dedicati (tracciabilità dei pagamenti)",
        "Predisposta dall'Amministrazione contraente e inoltrata al Fornitore con l'atto di adesione: chiede gli estremi "
        "dei conti correnti dedicati (art. 3 L. 136/2010) e le persone delegate a operarvi.",
    ),
]

# Manuals of the "Istruzioni" page (manual: "Manuale Richiedi Cig", "Manuale nuovo modulo Comunicazioni"):
# code, title, description, sections (title, paragraphs; simple HTML allowed).
MANUALI = [
    (
        "manuale-richiedi-cig",
        "Manuale Richiedi Cig",
        "Come compilare il modulo “Richiedi CIG” del nuovo ordine e acquisire il CIG derivato (Conferma appalto, Acquisisci CIG).",
        [
            (
                "A cosa serve",
                [
                    "Il modulo “Richiedi CIG” raccoglie i dati che ANAC chiede per il CIG derivato dell'ordinativo di "
                    "fornitura (scheda AD4 della Piattaforma dei Contratti Pubblici: adesione ad accordo quadro senza "
                    "nuovo confronto competitivo).",
                    "Si apre dalla pagina del contratto, tab “elenco ordinativi”, con il pulsante “nuovo ordine”: il "
                    "pulsante compare quando l'ente ha un'adesione approvata.",
                ],
            ),
            (
                "I campi del modulo",
                [
                    "<b>Adesione</b>: l'adesione approvata a cui collegare l'ordine (se l'ente ne ha più di una).",
                    "<b>Oggetto</b>: al massimo 250 caratteri.",
                    "<b>Importo totale dell'ordine (lotto, euro)</b>: scritto all'italiana, ad esempio 12.345,67 "
                    "(anche 12345,67 o 12345.67); al massimo due decimali. Spazi interni, cifre di altri alfabeti e "
                    "separatori come 1_000 sono rifiutati.",
                    "<b>CPV</b>: nel formato 72000000-5. <b>Codice ISTAT</b> del comune del luogo di esecuzione: 6 cifre "
                    "(048017 per Firenze). <b>NUTS</b>: codice italiano, ad esempio ITI14 (Firenze) o ITI1 (Toscana).",
                    "<b>Durata (mesi)</b>, <b>Categoria</b> (fornitura di servizi o di beni), <b>Finanziamento</b>.",
                    "<b>Codice fiscale del RUP</b>: il RUP dell'amministrazione aderente; solo lui compie le azioni verso ANAC.",
                    "<b>Data adesione</b>: una data tra il 01/01/2000 e il 31/12/2100.",
                    "<b>Codice appalto</b>: da 8 a 64 caratteri, solo lettere, cifre e i separatori - _ . / (all'inizio e "
                    "alla fine lettere o cifre); deve essere diverso da quello di ogni altro ordinativo. Il sistema ne "
                    "propone uno.",
                    "<b>Comunicazione dati tracciabilità</b>: come indicato nell'atto di adesione, una comunicazione per la "
                    "sola mandataria o una per ciascun soggetto del RTI.",
                    "Se un dato non è valido il modulo lo indica accanto al campo e non salva nulla.",
                ],
            ),
            (
                "Vai all'ordine: il passo 1",
                [
                    "Con “Vai all'ordine” il sistema crea l'ordinativo in bozza e apre il passo 1. Il campo “CIG derivato” "
                    "è ingrigito e vuoto: Per poter finalizzare l’invio dell’ordine è necessario integrare la richiesta del "
                    "CIG tramite il bottone “Conferma appalto”.",
                    "Al passo 1 si inseriscono le righe dell'ordine (descrizione, importo unitario, quantità) e si allega "
                    "l'atto di adesione / contratto attuativo firmato digitalmente. Il totale delle righe deve coincidere "
                    "con l'importo totale indicato in “Richiedi CIG”, altrimenti la conferma si ferma con il messaggio: "
                    "Il totale delle righe dell'ordine non corrisponde al totale dell'ordine inserito in fase di richiesta del CIG.",
                ],
            ),
            (
                "Conferma appalto e Acquisisci CIG",
                [
                    "“Conferma appalto” invia i dati ad ANAC (crea appalto e conferma appalto); “Acquisisci CIG” recupera "
                    "il CIG derivato quando ANAC lo ha rilasciato. Entrambe le azioni richiedono il RUP autenticato con "
                    "SPID, CIE o CNS; le altre attività si possono compiere con nome utente e password.",
                    "Il pulsante “salva e procedi” resta ingrigito finché il CIG derivato non è acquisito. L'esito di ogni "
                    "chiamata ad ANAC è nel “Log Trasmissioni” dell'ordinativo.",
                ],
            ),
            (
                "Correggere i dati",
                [
                    "Finché l'ordinativo è in bozza i dati di “Richiedi CIG” si correggono dal link “Richiedi CIG” del "
                    "passo 1. Se l'appalto è già su ANAC, le correzioni partono alla successiva “Conferma appalto” "
                    "(modifica appalto). Dopo la conferma i dati restano consultabili in sola lettura.",
                ],
            ),
        ],
    ),
    (
        "manuale-comunicazioni",
        "Manuale nuovo modulo Comunicazioni (revisione Luglio 2022)",
        "Comunicazioni e chiarimenti nei contratti del Negozio Elettronico: chi scrive a chi, risposte, allegati, notifiche e chiarimenti pubblicati.",
        [
            (
                "Dove si trova",
                [
                    "Il modulo comunicazioni è attivo solo nei contratti pubblicati. La posta dell'utente è nella pagina "
                    "“Comunicazioni” (indirizzo /comunicazioni/) e nel blocco “Comunicazioni” dell'Area riservata; da ogni "
                    "contratto si scrive con “scrivi” nella sua sezione comunicazioni.",
                ],
            ),
            (
                "Chi scrive a chi",
                [
                    "Centro di costo banditore e Centri di costo aderenti; Centri di costo aderenti e OE aggiudicatario; "
                    "Centro di costo banditore e OE aggiudicatario.",
                    "L'ente aderente compone due tipi di messaggio: <b>Comunicazione</b> e <b>Chiarimento</b>, con "
                    "destinatari il CdC_Banditore o l'OE aggiudicatario.",
                ],
            ),
            (
                "Scrivere e rispondere",
                [
                    "Un messaggio ha un oggetto (al massimo 200 caratteri), un testo e fino a 5 allegati (documenti PDF o "
                    "file firmati .p7m, controllati al caricamento). La risposta resta nella stessa conversazione, visibile "
                    "a chi vi partecipa; ogni messaggio mostra chi l'ha letto.",
                ],
            ),
            (
                "Notifiche via e-mail",
                [
                    "Ogni nuovo messaggio e ogni evento del contratto (adesioni inviate, approvate o rifiutate, "
                    "ordinativi) arrivano nella posta del sito e per e-mail. Nelle preferenze (/comunicazioni/preferenze/) "
                    "si sceglie una e-mail per ogni notifica oppure un riepilogo giornaliero.",
                ],
            ),
            (
                "Chiarimenti pubblicati",
                [
                    "Il CdC_Banditore può pubblicare un chiarimento, con la sua risposta, nel tab “Chiarimenti” del "
                    "contratto, visibile a tutti. La pubblicazione è anonima: il modulo propone il testo con i nomi di "
                    "chi ha chiesto, del suo ente, gli indirizzi e-mail e i numeri di telefono sostituiti da [omissis], "
                    "e rifiuta un testo che li contenga ancora. Il banditore può ritirare un chiarimento pubblicato.",
                ],
            ),
        ],
    ),
]

UTENTI = [
    # username, nome, cognome, email, codice fiscale
    ("editor", "Elena", "Redattori", "editor@regione.toscana.example", ""),
    ("banditore", "Marco", "Rossi", "rup.sct@regione.toscana.example", "RSSMRA80A01D612Y"),
    ("banditore2", "Giuseppe", "Verdi", "rup.rtrt@regione.toscana.example", "VRDGPP70C10D612C"),
    ("aderente", "Laura", "Bianchi", "laura.bianchi@comune.firenze.example", "BNCLRA75E45G999M"),
    ("aderente2", "Paola", "Neri", "paola.neri@comune.prato.example", "NREPLA82M50G999L"),
    ("oe", "Olga", "Esposito", "referente.sct@tim.example", "SPSLGO78M52G999H"),
    ("oe2", "Ottavio", "Elia", "referente@connettivita.example", "LEITTV69C21G999N"),
]


@functools.cache
def _pdf_modello(titolo, descrizione):
    from weasyprint import HTML  # heavy (weasyprint, ~1 s): loaded only when a PDF is made

    html = f"""<html lang="it"><head><meta charset="utf-8"><style>
      body {{ font-family: sans-serif; margin: 2cm; }} h1 {{ font-size: 18pt; }} .campo {{ border-bottom: 1px solid #000; height: 1.5em; margin: 1em 0; }}
    </style></head><body>
      <p>Regione Toscana – Sistema Cloud Toscana (CIG 7154112FF8)</p>
      <h1>{titolo}</h1><p>{descrizione}</p>
      <p>Amministrazione contraente:</p><div class="campo"></div>
      <p>Codice fiscale:</p><div class="campo"></div>
      <p>Luogo e data:</p><div class="campo"></div>
      <p>Firmato digitalmente dal Responsabile</p>
    </body></html>"""
    return HTML(string=html).write_pdf()


@functools.cache
def _pdf_manuale(titolo, sezioni):
    from weasyprint import HTML  # heavy (weasyprint, ~1 s): loaded only when a PDF is made

    corpo = "".join(
        f"<h2>{titolo_sezione}</h2>" + "".join(f"<p>{p}</p>" for p in paragrafi)
        for titolo_sezione, paragrafi in sezioni
    )
    html = f"""<html lang="it"><head><meta charset="utf-8"><title>{titolo}</title><style>
      body {{ font-family: sans-serif; margin: 2cm; font-size: 11pt; line-height: 1.4; }} h1 {{ font-size: 18pt; }}
      h2 {{ font-size: 13pt; margin-top: 1.2em; color: #0066cc; }}
    </style></head><body>
      <p>Regione Toscana – Negozio Elettronico del Sistema Cloud Toscana</p>
      <h1>{titolo}</h1>{corpo}
    </body></html>"""
    return HTML(string=html).write_pdf()


class DemoLoader:
    def __init__(self, stdout=None):
        self.stdout = stdout

    def log(self, msg):
        if self.stdout:
            self.stdout.write(msg)

    @transaction.atomic
    def run(self):
        enti = self.enti()
        operatori = self.operatori()
        utenti = self.utenti(enti, operatori)
        documenti = self.documenti()
        self.contratti(enti, operatori, utenti, documenti)
        self.documentazione(documenti, self.manuali())
        self.log("Dati dimostrativi caricati.")

    def enti(self):
        dati = [
            ("regione", "Regione Toscana", "01386030488", "regionetoscana@postacert.toscana.it", "048017"),
            ("firenze", "Comune di Firenze", "01307110484", "protocollo@pec.comune.fi.it", "048017"),
            ("prato", "Comune di Prato", "84006890481", "comune.prato@postacert.toscana.it", "100005"),
        ]
        enti = {}
        for chiave, nome, cf, pec, istat in dati:
            enti[chiave], _ = Ente.objects.update_or_create(
                codice_fiscale=cf,
                defaults={"denominazione": nome, "pec": pec, "codice_istat": istat, "codice_nuts": "ITI1"},
            )
        return enti

    def operatori(self):
        rti, _ = OperatoreEconomico.objects.update_or_create(
            codice_fiscale="00488410010",
            defaults={
                "denominazione": "RTI Telecom Italia S.p.A. – Sistema Cloud Toscana",
                "pec": "SCT.Toscana@pec.telecomitalia.it",
                "raggruppamento": True,
            },
        )
        membri = [
            ("Telecom Italia S.p.A.", "00488410010", "00488410010", "telecomitalia@pec.telecomitalia.it", "mandataria"),
            ("Cloud Toscana Servizi S.r.l.", "05724831002", "05724831002", "cloudtoscana@pec.example.it", "mandante"),
            ("Dati e Reti Toscane S.r.l.", "01234567897", "01234567897", "datiereti@pec.example.it", "mandante"),
        ]
        rti.membri.all().delete()
        for i, (nome, cf, piva, pec, ruolo) in enumerate(membri):
            MembroRTI.objects.create(
                operatore=rti,
                ragione_sociale=nome,
                codice_fiscale=cf,
                partita_iva=piva,
                pec=pec,
                ruolo=ruolo,
                sort_order=i,
            )
        altro, _ = OperatoreEconomico.objects.update_or_create(
            codice_fiscale="07396190964",
            defaults={
                "denominazione": "Connettività Toscana S.p.A.",
                "pec": "connettivita@pec.example.it",
                "raggruppamento": False,
            },
        )
        return {"rti": rti, "altro": altro}

    def utenti(self, enti, operatori):
        User = get_user_model()
        password = settings.SCT_DEMO_PASSWORD
        utenti = {}
        for username, nome, cognome, email, cf in UTENTI:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": nome, "last_name": cognome, "email": email}
            )
            if created:
                user.set_password(password)
                user.save()
            Profilo.objects.update_or_create(user=user, defaults={"codice_fiscale": cf})
            utenti[username] = user
        utenti["editor"].groups.add(Group.objects.get(name=ruoli.EDITOR))
        for username, ente in (("aderente", enti["firenze"]), ("aderente2", enti["prato"])):
            assegna_incarico(utenti[username], ente, Incarico.Ruolo.RESPONSABILE)
            assegna_incarico(utenti[username], ente, Incarico.Ruolo.RUP)
        # The banditore's staff act on contracts as utenti abilitati, not as aderenti of their own ente.
        for username in ("banditore", "banditore2"):
            Incarico.objects.filter(user=utenti[username], ruolo=Incarico.Ruolo.RUP).delete()
            assegna_incarico(utenti[username], enti["regione"], Incarico.Ruolo.OPERATORE)
        assegna_incarico(utenti["oe"], operatori["rti"], Incarico.Ruolo.OPERATORE)
        assegna_incarico(utenti["oe2"], operatori["altro"], Incarico.Ruolo.OPERATORE)
        return utenti

    def documenti(self):
        Document = get_document_model()
        collection = Collection.get_first_root_node()
        documenti = {}
        for codice, titolo, descrizione in MODELLI:
            doc = Document.objects.filter(title=titolo).first()
            if doc is None:
                doc = Document(title=titolo, collection=collection)
                doc.file.save(f"modello-{codice}.pdf", ContentFile(_pdf_modello(titolo, descrizione)), save=False)
                doc.save()
            documenti[codice] = (doc, titolo, descrizione)
        return documenti

    def manuali(self):
        Document = get_document_model()
        collection = Collection.get_first_root_node()
        manuali = []
        for codice, titolo, descrizione, sezioni in MANUALI:
            doc = Document.objects.filter(title=titolo).first()
            if doc is None:
                doc = Document(title=titolo, collection=collection)
                contenuto = _pdf_manuale(titolo, tuple((t, tuple(p)) for t, p in sezioni))
                doc.file.save(f"{codice}.pdf", ContentFile(contenuto), save=False)
                doc.save()
            manuali.append((doc, titolo, descrizione))
        return manuali

    def contratti(self, enti, operatori, utenti, documenti):
        indice = ContrattiIndexPage.objects.get()
        sct = self._contratto(
            indice,
            SCT_SLUG,
            title="Progettazione, realizzazione e gestione del Sistema Cloud Toscana, il community Cloud per la Pubblica Amministrazione in Toscana",
            tipo=ContrattoPage.Tipo.ACCORDO_QUADRO,
            descrizione=(
                "<p>Contratto Quadro per l'affidamento dei servizi per la progettazione, realizzazione e gestione del "
                "Sistema Cloud Toscana. Con Decreto n. 22595 del 02/10/2024 Regione Toscana ha prorogato il contratto "
                "quadro con decorrenza 03/10/2024 e con scadenza massima fissata dopo 270 giorni dalla stipula "
                "dell'Accordo Quadro con il nuovo aggiudicatario.</p>"
                "<p>Ipotesi A (proroga semplificata): manifestazione di interesse, poi proroga dell'atto di adesione "
                "con la scheda di sintesi. Ipotesi B: piano e progetto dei fabbisogni, manifestazione di interesse, "
                "poi atto di adesione con la scheda di sintesi e il Data Protection Agreement.</p>"
            ),
            cig="7154112FF8",
            cup="D11B17000180002",
            cpv="72000000-5",
            banditore=enti["regione"],
            aggiudicatario=operatori["rti"],
            importo_massimale=Decimal("150000000.00"),
            data_stipula=datetime.date(2018, 10, 3),
            data_decorrenza=datetime.date(2024, 10, 3),
            data_scadenza=datetime.date(2026, 12, 31),
            scadenza_adesioni_suggerita=datetime.date(2026, 10, 2),
            # The manual: after the manifestazione di interesse (round 0) is approved, "nuovo ordine".
            round_per_ordinare=0,
            prevede_ipotesi=True,
            adeguamento_listino=True,
            note_scadenza=(
                "<p>Dato che il termine della proroga del Contratto Quadro non è al momento determinato si invitano "
                "le amministrazioni a prevedere una durata dell'adesione con scadenza al 02/10/2026.</p>"
            ),
        )
        allegati = [documenti[c] for c, *_ in MODELLI]
        richieste = [
            (
                "adesione",
                0,
                "manifestazione-interesse",
                "Manifestazione di interesse alla proroga",
                "Modello “MANIFESTAZIONE DI INTERESSE ALLA PROROGA” compilato e firmato digitalmente dal Responsabile.",
                True,
                False,
                True,
            ),
            (
                "adesione",
                0,
                "piano-fabbisogni",
                "Piano dei Fabbisogni",
                "Il Piano dei Fabbisogni inviato al Fornitore (SOLO NEL CASO DI IPOTESI B).",
                True,
                True,
                False,
            ),
            (
                "adesione",
                0,
                "progetto-fabbisogni",
                "Progetto dei Fabbisogni",
                "Il Progetto dei Fabbisogni predisposto dal Fornitore e validato dall'Amministrazione (SOLO NEL CASO DI IPOTESI B).",
                True,
                True,
                False,
            ),
            (
                "adesione",
                1,
                "data-protection-agreement",
                "Data Protection Agreement sottoscritto dall'amministrazione",
                "Solo ipotesi B: il DPA firmato digitalmente dall'amministrazione contraente.",
                True,
                True,
                True,
            ),
            (
                "adesione",
                1,
                "referente-tecnico",
                "Comunicazione del referente tecnico",
                "Nominativo e recapiti del referente tecnico dell'amministrazione per l'avvio dei servizi.",
                False,
                False,
                False,
            ),
            (
                "ordinativo",
                0,
                "atto-adesione",
                "Atto di adesione / contratto attuativo (o proroga, per l'ipotesi A)",
                "Compilato e firmato digitalmente da un soggetto autorizzato ad impegnare l'amministrazione.",
                True,
                False,
                True,
            ),
        ]
        utenti_abilitati = [(utenti["banditore"], UtenteAbilitato.Ruolo.RUP)]
        self._figli(sct, allegati, richieste, utenti_abilitati)

        secondo = self._contratto(
            indice,
            SECONDO_SLUG,
            title="Servizi di connettività per la Rete Telematica Regionale Toscana",
            tipo=ContrattoPage.Tipo.CONVENZIONE,
            descrizione="<p>Convenzione per i servizi di connettività e sicurezza per gli enti della Rete Telematica Regionale Toscana (dati dimostrativi).</p>",
            cig="9A1B2C3D4E",
            cup="",
            cpv="64200000-8",
            banditore=enti["regione"],
            aggiudicatario=operatori["altro"],
            importo_massimale=Decimal("25000000.00"),
            data_stipula=datetime.date(2023, 3, 1),
            data_decorrenza=datetime.date(2023, 3, 1),
            data_scadenza=datetime.date(2027, 2, 28),
            scadenza_adesioni_suggerita=datetime.date(2027, 2, 28),
            round_per_ordinare=None,
            prevede_ipotesi=False,
            adeguamento_listino=False,
            note_scadenza="",
        )
        self._figli(
            secondo,
            [documenti["atto-adesione"], documenti["comunicazione-tracciabilita"]],
            [
                (
                    "adesione",
                    0,
                    "manifestazione-interesse",
                    "Manifestazione di interesse",
                    "Firmata digitalmente dal Responsabile.",
                    True,
                    False,
                    True,
                ),
                (
                    "ordinativo",
                    0,
                    "atto-adesione",
                    "Atto di adesione / contratto attuativo",
                    "Firmato digitalmente.",
                    True,
                    False,
                    True,
                ),
            ],
            [(utenti["banditore2"], UtenteAbilitato.Ruolo.RUP)],
        )

    def _contratto(self, indice, slug, **campi):
        pagina = ContrattoPage.objects.filter(slug=slug).first()
        if pagina is None:
            pagina = ContrattoPage(slug=slug, **campi)
            indice.add_child(instance=pagina)
        else:
            for k, v in campi.items():
                setattr(pagina, k, v)
        return pagina

    def _figli(self, pagina, allegati, richieste, utenti_abilitati):
        pagina.documenti_allegati = [
            DocumentoAllegato(titolo=titolo, documento=doc, descrizione=descr) for doc, titolo, descr in allegati
        ]
        pagina.richieste_documenti = [
            RichiestaDocumento(
                fase=fase,
                round=rnd,
                codice=codice,
                etichetta=etichetta,
                descrizione=descr,
                obbligatorio=obbl,
                solo_ipotesi_b=solo_b,
                firma_digitale=firma,
            )
            for fase, rnd, codice, etichetta, descr, obbl, solo_b, firma in richieste
        ]
        pagina.utenti_abilitati = [UtenteAbilitato(user=u, ruolo=r) for u, r in utenti_abilitati]
        pagina.save_revision().publish()

    def documentazione(self, documenti, manuali):
        indice = DocumentazioneIndexPage.objects.get()
        indice.intro = "<p>Istruzioni operative, domande frequenti e modelli dei documenti del Negozio Elettronico.</p>"
        indice.save_revision().publish()
        pagine = [
            (
                "istruzioni",
                "Istruzioni per l'adesione al Sistema Cloud Toscana",
                DocumentazionePage.Categoria.ISTRUZIONI,
                "Come aderire alla proroga: ipotesi A (proroga semplificata) e ipotesi B.",
                self._corpo_istruzioni()
                + [("titolo", "Manuali")]
                + [("modello", {"titolo": t, "documento": d, "descrizione": descr}) for d, t, descr in manuali],
            ),
            (
                "modelli",
                "Modelli dei documenti",
                DocumentazionePage.Categoria.MODELLI,
                "I modelli da scaricare, compilare e firmare digitalmente.",
                [
                    ("modello", {"titolo": t, "documento": d, "descrizione": descr})
                    for d, t, descr in documenti.values()
                ],
            ),
            (
                "faq",
                "Domande frequenti",
                DocumentazionePage.Categoria.FAQ,
                "Le risposte alle domande più comuni degli enti aderenti.",
                self._corpo_faq(),
            ),
        ]
        for slug, titolo, categoria, sommario, corpo in pagine:
            pagina = DocumentazionePage.objects.filter(slug=slug).first()
            if pagina is None:
                pagina = DocumentazionePage(slug=slug, title=titolo)
                indice.add_child(instance=pagina)
            pagina.title, pagina.categoria, pagina.sommario, pagina.corpo = titolo, categoria, sommario, corpo
            pagina.save_revision().publish()

    @staticmethod
    def _corpo_istruzioni():
        return [
            ("titolo", "Ipotesi A – proroga semplificata"),
            (
                "paragrafo",
                "<p>Le amministrazioni presentano in sequenza una manifestazione di interesse con l'indicazione della durata della proroga e dell'importo di adesione previsto e poi il documento di PROROGA DI ATTO DI ADESIONE - CONTRATTO ATTUATIVO comprensivo della scheda di sintesi predisposta dal sistema. Non devono essere ripresentati il piano ed il progetto dei fabbisogni.</p>",
            ),
            (
                "avviso",
                "<p>Nell'ipotesi A NON deve essere caricata documentazione negli spazi predisposti denominati Piano dei Fabbisogni e Progetto dei Fabbisogni.</p>",
            ),
            ("titolo", "Ipotesi B"),
            (
                "paragrafo",
                "<p>L'Amministrazione contraente invia al Fornitore tramite PEC all'indirizzo SCT.Toscana@pec.telecomitalia.it il Piano dei fabbisogni; il Fornitore inoltra un dettagliato Progetto dei Fabbisogni. Sul Negozio Elettronico l'amministrazione invia la manifestazione di interesse con il piano e il progetto dei fabbisogni.</p>",
            ),
            ("titolo", "Importo di adesione"),
            (
                "paragrafo",
                "<p>Con decreto n. 6687 del 04/04/2023 (modificato con decreto n. 8220 del 26/4/2023) è stato applicato a ciascuna voce del listino un incremento del 4,9% con decorrenza dal mese di aprile 2023. Qualora il piano dei fabbisogni sia stato redatto precedentemente a tale periodo il calcolo dell'importo di adesione dovrà essere adeguato sulla base di tale incremento.</p>",
            ),
            ("titolo", "Ordinativo di fornitura"),
            (
                "paragrafo",
                "<p>Dopo l'approvazione della manifestazione di interesse, dal tab “elenco ordinativi” del contratto si clicca “nuovo ordine”, si compila il modulo “Richiedi CIG” e si prosegue con “Vai all'ordine”. Le azioni “Conferma appalto” e “Acquisisci CIG” devono essere compiute dal RUP dell'amministrazione aderente autenticato con SPID, CIE o CNS.</p>",
            ),
        ]

    @staticmethod
    def _corpo_faq():
        return [
            (
                "faq",
                {
                    "domanda": "Chi deve cliccare “Conferma appalto” e “Acquisisci CIG”?",
                    "risposta": "<p>Il RUP dell'amministrazione aderente, autenticato con SPID, CIE o CNS. Le altre attività possono essere compiute con nome utente e password.</p>",
                },
            ),
            (
                "faq",
                {
                    "domanda": "La mia manifestazione di interesse è stata rifiutata: cosa devo fare?",
                    "risposta": "<p>Dal tab “elenco adesioni” apri l'adesione tornata in bozza con l'icona occhio, clicca “elimina bozza” e ripeti il round 0 con “richiedi adesione”.</p>",
                },
            ),
            (
                "faq",
                {
                    "domanda": "A chi devo inviare i documenti firmati dopo il nulla osta?",
                    "risposta": "<p>Oltre che caricati in piattaforma, vanno inviati al Fornitore tramite PEC all'indirizzo SCT.Toscana@pec.telecomitalia.it.</p>",
                },
            ),
        ]
