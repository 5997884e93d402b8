"""Member pages of the ordinativo di fornitura (front end). Thin: forms in, services do the work."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from anac.services import trasmissioni_di
from documenti.views import risposta_download
from identita.services import e_simulata, verifica_autenticazione_forte

from .. import aggiornamenti
from ..models import Ordinativo
from ..viste_comuni import messaggi_errore, richiede_login, richiede_login_json, risposta_stato, url_sottopagina
from . import services
from .forms import AdesioneForm, DocumentiOEForm, DocumentiRoundForm, RichiestaCIGForm, RigaForm, SchedaFirmataForm
from .fornitore import nome_pacchetto, pacchetto_fornitore
from .permessi import (
    e_oe_dell_ordinativo,
    e_rup_dell_ente,
    e_utente_ente,
    puo_caricare_documenti_oe,
    puo_operare,
    puo_vedere,
    puo_vedere_dati_anac,
)

MSG_RICHIESTA_SALVATA = "Dati della richiesta del CIG salvati."
MSG_SOLO_ENTE = "Solo il Responsabile/Buyer o il RUP dell'ente aderente può operare sull'ordinativo."
MESSAGGIO_INVIO = (
    "Invio effettuato correttamente: l'ordinativo di fornitura è stato inoltrato al RUP del Contratto Quadro."
)
BANNER_CONFERMA = (
    "La richiesta di conferma appalto è in corso , si prega di attendere. Per verificare l’esito è necessario ricaricare "
    "la pagina corrente. Una volta ottenuta la verifica positiva è necessario eseguire la funzione “Recupera CIG”."
)
BANNER_CIG = (
    "La richiesta di recupera CIG è in corso, si prega di attendere. Per visualizzare il CIG è necessario ricaricare la "
    "pagina. L’esito della richiesta è consultabile nella sezione Log Trasmissioni. Una volta recuperato il CIG è "
    "necessario procedere secondo il flusso previsto per la pubblicazione."
)
AIUTO_CIG = "Per poter finalizzare l’invio dell’ordine è necessario integrare la richiesta del CIG tramite il bottone “Conferma appalto”."
# The manual's banner names "Recupera CIG" (ANAC's service); the button is "Acquisisci CIG".
NOTA_BANNER_CONFERMA = "La funzione “Recupera CIG” si esegue con il bottone “Acquisisci CIG” del passo 1."
CONFERMA_CHIUSURA = (
    "L'ordinativo non potrà più essere corretto né inviato di nuovo. Il CIG derivato {cig} resta acquisito su ANAC: "
    "dopo la chiusura annullalo con la scheda ANN."
)
MSG_CHIUSO = (
    "Ordinativo chiuso: non sarà più inviato al banditore. Il CIG derivato {cig} resta acquisito su ANAC: "
    "per annullarlo invia la scheda ANN dalla voce “Schede” dell'ordinativo."
)


def _visibile(request, contratto, pk):
    ordinativo = get_object_or_404(
        Ordinativo.objects.select_related("ente", "contratto", "adesione", "scheda_firmata", "scheda_generata"),
        pk=pk,
        contratto=contratto,
    )
    if not (puo_vedere(request.user, ordinativo) or e_oe_dell_ordinativo(request.user, ordinativo)):
        raise Http404("Ordinativo non trovato.")
    return ordinativo


def _operabile(request, contratto, pk):
    ordinativo = _visibile(request, contratto, pk)
    if not puo_operare(request.user, ordinativo):
        raise PermissionDenied(MSG_SOLO_ENTE)
    return ordinativo


def _dati_anac_visibili(request, contratto, pk):
    """Richiedi CIG and Log Trasmissioni: the ente's users and the banditore; the OE gets 404."""
    ordinativo = _visibile(request, contratto, pk)
    if not puo_vedere_dati_anac(request.user, ordinativo):
        raise Http404("Ordinativo non trovato.")
    return ordinativo


def _vai(contratto, nome, ordinativo):
    return redirect(url_sottopagina(contratto, nome, ordinativo.pk))


