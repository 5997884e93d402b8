"""The permission matrix: every URL of the site (and the admin views that expose the contract's
records) × every role, with the expected answer.

An answer is a status code, or ``LOGIN`` (302 to the site's login), ``ADMIN_LOGIN`` (302 to the
admin login), ``REDIRECT`` (any other 302). ``attese(default, **per_ruolo)`` builds a row.

URL templates use the placeholders of ``dati.valori`` (``{sct}`` is the SCT contract's address,
``{adesione_inviata}`` the pk of that record…). ``test_copertura_urlconf`` resolves every address
walked here and fails if a URL pattern of the site, a route of a routable page or a view of our
admin viewsets is not walked (or not listed in ``ESENTI`` with the reason).
"""

from dataclasses import dataclass, field

RUOLI = ("anonimo", "aderente", "aderente2", "oe", "oe2", "banditore", "banditore2", "editor")
LOGIN = "login"
ADMIN_LOGIN = "admin-login"
REDIRECT = "redirect"
NEGATO_ADMIN = "negato-admin"  # Wagtail's answer to a user without the permission: 302 to the dashboard
DESCRIZIONE_ATTESE = {
    LOGIN: "302 al login",
    ADMIN_LOGIN: "302 al login dell'admin",
    REDIRECT: "302",
    NEGATO_ADMIN: "302 alla dashboard (permesso negato)",
}
# Answers that refuse the request: such a request must not write anything in the database.
NON_AUTORIZZATI = frozenset({LOGIN, ADMIN_LOGIN, NEGATO_ADMIN, 403, 404, 405})
RIFIUTI = NON_AUTORIZZATI | {400}


@dataclass(frozen=True)
class Rifiuto:
    """An answer that is not a refusal by its code (e.g. a 302 back with an error message) but where
    the request is refused: nothing may be written."""

    valore: object

    def __str__(self):
        return f"{DESCRIZIONE_ATTESE.get(self.valore, self.valore)} senza scritture"


def attese(default, **per_ruolo):
    sconosciuti = set(per_ruolo) - set(RUOLI)
    assert not sconosciuti, sconosciuti
    return {r: per_ruolo.get(r, default) for r in RUOLI}


@dataclass(frozen=True)
class Voce:
    metodo: str
    url: str  # template with the placeholders of dati.valori
    attese: dict
    descrizione: str = ""
    corpo: dict = field(default_factory=dict)  # POST data (values may be placeholders too)
    json: bool = False  # POST the body as JSON
    spid: bool = False  # the user first authenticates with the simulated SPID (level 2)

    @property
    def chiave(self):
        """Unique and stable: the test id of the cells and the row of the report."""
        extra = "".join(f" {k}={v}" for k, v in sorted(self.corpo.items())) if self.corpo and not self.json else ""
        return f"{self.metodo} {self.url}{extra}{' [SPID]' if self.spid else ''}"


def _record(vedono, operano=None, *, vedere=200, operare=None, chi_vede=403, altri=404, anonimo=LOGIN):
    """A member page of a private record: ``vedono`` read it (answer ``vedere``). For an action
    (``operano`` given, even empty) ``operano`` act (answer ``operare``) and who reads but may not
    act gets ``chi_vede``. Everybody else gets ``altri``."""
    righe = {}
    for r in RUOLI:
        if r == "anonimo":
            righe[r] = anonimo
        elif operano and r in operano:
            righe[r] = operare if operare is not None else vedere
        elif r in vedono:
            righe[r] = vedere if operano is None else chi_vede
        else:
            righe[r] = altri
    return righe


# Who reads which record (the permission model as built).
V_ADESIONE_BOZZA = {"aderente2", "banditore"}  # Prato's draft
V_ADESIONE_INVIATA = {"aderente", "banditore"}  # Firenze's, waiting for approval
V_ADESIONE_ELIMINATA = {"aderente", "banditore"}  # Firenze's, eliminated after a non-approval (kept)
V_ORDINATIVO_BOZZA = {"aderente"}  # a draft never sent: the ente alone, not the banditore
V_ORDINATIVO = {"aderente", "banditore"}  # inviato; the ANAC side of every ordinativo once sent
V_ORDINATIVO_APPROVATO = {"aderente", "banditore", "oe"}
V_MESSAGGIO = {"aderente", "banditore"}
TUTTI_200 = attese(200)
SOLO_LOGIN = attese(200, anonimo=LOGIN)


