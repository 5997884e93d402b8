"""Member pages of the adesione (front end). Thin: forms in, services do the work."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from documenti.views import risposta_download
from organizzazioni.models import Ente

from .. import aggiornamenti
from ..models import Adesione
from ..viste_comuni import messaggi_errore, richiede_login, richiede_login_json, risposta_stato, url_sottopagina
from . import services
from .forms import DocumentiRoundForm, PassoUnoForm
from .permessi import puo_operare, puo_vedere

MESSAGGIO_INVIO = "Invio effettuato correttamente: l'adesione è stata inoltrata al RUP del Contratto Quadro."
MESSAGGIO_ELIMINATA = "La bozza è stata eliminata. Puoi ripetere il round 0 con “richiedi adesione”."
NOTA_ELIMINA_INVIATA = (
    "L'adesione è già stata inviata almeno una volta: non comparirà più nell'elenco adesioni, ma resterà "
    "registrata come eliminata, con i documenti inviati, per il registro delle operazioni. I documenti caricati "
    "e mai inviati saranno cancellati."
)
NOTA_REINVIO = (
    "Il round {round} non era stato approvato: sarà inviato di nuovo al RUP del Contratto Quadro con i documenti "
    "correnti; le approvazioni dei round precedenti restano valide."
)


def _adesione_visibile(request, contratto, pk):
    adesione = get_object_or_404(Adesione.objects.select_related("ente", "contratto"), pk=pk, contratto=contratto)
    if not puo_vedere(request.user, adesione):
        raise Http404("Adesione non trovata.")
    return adesione


def _adesione_operabile(request, contratto, pk):
    adesione = _adesione_visibile(request, contratto, pk)
    if not puo_operare(request.user, adesione):
        raise PermissionDenied("Solo il Responsabile/Buyer o il RUP dell'ente aderente può operare sull'adesione.")
    return adesione


def _form_calcolato(form, **kwargs):
    """ "calcola importo": the same form with the importo computed from the piano dei fabbisogni."""
    form.is_valid()
    importo = form.cleaned_data.get("importo") if hasattr(form, "cleaned_data") else None
    if importo is None:
        return form
    dati = form.data.copy()
    dati["importo"] = form.fields["importo"].prepare_value(importo)
    nuovo = PassoUnoForm(dati, form.files, **kwargs)
    nuovo.is_valid()
    return nuovo


def _render_passo1(request, contratto, form, adesione=None, status=200):
    return TemplateResponse(
        request,
        "contratti/adesioni/passo1.html",
        {"page": contratto, "form": form, "adesione": adesione},
        status=status,
    )


@richiede_login
@require_http_methods(["GET", "POST"])
def nuova(request, contratto):
    enti = services.enti_che_possono_richiedere(request.user, contratto)
    if not enti:
        raise PermissionDenied(
            "Non puoi richiedere un'adesione a questo contratto: serve il ruolo di Responsabile/Buyer o RUP di un ente "
            "che non abbia già un'adesione in corso o tornata in bozza."
        )

    enti_qs = Ente.objects.filter(pk__in=[e.pk for e in enti])
    richieste = contratto.richieste_per_round().get(0, [])
    iniziali = {"scadenza": services.scadenza_predefinita(contratto), "ente": enti[0]}
    if request.method == "GET":
        return _render_passo1(
            request, contratto, PassoUnoForm(initial=iniziali, enti=enti_qs, richieste=richieste, contratto=contratto)
        )
    form = PassoUnoForm(
        request.POST, request.FILES, initial=iniziali, enti=enti_qs, richieste=richieste, contratto=contratto
    )
    if "calcola" in request.POST:
        form = _form_calcolato(form, initial=iniziali, enti=enti_qs, richieste=richieste, contratto=contratto)
        return _render_passo1(request, contratto, form)
    if not form.is_valid():
        return _render_passo1(request, contratto, form, status=400)
    dati = form.cleaned_data
    try:
        adesione = services.crea_bozza(
            contratto=contratto,
            ente=dati["ente"],
            utente=request.user,
            ipotesi=dati.get("ipotesi", ""),
            importo=dati["importo"],
            scadenza=dati["scadenza"],
            files=form.files_per_codice(),
            importo_piano=dati.get("importo_piano"),
            data_piano=dati.get("data_piano"),
            request=request,
        )
    except ValidationError as exc:
        for errore in messaggi_errore(exc):
            form.add_error(None, errore)
        return _render_passo1(request, contratto, form, status=400)
    return redirect(url_sottopagina(contratto, "adesione_riepilogo", adesione.pk))


@richiede_login
@require_http_methods(["GET", "POST"])
def modifica(request, contratto, pk):
    adesione = _adesione_operabile(request, contratto, pk)
    if not adesione.modificabile:
        messages.error(request, services.motivo_non_modificabile(adesione))
        return redirect(url_sottopagina(contratto, "adesione_riepilogo", adesione.pk))

    enti_qs = Ente.objects.filter(pk=adesione.ente_id)
    richieste = contratto.richieste_per_round().get(0, [])
    iniziali = {
        "ente": adesione.ente,
        "importo": adesione.importo,
        "scadenza": adesione.scadenza,
        "ipotesi": adesione.ipotesi,
        "importo_piano": adesione.importo_piano_fabbisogni,
        "data_piano": adesione.data_piano_fabbisogni,
    }
    if request.method == "GET":
        return _render_passo1(
            request,
            contratto,
            PassoUnoForm(initial=iniziali, enti=enti_qs, richieste=richieste, contratto=contratto),
            adesione,
        )
    form = PassoUnoForm(
        request.POST, request.FILES, initial=iniziali, enti=enti_qs, richieste=richieste, contratto=contratto
    )
    if "calcola" in request.POST:
        form = _form_calcolato(form, initial=iniziali, enti=enti_qs, richieste=richieste, contratto=contratto)
        return _render_passo1(request, contratto, form, adesione)
    if not form.is_valid():
        return _render_passo1(request, contratto, form, adesione, status=400)
    dati = form.cleaned_data
    try:
        services.aggiorna_bozza(
            adesione,
            utente=request.user,
            ipotesi=dati.get("ipotesi", ""),
            importo=dati["importo"],
            scadenza=dati["scadenza"],
            files=form.files_per_codice(),
            importo_piano=dati.get("importo_piano"),
            data_piano=dati.get("data_piano"),
            request=request,
        )
    except ValidationError as exc:
        for errore in messaggi_errore(exc):
            form.add_error(None, errore)
        return _render_passo1(request, contratto, form, adesione, status=400)
    return redirect(url_sottopagina(contratto, "adesione_riepilogo", adesione.pk))


def _render_riepilogo(request, contratto, adesione, *, status=200, form_documenti=None, errori=()):
    puo = puo_operare(request.user, adesione)
    if puo and adesione.documenti_caricabili and form_documenti is None:
        form_documenti = DocumentiRoundForm(richieste=adesione.richieste_round(), contratto=contratto)
    documenti = list(adesione.documenti.select_related("documento").order_by("round", "codice_richiesta", "-versione"))
    return TemplateResponse(
        request,
        "contratti/adesioni/riepilogo.html",
        {
            "page": contratto,
            "adesione": adesione,
            "puo_operare": puo,
            "documenti": [d for d in documenti if d.corrente],
            "storico": [d for d in documenti if not d.corrente],
            "mancanti": services.documenti_mancanti(adesione) if adesione.inviabile else [],
            "form_documenti": form_documenti,
            "errori": errori,
            "massimale": services.massimale(contratto),
        },
        status=status,
    )


@richiede_login
@require_http_methods(["GET"])
def riepilogo(request, contratto, pk):
    return _render_riepilogo(request, contratto, _adesione_visibile(request, contratto, pk))


@richiede_login_json
@require_http_methods(["GET"])
def stato(request, contratto, pk):
    """The state of the adesione, polled by its riepilogo while the banditore evaluates (sct/aggiorna.js).
    Reads only; the same readers as the riepilogo."""
    return risposta_stato(aggiornamenti.stato_adesione(_adesione_visibile(request, contratto, pk)))


@richiede_login
@require_http_methods(["GET", "POST"])
def invia(request, contratto, pk):
    """GET: the confirmation ("sì" / "no"); POST: send."""
    adesione = _adesione_operabile(request, contratto, pk)
    if request.method == "GET":
        if not adesione.inviabile:
            return redirect(url_sottopagina(contratto, "adesione_riepilogo", adesione.pk))
        return TemplateResponse(
            request,
            "contratti/adesioni/conferma.html",
            {
                "page": contratto,
                "adesione": adesione,
                "domanda": "Confermi l'invio dell'adesione?",
                "azione": url_sottopagina(contratto, "adesione_invia", adesione.pk),
                "nota": NOTA_REINVIO.format(round=adesione.round_corrente) if adesione.round_da_reinviare else "",
            },
        )
    try:
        services.invia(adesione, utente=request.user, request=request)
    except ValidationError as exc:
        return _render_riepilogo(request, contratto, adesione, status=400, errori=messaggi_errore(exc))
    messages.success(request, MESSAGGIO_INVIO)
    return redirect(url_sottopagina(contratto, "adesione_riepilogo", adesione.pk))


@richiede_login
@require_http_methods(["POST"])
def ritira(request, contratto, pk):
    adesione = _adesione_operabile(request, contratto, pk)
    try:
        services.ritira(adesione, utente=request.user, request=request)
    except ValidationError as exc:
        return _render_riepilogo(request, contratto, adesione, status=400, errori=messaggi_errore(exc))
    messages.info(request, "L'invio dell'adesione è stato ritirato: puoi eliminare la bozza oppure inviarla di nuovo.")
    return redirect(url_sottopagina(contratto, "adesione_riepilogo", adesione.pk))


@richiede_login
@require_http_methods(["GET", "POST"])
def elimina(request, contratto, pk):
    adesione = _adesione_operabile(request, contratto, pk)
    if request.method == "GET":
        if not adesione.eliminabile:
            messages.error(request, services.motivo_non_eliminabile(adesione))
            return redirect(url_sottopagina(contratto, "adesione_riepilogo", adesione.pk))
        return TemplateResponse(
            request,
            "contratti/adesioni/conferma.html",
            {
                "page": contratto,
                "adesione": adesione,
                "domanda": "Confermi l'eliminazione della bozza?",
                "azione": url_sottopagina(contratto, "adesione_elimina", adesione.pk),
                "pericolo": True,
                "nota": "" if adesione.mai_inviata else NOTA_ELIMINA_INVIATA,
            },
        )
    try:
        services.elimina_bozza(adesione, utente=request.user, request=request)
    except ValidationError as exc:
        return _render_riepilogo(request, contratto, adesione, status=400, errori=messaggi_errore(exc))
    messages.success(request, MESSAGGIO_ELIMINATA)
    return redirect(contratto.url + "#elenco-adesioni")


@richiede_login
@require_http_methods(["POST"])
def carica_documenti(request, contratto, pk):
    adesione = _adesione_operabile(request, contratto, pk)
    try:
        services.controlla_documenti_caricabili(adesione)
    except ValidationError as exc:
        return _render_riepilogo(request, contratto, adesione, status=400, errori=messaggi_errore(exc))
    form = DocumentiRoundForm(request.POST, request.FILES, richieste=adesione.richieste_round(), contratto=contratto)
    if not form.is_valid():
        return _render_riepilogo(request, contratto, adesione, status=400, form_documenti=form)
    try:
        services.carica_documenti_round(adesione, utente=request.user, files=form.files_per_codice(), request=request)
    except ValidationError as exc:
        for errore in messaggi_errore(exc):
            form.add_error(None, errore)
        return _render_riepilogo(request, contratto, adesione, status=400, form_documenti=form)
    messages.success(request, "Documenti caricati.")
    return redirect(url_sottopagina(contratto, "adesione_riepilogo", adesione.pk))


@richiede_login
@require_http_methods(["GET"])
def scarica_documento(request, contratto, pk, documento_pk):
    adesione = _adesione_visibile(request, contratto, pk)
    documento = get_object_or_404(adesione.documenti.select_related("documento"), pk=documento_pk)
    return risposta_download(request, documento.documento)