@richiede_login
@require_http_methods(["GET", "POST"])
def nuovo(request, contratto):
    """ "nuovo ordine" → "Richiedi CIG" → "Vai all'ordine"."""
    enti = services.enti_che_possono_ordinare(request.user, contratto)
    if not enti:
        raise PermissionDenied("Il nuovo ordine è possibile dopo l'approvazione dell'adesione dell'ente.")
    adesioni = services.adesioni_per_nuovo_ordine(contratto, enti)
    iniziali = services.richiesta_cig_proposta(contratto, adesioni.first(), utente=request.user)
    form = RichiestaCIGForm(request.POST or None, initial=iniziali, adesioni=adesioni)
    if request.method == "GET" or not form.is_valid():
        return TemplateResponse(
            request,
            "contratti/ordinativi/richiedi_cig.html",
            {"page": contratto, "form": form},
            status=200 if request.method == "GET" else 400,
        )
    dati = {k: v for k, v in form.cleaned_data.items() if k != "adesione"}
    adesione = form.cleaned_data["adesione"]
    try:
        ordinativo = services.crea(
            contratto, ente=adesione.ente, adesione=adesione, utente=request.user, dati=dati, request=request
        )
    except ValidationError as exc:
        for errore in messaggi_errore(exc):
            form.add_error(None, errore)
        return TemplateResponse(
            request, "contratti/ordinativi/richiedi_cig.html", {"page": contratto, "form": form}, status=400
        )
    return _vai(contratto, "ordinativo_passo1", ordinativo)


@richiede_login
@require_http_methods(["GET", "POST"])
def richiedi_cig(request, contratto, pk):
    """ "Richiedi CIG" of an existing ordinativo: its state and the data of the CIG request, editable
    (→ "Vai all'ordine") while ``services.motivo_richiesta_cig_non_modificabile`` allows it."""
    ordinativo = _dati_anac_visibili(request, contratto, pk)
    motivo = services.motivo_richiesta_cig_non_modificabile(ordinativo)
    bloccati = services.campi_bloccati_richiesta_cig(ordinativo)
    operatore = puo_operare(request.user, ordinativo)
    form, errori, status = None, [], 200
    if request.method == "POST":
        if not operatore:
            raise PermissionDenied(MSG_SOLO_ENTE)
        if motivo:
            errori, status = [motivo], 400
        else:
            form = RichiestaCIGForm(request.POST, instance=Ordinativo.objects.get(pk=ordinativo.pk), bloccati=bloccati)
            if form.is_valid():
                dati = {campo: form.cleaned_data[campo] for campo in services.CAMPI_RICHIESTA_CIG}
                try:
                    services.aggiorna_richiesta_cig(ordinativo, utente=request.user, dati=dati, request=request)
                except ValidationError as exc:
                    errori = messaggi_errore(exc)
                else:
                    messages.success(request, MSG_RICHIESTA_SALVATA)
                    return _vai(contratto, "ordinativo_passo1", ordinativo)
            status = 400
            ordinativo.refresh_from_db()
    elif operatore and not motivo:
        form = RichiestaCIGForm(instance=ordinativo, bloccati=bloccati)
    return TemplateResponse(
        request,
        "contratti/ordinativi/richiedi_cig_ordinativo.html",
        _contesto(
            request,
            contratto,
            ordinativo,
            form=form,
            errori=errori,
            motivo_non_modificabile=motivo if operatore and motivo not in errori else "",
            bloccati=bool(bloccati) and form is not None,
            msg_campi_bloccati=services.MSG_CAMPI_BLOCCATI,
        ),
        status=status,
    )