def _pubbliche():
    return [
        Voce("GET", "/", TUTTI_200, "home page"),
        Voce("GET", "/contratti/", TUTTI_200, "elenco contratti"),
        Voce("GET", "/contratti/?q=cloud&page=99", TUTTI_200, "elenco contratti, ricerca e pagina inesistente"),
        Voce("GET", "{sct}", TUTTI_200, "pagina del contratto SCT (tab per ruolo)"),
        Voce("GET", "{secondo}", TUTTI_200, "pagina dell'altro contratto"),
        Voce("GET", "/documentazione/", TUTTI_200, "documentazione"),
        Voce("GET", "{documentazione}", TUTTI_200, "una pagina di documentazione"),
        Voce("GET", "/privacy/", TUTTI_200, "informativa privacy"),
        Voce("GET", "/note-legali/", TUTTI_200, "note legali"),
        Voce("GET", "/cookie/", TUTTI_200, "informativa cookie"),
        Voce("GET", "{documento_pubblico}", TUTTI_200, "documento pubblico allegato al contratto (Wagtail)"),
        Voce(
            "GET",
            "/documenti/authenticate_with_password/999999/",
            attese(404),
            "password di un documento (inesistente)",
        ),
        Voce(
            "GET",
            "/_util/authenticate_with_password/999999/{sct_id}/",
            attese(404),
            "password di una pagina (inesistente)",
        ),
        Voce("GET", "/_util/login/", TUTTI_200, "login delle pagine private di Wagtail"),
        Voce("GET", "/pagina-che-non-esiste/", attese(404), "indirizzo inesistente"),
        Voce("GET", "/health/", TUTTI_200, "stato dei servizi"),
        Voce("GET", "/favicon.ico", TUTTI_200, "icona del sito"),
        Voce("GET", "/area-riservata/", SOLO_LOGIN, "area riservata"),
        Voce("GET", "/account/accedi/", TUTTI_200, "login"),
        Voce("POST", "/account/esci/", attese(REDIRECT), "logout"),
        Voce("GET", "/account/password/reimposta/", TUTTI_200, "reimposta password"),
        Voce("GET", "/account/password/reimposta/inviata/", TUTTI_200),
        Voce("GET", "/account/password/reimposta/MQ/token-non-valido/", TUTTI_200, "link di reimpostazione non valido"),
        Voce("GET", "/account/password/reimposta/completata/", TUTTI_200),
        Voce("GET", "/documenti-privati/firma-di-prova/", SOLO_LOGIN, "firma di prova (solo demo)"),
        Voce("GET", "/documenti-privati/firma-di-prova/ca.pem", SOLO_LOGIN, "certificato della CA di prova"),
        Voce("GET", "/identita/", SOLO_LOGIN, "stato dell'autenticazione forte"),
        Voce("GET", "/identita/spid-simulato/", TUTTI_200, "SPID simulato (solo demo e test)"),
        Voce("GET", "/identita/oidc/avvia/", attese(404), "avvio OIDC (spento nei test)"),
        Voce("GET", "/identita/oidc/callback/", attese(404), "callback OIDC (spento nei test)"),
        Voce("GET", "/identita/cns/", attese(404), "accesso CNS (spento nei test)"),
        # Only for who uses the admin (QR code of a new TOTP device, or the code).
        Voce(
            "GET",
            "/identita/due-fattori/",
            attese(404, anonimo=LOGIN, banditore=200, banditore2=200, editor=200),
            "verifica in due passaggi dello staff dell'admin",
        ),
        Voce(
            "POST",
            "/identita/due-fattori/",
            attese(404, anonimo=LOGIN, banditore=400, banditore2=400, editor=400),
            "codice errato",
            corpo={"codice": "12ab"},
        ),
        Voce(
            "POST",
            "/identita/csp-report/",
            attese(204),
            "rapporti CSP",
            corpo={"csp-report": {"blocked-uri": "x"}},
            json=True,
        ),
    ]


def _adesioni():
    bozza, inviata = "{sct}adesioni/{adesione_bozza}/", "{sct}adesioni/{adesione_inviata}/"
    eliminata = "{sct}adesioni/{adesione_eliminata}/"
    vb, vi, ve = V_ADESIONE_BOZZA, V_ADESIONE_INVIATA, V_ADESIONE_ELIMINATA
    return [
        # Nobody may start a new adesione: Firenze and Prato already have one open, the others are no ente.
        Voce("GET", "{sct}adesioni/nuova/", attese(403, anonimo=LOGIN), "richiedi adesione"),
        Voce("POST", "{sct}adesioni/nuova/", attese(403, anonimo=LOGIN), "richiedi adesione (invio)"),
        Voce("GET", bozza, _record(vb), "riepilogo adesione in bozza (Prato)"),
        Voce("GET", inviata, _record(vi), "riepilogo adesione inviata (Firenze)"),
        # The state polled by the riepilogo (JSON): the same readers; 403 in JSON without login.
        Voce("GET", bozza + "stato/", _record(vb, anonimo=403), "stato dell'adesione, JSON (bozza)"),
        Voce("GET", inviata + "stato/", _record(vi, anonimo=403), "stato dell'adesione, JSON (inviata)"),
        Voce(
            "GET",
            "{secondo}adesioni/{adesione_inviata}/",
            attese(404, anonimo=LOGIN),
            "adesione SCT sotto l'indirizzo dell'altro contratto",
        ),
        Voce("GET", bozza + "modifica/", _record(vb, {"aderente2"}), "modifica bozza"),
        Voce("POST", bozza + "modifica/", _record(vb, {"aderente2"}, operare=400), "modifica bozza (invio)"),
        Voce("GET", inviata + "modifica/", _record(vi, {"aderente"}, operare=REDIRECT), "modifica adesione inviata"),
        Voce("POST", inviata + "modifica/", _record(vi, {"aderente"}, operare=Rifiuto(REDIRECT))),
        Voce("GET", bozza + "invia/", _record(vb, {"aderente2"}), "conferma invio"),
        Voce("POST", bozza + "invia/", _record(vb, {"aderente2"}, operare=REDIRECT), "invio della bozza"),
        Voce("POST", inviata + "invia/", _record(vi, {"aderente"}, operare=400), "invio di un'adesione già inviata"),
        Voce("POST", inviata + "ritira/", _record(vi, {"aderente"}, operare=REDIRECT), "ritira invio"),
        Voce("POST", bozza + "ritira/", _record(vb, {"aderente2"}, operare=400), "ritira una bozza"),
        Voce("GET", bozza + "elimina/", _record(vb, {"aderente2"}), "conferma eliminazione"),
        Voce("POST", bozza + "elimina/", _record(vb, {"aderente2"}, operare=REDIRECT), "elimina bozza"),
        Voce("POST", inviata + "elimina/", _record(vi, {"aderente"}, operare=400), "elimina adesione inviata"),
        Voce("POST", bozza + "documenti/", _record(vb, {"aderente2"}, operare=400), "carica documenti del round"),
        Voce("POST", inviata + "documenti/", _record(vi, {"aderente"}, operare=400)),
        Voce("GET", bozza + "documenti/{doc_adesione_bozza}/", _record(vb), "scarica documento (bozza)"),
        Voce("GET", inviata + "documenti/{doc_adesione_inviata}/", _record(vi), "scarica documento (inviata)"),
        Voce(
            "GET",
            inviata + "documenti/{doc_adesione_bozza}/",
            attese(404, anonimo=LOGIN),
            "documento di un'altra adesione sotto questa",
        ),
        # Eliminated after a non-approval: kept (read-only) for the ente and the banditore, no action.
        Voce("GET", eliminata, _record(ve), "riepilogo adesione eliminata (Firenze)"),
        Voce("GET", eliminata + "documenti/{doc_adesione_eliminata}/", _record(ve), "scarica documento (eliminata)"),
        Voce(
            "GET", eliminata + "modifica/", _record(ve, {"aderente"}, operare=REDIRECT), "modifica adesione eliminata"
        ),
        Voce("GET", eliminata + "invia/", _record(ve, {"aderente"}, operare=REDIRECT), "conferma invio (eliminata)"),
        Voce("POST", eliminata + "invia/", _record(ve, {"aderente"}, operare=400), "invio di un'adesione eliminata"),
        Voce("POST", eliminata + "ritira/", _record(ve, {"aderente"}, operare=400), "ritira (eliminata)"),
        Voce(
            "GET",
            eliminata + "elimina/",
            _record(ve, {"aderente"}, operare=REDIRECT),
            "conferma eliminazione (eliminata)",
        ),
        Voce("POST", eliminata + "elimina/", _record(ve, {"aderente"}, operare=400), "elimina di nuovo"),
        Voce("POST", eliminata + "documenti/", _record(ve, {"aderente"}, operare=400), "carica documenti (eliminata)"),
    ]