def _contesto(request, contratto, ordinativo, **extra):
    storia = puo_vedere_dati_anac(request.user, ordinativo)
    return {
        "page": contratto,
        "o": ordinativo,
        "righe": list(ordinativo.righe.all()),
        "puo_operare": puo_operare(request.user, ordinativo),
        "e_rup": e_rup_dell_ente(request.user, ordinativo),
        **services.documenti_per_pagina(ordinativo, con_storia=storia),
        "banner_conferma": BANNER_CONFERMA,
        "banner_cig": BANNER_CIG,
        # The helper about "Conferma appalto": only to the ente's users, while that is the next step.
        "aiuto_cig": AIUTO_CIG
        if ordinativo.stato == Ordinativo.Stato.BOZZA and e_utente_ente(request.user, ordinativo)
        else "",
        "nota_banner_conferma": NOTA_BANNER_CONFERMA,
        "schede_firmate_inviate": services.schede_firmate_inviate(ordinativo) if storia else [],
        "trasmissioni": trasmissioni_di(ordinativo)[:50],
        "mancanze": services.mancanze_invio(ordinativo) if services.in_preparazione_invio(ordinativo) else [],
        "mancanze_oe": services.mancanze_oe(ordinativo),
        **extra,
    }


def _render_passo1(
    request, contratto, ordinativo, *, status=200, form_riga=None, form_documenti=None, form_adesione=None, errori=()
):
    adesioni = services.adesioni_ordinabili(ordinativo)
    return TemplateResponse(
        request,
        "contratti/ordinativi/passo1.html",
        _contesto(
            request,
            contratto,
            ordinativo,
            form_riga=form_riga or RigaForm(),
            form_documenti=form_documenti or DocumentiRoundForm(richieste=services.richieste_atto(ordinativo)),
            form_adesione=form_adesione
            or AdesioneForm(initial={"adesione": ordinativo.adesione_id}, adesioni=adesioni),
            errori=errori,
        ),
        status=status,
    )


@richiede_login
@require_http_methods(["GET"])
def passo1(request, contratto, pk):
    ordinativo = _visibile(request, contratto, pk)
    if e_oe_dell_ordinativo(request.user, ordinativo) and not puo_vedere(request.user, ordinativo):
        return _vai(contratto, "ordinativo_passo3", ordinativo)
    return _render_passo1(request, contratto, ordinativo)


@richiede_login
@require_http_methods(["POST"])
def azione_passo1(request, contratto, pk, azione):
    """The forms of passo 1: choose the adesione, add or remove a line, upload the atto."""
    ordinativo = _operabile(request, contratto, pk)
    try:
        if azione == "adesione":
            form = AdesioneForm(request.POST, adesioni=services.adesioni_ordinabili(ordinativo))
            if not form.is_valid():
                return _render_passo1(request, contratto, ordinativo, status=400, form_adesione=form)
            services.scegli_adesione(ordinativo, utente=request.user, adesione=form.cleaned_data["adesione"])
        elif azione == "riga":
            form = RigaForm(request.POST)
            if not form.is_valid():
                return _render_passo1(request, contratto, ordinativo, status=400, form_riga=form)
            services.aggiungi_riga(ordinativo, utente=request.user, **form.cleaned_data)
        elif azione == "elimina-riga":
            try:
                riga_id = int(request.POST.get("riga", ""))
            except ValueError:
                riga_id = 0
            services.elimina_riga(ordinativo, utente=request.user, riga_id=riga_id)
        elif azione == "documenti":
            form = DocumentiRoundForm(request.POST, request.FILES, richieste=services.richieste_atto(ordinativo))
            if not form.is_valid():
                return _render_passo1(request, contratto, ordinativo, status=400, form_documenti=form)
            services.carica_documenti(ordinativo, utente=request.user, files=form.files_per_codice())
        else:
            raise Http404("Azione sconosciuta.")
    except ValidationError as exc:
        ordinativo.refresh_from_db()
        return _render_passo1(request, contratto, ordinativo, status=400, errori=messaggi_errore(exc))
    return _vai(contratto, "ordinativo_passo1", ordinativo)


def _azione_anac(request, contratto, pk, funzione):
    ordinativo = _operabile(request, contratto, pk)
    verifica_autenticazione_forte(request, codice_fiscale_atteso=ordinativo.cf_rup)
    try:
        funzione(ordinativo, utente=request.user, simulata=e_simulata(request), request=request)
    except ValidationError as exc:
        ordinativo.refresh_from_db()
        return _render_passo1(request, contratto, ordinativo, status=400, errori=messaggi_errore(exc))
    return _vai(contratto, "ordinativo_passo1", ordinativo)