def _ordinativi():
    b, i, a = (
        "{sct}ordinativi/{ordinativo_bozza}/",
        "{sct}ordinativi/{ordinativo_inviato}/",
        "{sct}ordinativi/{ordinativo_approvato}/",
    )
    vb, vo, va = V_ORDINATIVO_BOZZA, V_ORDINATIVO, V_ORDINATIVO_APPROVATO
    ad = {"aderente"}
    voci = [
        # With SPID level 2 every user is authenticated strongly as himself: only the RUP acts.
        Voce(
            "POST",
            b + "conferma-appalto/",
            _record(vb, ad, operare=REDIRECT),
            "Conferma appalto con SPID (bozza)",
            spid=True,
        ),
        Voce("POST", b + "acquisisci-cig/", _record(vb, ad, operare=400), "Acquisisci CIG con SPID (bozza)", spid=True),
        Voce("GET", "{sct}ordinativi/nuovo/", attese(403, anonimo=LOGIN, aderente=200), "nuovo ordine (Richiedi CIG)"),
        Voce("POST", "{sct}ordinativi/nuovo/", attese(403, anonimo=LOGIN, aderente=400), "Richiedi CIG (invio)"),
        Voce(
            "GET",
            "{secondo}ordinativi/{ordinativo_approvato}/",
            attese(404, anonimo=LOGIN),
            "ordinativo SCT sotto l'indirizzo dell'altro contratto",
        ),
        Voce(
            "GET",
            a + "documenti/{doc_ordinativo_bozza}/",
            attese(404, anonimo=LOGIN),
            "documento di un altro ordinativo sotto questo",
        ),
    ]
    for url, vedono, stato in ((b, vb, "bozza"), (i, vo, "inviato"), (a, va, "approvato")):
        bozza = stato == "bozza"
        approvato = stato == "approvato"
        anac = vb if bozza else vo
        riga = f"{{riga_ordinativo_{stato}}}"
        voci += [
            Voce("GET", url, _record(vedono), f"passo 1 ({stato})"),
            Voce("POST", url + "passo-1/riga/", _record(vedono, ad, operare=400), f"aggiungi riga ({stato})"),
            Voce(
                "POST",
                url + "passo-1/elimina-riga/",
                _record(vedono, ad, operare=REDIRECT if bozza else 400),
                f"elimina riga ({stato})",
                corpo={"riga": riga},
            ),
            Voce("POST", url + "passo-1/documenti/", _record(vedono, ad, operare=400), f"carica atto ({stato})"),
            Voce(
                "POST",
                url + "passo-1/adesione/",
                _record(vedono, ad, operare=REDIRECT if bozza else 400),
                f"scegli adesione ({stato})",
                corpo={"adesione": "{adesione_approvata}"},
            ),
            Voce(
                "POST", url + "passo-1/sconosciuta/", _record(vedono, ad, operare=404), f"azione inesistente ({stato})"
            ),
            # Without a strong authentication even the RUP is refused (403 with the step-up link).
            Voce("POST", url + "conferma-appalto/", _record(vedono, ad, operare=403), f"Conferma appalto ({stato})"),
            Voce("POST", url + "acquisisci-cig/", _record(vedono, ad, operare=403), f"Acquisisci CIG ({stato})"),
            Voce("GET", url + "stato/", _record(vedono, anonimo=403), f"stato ANAC, JSON ({stato})"),
            Voce("GET", url + "passo-2/", _record(vedono, vedere=REDIRECT), f"passo 2 ({stato})"),
            Voce(
                "POST", url + "passo-2/", _record(vedono, vedere=Rifiuto(REDIRECT)), f"carica scheda firmata ({stato})"
            ),
            Voce(
                "GET",
                url + "scheda-di-sintesi/",
                _record(vedono, vedere=REDIRECT if bozza else 200),
                f"scheda di sintesi ({stato})",
            ),
            Voce("GET", url + "passo-3/", _record(vedono), f"passo 3 ({stato})"),
            Voce("GET", url + "invia/", _record(vedono, ad), f"conferma invio ({stato})"),
            Voce("POST", url + "invia/", _record(vedono, ad, operare=400), f"invia ({stato})"),
            # "chiudi ordinativo" only for a rejected one: in these states back to passo 3, or 400.
            Voce("GET", url + "chiudi/", _record(vedono, ad, operare=REDIRECT), f"conferma chiusura ({stato})"),
            Voce("POST", url + "chiudi/", _record(vedono, ad, operare=400), f"chiudi ordinativo ({stato})"),
            # The ANAC side (Log Trasmissioni, Richiedi CIG): the ente and the banditore, never the OE.
            Voce("GET", url + "log-trasmissioni/", _record(anac), f"Log Trasmissioni ({stato})"),
            Voce("GET", url + "richiedi-cig/", _record(anac), f"Richiedi CIG ({stato})"),
            Voce(
                "POST",
                url + "richiedi-cig/",
                _record(anac, ad, operare=400),
                f"Richiedi CIG, modifica ({'dati mancanti' if bozza else 'non modificabile'}, {stato})",
            ),
            Voce("GET", url + f"documenti/{{doc_ordinativo_{stato}}}/", _record(vedono), f"scarica atto ({stato})"),
            Voce(
                "GET",
                url + "documenti-firmati/",
                _record(vedono, ad if approvato else set(), operare=200, chi_vede=404),
                f"pacchetto firmato ({stato})",
            ),
            Voce(
                "POST",
                url + "documenti-fornitore/",
                _record(vedono, {"oe"} if approvato else set(), operare=400),
                f"documenti del fornitore ({stato})",
            ),
            # The blue "esito" button posts to the esiti route (the draft esito, then its publication form).
            Voce(
                "POST",
                f"/esiti/ordinativi/{{ordinativo_{stato}}}/esito/",
                _record(vedono, ad, operare=REDIRECT if approvato else Rifiuto(REDIRECT)),
                f"pulsante esito ({stato})",
            ),
        ]
        if not bozza:
            voci.append(Voce("GET", url + "documenti/0/", _record(vedono), f"scheda firmata ({stato})"))
    return voci


def _schede():
    """Schede ANAC of the approved ordinativo: the ente's users and the banditore (read-only) see them,
    never the OE; the Responsabile/Buyer or RUP prepares and deletes drafts; only the RUP with SPID,
    CIE or CNS sends and verifies."""
    from contratti.models import ContrattoPage

    if not hasattr(ContrattoPage, "schede_elenco"):  # the schede feature is not in this tree
        return []
    a = "{sct}ordinativi/{ordinativo_approvato}/schede/"
    s = a + "{scheda}/"
    vs = {"aderente", "banditore"}
    ad = {"aderente"}
    return [
        Voce("GET", a, _record(vs), "schede ANAC dell'ordinativo"),
        Voce("GET", a + "nuova/ann/", _record(vs, ad), "nuova scheda ANN"),
        Voce("POST", a + "nuova/ann/", _record(vs, ad, operare=400), "nuova scheda ANN (incompleta)"),
        Voce("GET", a + "nuova/xyz/", attese(404, anonimo=LOGIN), "tipo di scheda inesistente"),
        Voce("GET", s, _record(vs), "scheda SC1 in bozza"),
        Voce("POST", s, _record(vs, ad, operare=400), "salva la scheda (incompleta)"),
        Voce("GET", s + "log-trasmissioni/", _record(vs), "log trasmissioni della scheda"),
        Voce("GET", a + "stato/", _record(vs, anonimo=403), "stato delle schede, JSON"),
        Voce("GET", s + "stato/", _record(vs, anonimo=403), "stato della scheda, JSON"),
        Voce("POST", s + "invia/", _record(vs, ad, operare=403), "invia la scheda (senza SPID)"),
        Voce("POST", s + "verifica-invio/", _record(vs, ad, operare=403), "verifica invio (senza SPID)"),
        Voce("GET", s + "elimina/", _record(vs, ad), "conferma eliminazione della scheda"),
        Voce("POST", s + "elimina/", _record(vs, ad, operare=REDIRECT), "elimina la scheda"),
        Voce(
            "GET",
            "{sct}ordinativi/{ordinativo_bozza}/schede/{scheda}/",
            attese(404, anonimo=LOGIN),
            "scheda di un altro ordinativo sotto questo",
        ),
    ]


def _esiti():
    bozza, pubblicato = "{esiti}{esito_bozza}/", "{esiti}{esito_pubblicato}/"
    solo_ente = attese(404, anonimo=LOGIN, aderente=200)
    return [
        Voce("GET", "{esiti}", TUTTI_200, "Aggiudicazioni e affidamenti"),
        Voce("GET", "{esiti}?q=Riservato&anno=2025", TUTTI_200, "ricerca negli esiti"),
        Voce("GET", bozza, attese(404, aderente=200), "esito in bozza"),
        Voce("GET", pubblicato, TUTTI_200, "esito pubblicato"),
        Voce("GET", bozza + "pubblica/", solo_ente, "modulo di pubblicazione (bozza)"),
        Voce("POST", bozza + "pubblica/", attese(404, anonimo=LOGIN, aderente=400), "salva e pubblica (dati mancanti)"),
        Voce(
            "GET", pubblicato + "pubblica/", attese(404, anonimo=LOGIN, aderente=REDIRECT), "modulo su esito pubblicato"
        ),
        Voce("GET", bozza + "pubblica/riepilogo/", attese(404, anonimo=LOGIN, aderente=REDIRECT), "riepilogo (bozza)"),
        Voce(
            "POST",
            bozza + "pubblica/riepilogo/",
            attese(404, anonimo=LOGIN, aderente=Rifiuto(REDIRECT)),
            "salva e procedi (dati mancanti)",
        ),
        Voce(
            "POST",
            pubblicato + "ritira/",
            attese(403, anonimo=LOGIN, banditore=200, editor=200),
            "ritira esito (senza motivo)",
        ),
        Voce(
            "POST",
            pubblicato + "ritira/",
            attese(403, anonimo=LOGIN, banditore=REDIRECT, editor=REDIRECT),
            "ritira esito (con motivo)",
            corpo={"motivo": "Prova di ritiro della matrice"},
        ),
        Voce("POST", bozza + "ritira/", attese(404, anonimo=LOGIN, aderente=Rifiuto(REDIRECT)), "ritira una bozza"),
        Voce("GET", pubblicato + "ritira/", attese(REDIRECT), "ritira (GET)"),
        Voce("GET", "{esiti}dati-aperti/", TUTTI_200, "dati aperti"),
        Voce("GET", "{esiti}dati-aperti/csv/", TUTTI_200, "CSV"),
        Voce("GET", "{esiti}dati-aperti/csv-fogli-di-calcolo/", TUTTI_200, "CSV per fogli di calcolo"),
        Voce("GET", "{esiti}dati-aperti/xlsx/", TUTTI_200, "XLSX"),
        Voce("GET", "{esiti}dati-aperti/ocds/", TUTTI_200, "OCDS"),
        Voce("GET", "{esiti}dati-aperti/l190/{anno_esito}/{cf_firenze}/", TUTTI_200, "L. 190/2012"),
        Voce("GET", "{esiti}dati-aperti/feed/", TUTTI_200, "feed Atom"),
        Voce("GET", "{esiti}dati-aperti/catalogo/", TUTTI_200, "catalogo DCAT-AP_IT"),
    ]