@richiede_login
@require_http_methods(["POST"])
def conferma_appalto(request, contratto, pk):
    return _azione_anac(request, contratto, pk, services.conferma_appalto)


@richiede_login
@require_http_methods(["POST"])
def acquisisci_cig(request, contratto, pk):
    return _azione_anac(request, contratto, pk, services.acquisisci_cig)


@richiede_login_json
@require_http_methods(["GET"])
def stato(request, contratto, pk):
    """Polled by the open pages while ANAC works (sct/aggiorna.js). Reads only: the worker asks ANAC
    again by itself while the outcome is pending (``anac.operazione_completata``)."""
    ordinativo = _visibile(request, contratto, pk)
    return risposta_stato(
        aggiornamenti.stato_ordinativo(ordinativo, con_log=puo_vedere_dati_anac(request.user, ordinativo))
    )


@richiede_login
@require_http_methods(["GET", "POST"])
def passo2(request, contratto, pk):
    ordinativo = _visibile(request, contratto, pk)
    if not services.in_preparazione_invio(ordinativo):
        return _vai(contratto, "ordinativo_passo1", ordinativo)
    form = SchedaFirmataForm()
    status = 200
    if request.method == "POST":
        if not puo_operare(request.user, ordinativo):
            raise PermissionDenied(
                "Solo il Responsabile/Buyer o il RUP dell'ente aderente può operare sull'ordinativo."
            )
        form = SchedaFirmataForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.carica_scheda_firmata(ordinativo, utente=request.user, upload=form.cleaned_data["scheda"])
            except ValidationError as exc:
                for errore in messaggi_errore(exc):
                    form.add_error("scheda", errore)
            else:
                messages.success(
                    request,
                    "Scheda di sintesi firmata caricata: il documento corrisponde a quello generato e la firma è integra.",
                )
                return _vai(contratto, "ordinativo_passo2", ordinativo)
        status = 400
    ordinativo.refresh_from_db()
    return TemplateResponse(
        request, "contratti/ordinativi/passo2.html", _contesto(request, contratto, ordinativo, form=form), status=status
    )


@richiede_login
@require_http_methods(["GET"])
def scheda_sintesi(request, contratto, pk):
    ordinativo = _visibile(request, contratto, pk)
    try:
        services.scheda_sintesi(ordinativo)
    except ValidationError as exc:
        messages.error(request, " ".join(messaggi_errore(exc)))
        return _vai(contratto, "ordinativo_passo1", ordinativo)
    ordinativo.refresh_from_db()
    return risposta_download(request, ordinativo.scheda_generata)


@richiede_login
@require_http_methods(["GET"])
def passo3(request, contratto, pk):
    ordinativo = _visibile(request, contratto, pk)
    contesto = _contesto(request, contratto, ordinativo)
    if puo_caricare_documenti_oe(request.user, ordinativo):
        contesto["form_oe"] = DocumentiOEForm(richieste=services.richieste_oe(ordinativo))
    return TemplateResponse(request, "contratti/ordinativi/passo3.html", contesto)


def _conferma_ed_esegui(request, contratto, ordinativo, *, nome, domanda, esegui, messaggio, spiegazione=""):
    """The manual's confirmation (sì/no) of a passo-3 action: GET asks, POST runs the service; a
    refusal shows passo 3 again with the reason (400), nothing changed."""
    if request.method == "GET":
        return TemplateResponse(
            request,
            "contratti/ordinativi/conferma.html",
            {
                "page": contratto,
                "o": ordinativo,
                "domanda": domanda,
                "spiegazione": spiegazione,
                "azione": url_sottopagina(contratto, nome, ordinativo.pk),
                "indietro": url_sottopagina(contratto, "ordinativo_passo3", ordinativo.pk),
            },
        )
    try:
        esegui(ordinativo, utente=request.user, request=request)
    except ValidationError as exc:
        ordinativo.refresh_from_db()
        return TemplateResponse(
            request,
            "contratti/ordinativi/passo3.html",
            _contesto(request, contratto, ordinativo, errori=messaggi_errore(exc)),
            status=400,
        )
    messages.success(request, messaggio(ordinativo))
    return _vai(contratto, "ordinativo_passo3", ordinativo)