def _comunicazioni():
    parti = attese(403, anonimo=LOGIN, aderente=200, aderente2=200, oe=200, banditore=200)
    msg, chiar = "/comunicazioni/messaggio/{messaggio}/", "/comunicazioni/messaggio/{chiarimento_msg}/"
    return [
        Voce("GET", "/comunicazioni/", SOLO_LOGIN, "posta"),
        Voce("GET", "/comunicazioni/?stato=non_lette&contratto={sct_id}", SOLO_LOGIN, "posta filtrata"),
        Voce("GET", "/comunicazioni/preferenze/", SOLO_LOGIN, "preferenze e-mail"),
        Voce("POST", "/comunicazioni/preferenze/", attese(400, anonimo=LOGIN), "preferenze (valore mancante)"),
        Voce("GET", "/comunicazioni/contratto/{sct_id}/", parti, "comunicazioni del contratto"),
        Voce("GET", "/comunicazioni/contratto/{sct_id}/scrivi/", parti, "nuovo messaggio"),
        Voce(
            "POST",
            "/comunicazioni/contratto/{sct_id}/scrivi/",
            {**parti, **{r: 400 for r in RUOLI if parti[r] == 200}},
            "nuovo messaggio (incompleto)",
        ),
        Voce("GET", "/comunicazioni/contratto/999999/", attese(404, anonimo=LOGIN), "contratto inesistente"),
        Voce("GET", msg, _record(V_MESSAGGIO), "messaggio di Firenze al banditore"),
        Voce("GET", msg + "rispondi/", _record(V_MESSAGGIO, {"banditore"}), "rispondi"),
        Voce("POST", msg + "rispondi/", _record(V_MESSAGGIO, {"banditore"}, operare=400), "rispondi (incompleto)"),
        Voce("GET", chiar + "pubblica/", _record(V_MESSAGGIO, {"banditore"}), "pubblica chiarimento"),
        Voce("POST", chiar + "pubblica/", _record(V_MESSAGGIO, {"banditore"}, operare=400), "pubblica (incompleto)"),
        Voce(
            "POST",
            "/comunicazioni/chiarimento/{chiarimento}/ritira/",
            attese(403, anonimo=LOGIN, banditore=REDIRECT),
            "ritira chiarimento pubblicato (pubblico)",
        ),
        Voce(
            "POST",
            "/comunicazioni/consegna/{consegna}/ritenta/",
            _record(V_MESSAGGIO, {"aderente"}, operare=Rifiuto(REDIRECT)),
            "ritenta e-mail (consegna non in errore)",
        ),
        Voce("GET", "/comunicazioni/allegato/{allegato}/", _record(V_MESSAGGIO), "scarica allegato"),
    ]


def _audit():
    return [
        Voce(
            "GET",
            "/audit/contratto/{sct_id}/",
            attese(404, anonimo=LOGIN, banditore=200),
            "registro di audit del contratto",
        ),
        Voce(
            "GET",
            "/audit/contratto/{sct_id}/?azione=adesione.inviata&page=2",
            attese(404, anonimo=LOGIN, banditore=200),
            "registro filtrato",
        ),
        Voce(
            "GET",
            "/audit/contratto/{secondo_id}/",
            attese(404, anonimo=LOGIN, banditore2=200),
            "registro dell'altro contratto",
        ),
    ]


# ------------------------------------------------------------------------------------------ admin

# ------------------------------------------------------------------------------------------ admin

NON_AMMESSI_ADMIN = ("anonimo", "aderente", "aderente2", "oe", "oe2")  # no wagtailadmin.access_admin


def _admin(default, **per_ruolo):
    """Users without access to the admin are sent to its login; ``default`` for the others."""
    return attese(default, **{r: ADMIN_LOGIN for r in NON_AMMESSI_ADMIN}, **per_ruolo)


def _snippet_contratto(modello, record, ts, ws, rev):
    """Snippets of a contract's records. The banditore of SCT reads them (read-only: he decides
    through the workflow actions); the banditore of the other contract has the model-wide "view"
    (he manages a contract) and sees an empty list, but no SCT record opens for him (404); the editor
    holds no permission on these records."""
    base = f"/admin/snippets/contratti/{modello}/"
    scelta = f"/admin/snippets/choose/contratti/{modello}/"
    r = f"{{{record}}}"
    leggi = _admin(404, banditore=200)
    elenco = _admin(200, editor=NEGATO_ADMIN)
    mai = _admin(NEGATO_ADMIN)
    sola_lettura = _admin(404, banditore={403, 405, NEGATO_ADMIN})
    negato_anche_al_banditore = _admin(404, banditore=NEGATO_ADMIN)
    return [
        Voce("GET", base, elenco, f"snippet {modello}: elenco"),
        Voce("GET", base + "results/", elenco, f"snippet {modello}: risultati"),
        Voce("GET", base + "?q=2", elenco, f"snippet {modello}: ricerca"),
        Voce("GET", base + "add/", mai, f"snippet {modello}: aggiungi"),
        Voce("POST", base + "add/", mai, f"snippet {modello}: aggiungi (invio)"),
        Voce("GET", base + f"edit/{r}/", leggi, f"snippet {modello}: scheda (sola lettura)"),
        Voce("POST", base + f"edit/{r}/", sola_lettura, f"snippet {modello}: salvataggio della scheda"),
        Voce("GET", base + f"delete/{r}/", negato_anche_al_banditore, f"snippet {modello}: elimina"),
        Voce("POST", base + f"delete/{r}/", negato_anche_al_banditore, f"snippet {modello}: elimina (invio)"),
        Voce("GET", base + f"usage/{r}/", leggi, f"snippet {modello}: utilizzo"),
        Voce("GET", base + f"history/{r}/", leggi, f"snippet {modello}: cronologia"),
        Voce("GET", base + f"history-results/{r}/", leggi, f"snippet {modello}: cronologia (risultati)"),
        Voce("GET", base + f"inspect/{r}/", leggi, f"snippet {modello}: ispeziona"),
        Voce(
            "GET", base + f"history/{r}/revisions/{{{rev}}}/revert/", leggi, f"snippet {modello}: revisione precedente"
        ),
        Voce(
            "POST",
            base + f"history/{r}/revisions/{{{rev}}}/revert/",
            sola_lettura,
            f"snippet {modello}: ripristina una revisione",
        ),
        Voce("GET", base + f"history/{r}/revisions/compare/earliest...latest/", leggi, f"snippet {modello}: confronta"),
        Voce(
            "POST",
            base + f"history/{r}/revisions/{{{rev}}}/unschedule/",
            negato_anche_al_banditore,
            f"snippet {modello}: annulla programmazione",
        ),
        Voce(
            "GET", base + f"unpublish/{r}/", negato_anche_al_banditore, f"snippet {modello}: ritira dalla pubblicazione"
        ),
        Voce("POST", base + f"unpublish/{r}/", negato_anche_al_banditore),
        Voce(
            "GET",
            base + f"workflow/collect_action_data/{r}/reject/{{{ts}}}/",
            leggi,
            f"snippet {modello}: modulo «non approvare»",
        ),
        Voce(
            "POST",
            base + f"workflow/action/{r}/approve/{{{ts}}}/",
            _admin(404, banditore=REDIRECT),
            f"snippet {modello}: approva (workflow)",
        ),
        Voce("GET", base + f"workflow/confirm_cancellation/{r}/", leggi, f"snippet {modello}: conferma annullamento"),
        Voce("GET", base + f"workflow_history/{r}/", leggi, f"snippet {modello}: cronologia del workflow"),
        Voce(
            "GET", base + f"workflow_history/{r}/detail/{{{ws}}}/", leggi, f"snippet {modello}: dettaglio del workflow"
        ),
        Voce("GET", scelta, _admin(200, editor={200, NEGATO_ADMIN}), f"chooser {modello}: elenco"),
        Voce("GET", scelta + "results/", _admin(200, editor={200, NEGATO_ADMIN}), f"chooser {modello}: risultati"),
        Voce("GET", scelta + f"chosen/{r}/", _admin({404, NEGATO_ADMIN}, banditore=200), f"chooser {modello}: scelto"),
        Voce(
            "GET",
            scelta + f"chosen-multiple/?id={r}",
            _admin({404, NEGATO_ADMIN}, banditore=200),
            f"chooser {modello}: scelta multipla",
        ),
        Voce("GET", scelta + "create/", mai, f"chooser {modello}: crea"),
        Voce(
            "GET",
            f"/admin/bulk/contratti/{modello}/delete/?id={r}",
            _admin({200, 403, 404, NEGATO_ADMIN}),
            f"azione multipla «elimina» ({modello})",
        ),
        # Nobody deletes these records; who cannot read the record gets 404, as from the GET.
        Voce(
            "POST",
            f"/admin/bulk/contratti/{modello}/delete/?id={r}",
            _admin(404, banditore=Rifiuto(REDIRECT)),
            f"azione multipla «elimina» ({modello}, invio)",
        ),
    ]


def _snippet_ordinativo_bozza():
    """A draft ordinativo never sent is the ente's alone: no admin view opens it for the banditore."""
    base, r = "/admin/snippets/contratti/ordinativo/", "{ordinativo_bozza}"
    mai = _admin(404)
    return [
        Voce("GET", base + f"edit/{r}/", mai, "snippet ordinativo: scheda di una bozza"),
        Voce("GET", base + f"history/{r}/", mai, "snippet ordinativo: cronologia di una bozza"),
        Voce("GET", base + f"inspect/{r}/", mai, "snippet ordinativo: ispeziona una bozza"),
        Voce("GET", base + f"usage/{r}/", mai, "snippet ordinativo: utilizzo di una bozza"),
        Voce(
            "GET",
            f"/admin/snippets/choose/contratti/ordinativo/chosen/{r}/",
            _admin({404, NEGATO_ADMIN}),
            "chooser ordinativo: bozza scelta",
        ),
    ]