@richiede_login
@require_http_methods(["GET", "POST"])
def invia(request, contratto, pk):
    ordinativo = _operabile(request, contratto, pk)
    return _conferma_ed_esegui(
        request,
        contratto,
        ordinativo,
        nome="ordinativo_invia",
        domanda="Confermi l'invio dell'ordinativo di fornitura?",
        esegui=services.invia,
        messaggio=lambda o: MESSAGGIO_INVIO,
    )


@richiede_login
@require_http_methods(["GET", "POST"])
def chiudi(request, contratto, pk):
    """ "chiudi ordinativo" of a rejected ordinativo, after a confirmation (sì/no)."""
    ordinativo = _operabile(request, contratto, pk)
    if request.method == "GET" and not services.chiudibile(ordinativo):
        return _vai(contratto, "ordinativo_passo3", ordinativo)
    return _conferma_ed_esegui(
        request,
        contratto,
        ordinativo,
        nome="ordinativo_chiudi",
        domanda="Confermi la chiusura dell'ordinativo di fornitura?",
        spiegazione=CONFERMA_CHIUSURA.format(cig=ordinativo.cig_derivato or "—"),
        esegui=services.chiudi,
        messaggio=lambda o: MSG_CHIUSO.format(cig=o.cig_derivato),
    )


@richiede_login
@require_http_methods(["GET"])
def log_trasmissioni(request, contratto, pk):
    """Every request to ANAC and its answer: for the ente's users (the RUP) and the banditore."""
    ordinativo = _dati_anac_visibili(request, contratto, pk)
    return TemplateResponse(request, "contratti/ordinativi/log.html", _contesto(request, contratto, ordinativo))


@richiede_login
@require_http_methods(["GET"])
def documento(request, contratto, pk, documento_pk):
    ordinativo = _visibile(request, contratto, pk)
    if documento_pk == 0 and ordinativo.scheda_firmata_id:
        return risposta_download(request, ordinativo.scheda_firmata)
    riga = get_object_or_404(ordinativo.documenti.select_related("documento"), pk=documento_pk)
    return risposta_download(request, riga.documento)


@richiede_login
@require_http_methods(["GET"])
def pacchetto(request, contratto, pk):
    """The signed documents for the supplier, in one ZIP (``fornitore``): for the ente's users."""
    ordinativo = _visibile(request, contratto, pk)
    if not puo_operare(request.user, ordinativo):
        raise Http404("Pacchetto non disponibile.")
    try:
        buffer = pacchetto_fornitore(ordinativo, request=request)
    except ValidationError as exc:
        raise Http404("Pacchetto non disponibile.") from exc
    risposta = FileResponse(
        buffer, as_attachment=True, filename=nome_pacchetto(ordinativo), content_type="application/zip"
    )
    risposta["Cache-Control"] = "private, no-store"
    return risposta


@richiede_login
@require_http_methods(["POST"])
def documenti_oe(request, contratto, pk):
    ordinativo = _visibile(request, contratto, pk)
    if not e_oe_dell_ordinativo(request.user, ordinativo):
        raise PermissionDenied("Solo il fornitore aggiudicatario può caricare questi documenti.")
    form = DocumentiOEForm(request.POST, request.FILES, richieste=services.richieste_oe(ordinativo))
    errori = []
    if form.is_valid():
        try:
            services.carica_documenti_oe(ordinativo, utente=request.user, files=form.files_per_codice())
        except ValidationError as exc:
            errori = messaggi_errore(exc)
        else:
            messages.success(
                request, "Documenti caricati: l'amministrazione aderente li vede nel riepilogo dell'ordinativo."
            )
            return _vai(contratto, "ordinativo_passo3", ordinativo)
    return TemplateResponse(
        request,
        "contratti/ordinativi/passo3.html",
        _contesto(request, contratto, ordinativo, form_oe=form, errori=errori),
        status=400,
    )