def _snippet_organizzazioni():
    """Enti, operatori economici and incarichi: the editorial staff (Editor group) manages them;
    the Editor group may not delete an ente or an operatore economico."""
    voci = []
    redazione = _admin(NEGATO_ADMIN, editor=200)
    for modello, pk in (("ente", "{ente}"), ("operatoreeconomico", "{operatore}"), ("incarico", "{incarico}")):
        base = f"/admin/snippets/organizzazioni/{modello}/"
        scelta = f"/admin/snippets/choose/organizzazioni/{modello}/"
        elimina = redazione if modello == "incarico" else _admin(NEGATO_ADMIN)
        # The chooser of enti and operatori serves the editing of pages and shows public registry
        # data (name, codice fiscale): open to every admin user, as Wagtail does.
        pubblico = _admin(200) if modello != "incarico" else redazione
        voci += [
            Voce("GET", base, redazione, f"snippet {modello}: elenco"),
            Voce("GET", base + "results/", redazione, f"snippet {modello}: risultati"),
            Voce("GET", base + "add/", redazione, f"snippet {modello}: aggiungi"),
            Voce("POST", base + "add/", {**redazione, "editor": 200}, f"snippet {modello}: aggiungi (incompleto)"),
            Voce("GET", base + f"edit/{pk}/", redazione, f"snippet {modello}: modifica"),
            Voce("POST", base + f"edit/{pk}/", redazione, f"snippet {modello}: modifica (incompleto)"),
            Voce("GET", base + f"delete/{pk}/", elimina, f"snippet {modello}: elimina"),
            Voce(
                "POST",
                base + f"delete/{pk}/",
                {**elimina, "editor": REDIRECT} if modello == "incarico" else elimina,
                f"snippet {modello}: elimina (invio)",
            ),
            Voce("GET", base + f"usage/{pk}/", redazione, f"snippet {modello}: utilizzo"),
            Voce("GET", base + f"history/{pk}/", redazione, f"snippet {modello}: cronologia"),
            Voce("GET", base + f"history-results/{pk}/", redazione),
            Voce("GET", base + f"copy/{pk}/", redazione, f"snippet {modello}: copia"),
            Voce("GET", scelta, pubblico, f"chooser {modello}: elenco"),
            Voce("GET", scelta + "results/", pubblico),
            Voce("GET", scelta + f"chosen/{pk}/", pubblico),
            Voce("GET", scelta + f"chosen-multiple/?id={pk}", pubblico),
            Voce("GET", scelta + "create/", redazione, f"chooser {modello}: crea"),
        ]
    return voci


def _admin_generale():
    """The admin views that list records of every kind: the dashboard ("awaiting your review"), the
    site history and the reports."""
    ammessi = _admin(200)
    solo_redazione = _admin(200, banditore=NEGATO_ADMIN, banditore2=NEGATO_ADMIN)
    voci = [
        Voce("GET", "/admin/", ammessi, "dashboard (attività da approvare)"),
        Voce("GET", "/admin/snippets/", _admin(NEGATO_ADMIN), "elenco dei tipi di snippet"),
        Voce("GET", "/admin/reports/site-history/", ammessi, "cronologia del sito"),
        Voce("GET", "/admin/reports/site-history/results/", ammessi, "cronologia del sito (risultati)"),
    ]
    for report in ("workflow", "workflow_tasks", "locked", "aging-pages", "page-types-usage"):
        voci += [
            Voce("GET", f"/admin/reports/{report}/", solo_redazione, f"report {report}"),
            Voce("GET", f"/admin/reports/{report}/results/", solo_redazione, f"report {report} (risultati)"),
        ]
    return voci


def _noti():
    """Findings in other apps: (cell) → reason. Each is a strict xfail: fixing it turns the cell red
    until the entry is removed here. None today: the admin's choosers, bulk actions and read-only
    snippet editors go through the permission policies (``sct_site/admin_scelta.py``,
    ``contratti/admin_per_oggetto.py``)."""
    return {}


def costruisci_voci():
    voci = (
        _pubbliche()
        + _adesioni()
        + _ordinativi()
        + _schede()
        + _esiti()
        + _comunicazioni()
        + _audit()
        + _snippet_contratto("adesione", "adesione_inviata", "ts_adesione", "ws_adesione", "rev_adesione")
        + _snippet_contratto("ordinativo", "ordinativo_inviato", "ts_ordinativo", "ws_ordinativo", "rev_ordinativo")
        + _snippet_ordinativo_bozza()
        + _snippet_organizzazioni()
        + _admin_generale()
    )
    chiavi = [v.chiave for v in voci]
    doppie = {c for c in chiavi if chiavi.count(c) > 1}
    assert not doppie, doppie
    return voci


VOCI = costruisci_voci()
NOTI = _noti()
assert set(k for k, _ in NOTI) <= {v.chiave for v in VOCI}, set(k for k, _ in NOTI) - {v.chiave for v in VOCI}
