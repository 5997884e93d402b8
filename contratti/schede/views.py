"""Pages of the schede ANAC of an ordinativo (section "SCHEDE" of its menu). Thin: the rules are in
``services``, the permissions in ``permessi``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from anac.services import trasmissioni_di
from identita.services import e_simulata, verifica_autenticazione_forte

from .. import aggiornamenti
from ..models import Ordinativo, Scheda
from ..viste_comuni import messaggi_errore, richiede_login, richiede_login_json, risposta_stato, url_sottopagina
from . import permessi, services
from .forms import form_per

BANNER_INVIO = (
    "La richiesta di invio scheda è in corso. Si prega di attendere, fino a quando l’esito sarà disponibile sul Log "
    "Trasmissioni. Si prega di ricarica la pagina. Successivamente verifica l’invio tramite l’apposito pulsante."
)
BANNER_VERIFICA = "La verifica dell'invio è in corso: l'esito comparirà in questa pagina appena ANAC lo restituisce."
AIUTO_MOTIVO = "Tale motivazione è l’unica tipologia prevista da ANAC, per questo motivo non è modificabile."
MSG_SALVATA = "Scheda salvata in bozza: fino a quando non viene cliccato “invia scheda” puoi procedere con l'invio o con l'eliminazione."
MSG_ELIMINATA = "La scheda è stata eliminata."
TIPI_URL = {"ann": Scheda.Tipo.ANN, "sc1": Scheda.Tipo.SC1}


def _ordinativo(request, contratto, pk):
    ordinativo = get_object_or_404(
        Ordinativo.objects.select_related("ente", "contratto", "adesione"), pk=pk, contratto=contratto
    )
    if not permessi.puo_vedere(request.user, ordinativo):
        raise Http404("Ordinativo non trovato.")
    return ordinativo


def _scheda(request, contratto, pk, scheda_pk):
    ordinativo = _ordinativo(request, contratto, pk)
    scheda = get_object_or_404(ordinativo.schede.exclude(stato=Scheda.Stato.ELIMINATA), pk=scheda_pk)
    scheda.ordinativo = ordinativo
    return scheda


def _tipo(slug):
    tipo = TIPI_URL.get(slug)
    if tipo is None:
        raise Http404("Tipo di scheda non previsto.")
    return tipo


def _contesto(request, contratto, ordinativo, **extra):
    return {
        "page": contratto,
        "o": ordinativo,
        "puo_gestire": permessi.puo_gestire(request.user, ordinativo),
        "puo_inviare": permessi.puo_inviare(request.user, ordinativo),
        "banner_invio": BANNER_INVIO,
        "banner_verifica": BANNER_VERIFICA,
        **extra,
    }


def _render_elenco(request, contratto, ordinativo, *, status=200, errori=()):
    schede = list(ordinativo.schede.exclude(stato=Scheda.Stato.ELIMINATA))
    for scheda in schede:
        scheda.ordinativo = ordinativo
    voci = services.voci_nuova_scheda(ordinativo)
    return TemplateResponse(
        request,
        "contratti/schede/elenco.html",
        _contesto(
            request,
            contratto,
            ordinativo,
            schede=schede,
            voci=voci,
            errori=errori,
            voci_bloccate=[(etichetta, blocco) for _, etichetta, blocco in voci if blocco],
        ),
        status=status,
    )


def _render_scheda(request, contratto, scheda, *, status=200, form=None, errori=(), tab="dati"):
    ordinativo = scheda.ordinativo
    contesto = _contesto(
        request,
        contratto,
        ordinativo,
        scheda=scheda,
        tipo=scheda.tipo,
        errori=errori,
        tab=tab,
        aiuto_motivo=AIUTO_MOTIVO,
    )
    if tab == "log":
        contesto["trasmissioni"] = trasmissioni_di(scheda)[:100]
    else:
        contesto["form"] = form or form_per(scheda.tipo, scheda=scheda)
    nome = "contratti/schede/log.html" if tab == "log" else "contratti/schede/scheda.html"
    return TemplateResponse(request, nome, contesto, status=status)


def _vai(contratto, nome, *args):
    return redirect(url_sottopagina(contratto, nome, *args))


def _gestibile(request, ordinativo):
    if not permessi.puo_gestire(request.user, ordinativo):
        raise PermissionDenied(permessi.MSG_SOLO_ENTE)


def _rup_con_autenticazione_forte(request, ordinativo):
    if not permessi.puo_inviare(request.user, ordinativo):
        raise PermissionDenied(permessi.MSG_SOLO_RUP)
    verifica_autenticazione_forte(request, codice_fiscale_atteso=ordinativo.cf_rup)


@richiede_login
@require_http_methods(["GET"])
def elenco(request, contratto, pk):
    """SCHEDE: the schede of the ordinativo, "Crea nuova scheda", "Verifica invio"."""
    return _render_elenco(request, contratto, _ordinativo(request, contratto, pk))


@richiede_login
@require_http_methods(["GET", "POST"])
def nuova(request, contratto, pk, tipo):
    """ "Crea nuova scheda" → tab "Inserimento dati" with CIG (and, for ANN, the reason) prefilled;
    "salva e procedi" creates the scheda in bozza."""
    ordinativo = _ordinativo(request, contratto, pk)
    tipo = _tipo(tipo)
    _gestibile(request, ordinativo)
    blocco = services.motivo_blocco_creazione(ordinativo, tipo)
    if blocco:
        return _render_elenco(request, contratto, ordinativo, status=400, errori=[blocco])
    form = form_per(tipo, request.POST or None)
    contesto = _contesto(
        request,
        contratto,
        ordinativo,
        tipo=tipo,
        nome_tipo=Scheda.Tipo(tipo).label,
        form=form,
        aiuto_motivo=AIUTO_MOTIVO,
        tab="dati",
    )
    if request.method == "GET":
        return TemplateResponse(request, "contratti/schede/scheda.html", contesto)
    if not form.is_valid():
        return TemplateResponse(request, "contratti/schede/scheda.html", contesto, status=400)
    try:
        scheda = services.crea(ordinativo, tipo=tipo, utente=request.user, dati=form.dati(), request=request)
    except ValidationError as exc:
        ordinativo.refresh_from_db()
        return TemplateResponse(
            request, "contratti/schede/scheda.html", {**contesto, "errori": messaggi_errore(exc)}, status=400
        )
    messages.success(request, MSG_SALVATA)
    return _vai(contratto, "scheda_dettaglio", ordinativo.pk, scheda.pk)


@richiede_login
@require_http_methods(["GET", "POST"])
def dettaglio(request, contratto, pk, scheda_pk):
    """The scheda, tab "Inserimento dati"; POST "salva e procedi" on a bozza."""
    scheda = _scheda(request, contratto, pk, scheda_pk)
    if request.method == "GET":
        return _render_scheda(request, contratto, scheda)
    _gestibile(request, scheda.ordinativo)
    form = form_per(scheda.tipo, request.POST)
    if not form.is_valid():
        return _render_scheda(request, contratto, scheda, status=400, form=form)
    try:
        services.aggiorna(scheda, utente=request.user, dati=form.dati(), request=request)
    except ValidationError as exc:
        scheda.refresh_from_db()
        return _render_scheda(request, contratto, scheda, status=400, form=form, errori=messaggi_errore(exc))
    messages.success(request, MSG_SALVATA)
    return _vai(contratto, "scheda_dettaglio", pk, scheda.pk)


@richiede_login
@require_http_methods(["GET"])
def log_trasmissioni(request, contratto, pk, scheda_pk):
    """The scheda, tab "log trasmissioni": the outcome of the send, exchange by exchange."""
    return _render_scheda(request, contratto, _scheda(request, contratto, pk, scheda_pk), tab="log")


@richiede_login_json
@require_http_methods(["GET"])
def stato_elenco(request, contratto, pk):
    """The state of the schede of an ordinativo, polled by the list "SCHEDE" (sct/aggiorna.js). Reads only."""
    return risposta_stato(aggiornamenti.stato_schede(_ordinativo(request, contratto, pk)))


@richiede_login_json
@require_http_methods(["GET"])
def stato(request, contratto, pk, scheda_pk):
    """The state of a scheda, polled by its tabs "Inserimento dati" and "log trasmissioni". Reads only."""
    return risposta_stato(aggiornamenti.stato_scheda(_scheda(request, contratto, pk, scheda_pk)))


def _azione_anac(request, contratto, pk, scheda_pk, funzione):
    scheda = _scheda(request, contratto, pk, scheda_pk)
    _rup_con_autenticazione_forte(request, scheda.ordinativo)
    try:
        funzione(scheda, utente=request.user, simulata=e_simulata(request), request=request)
    except ValidationError as exc:
        scheda.refresh_from_db()
        ordinativo = scheda.ordinativo
        ordinativo.refresh_from_db()
        return _render_elenco(request, contratto, ordinativo, status=400, errori=messaggi_errore(exc))
    return _vai(contratto, "schede_elenco", pk)


@richiede_login
@require_http_methods(["POST"])
def invia(request, contratto, pk, scheda_pk):
    """ "invia scheda" (RUP, SPID/CIE/CNS)."""
    return _azione_anac(request, contratto, pk, scheda_pk, services.invia)


@richiede_login
@require_http_methods(["POST"])
def verifica(request, contratto, pk, scheda_pk):
    """ "Verifica invio" (RUP, SPID/CIE/CNS)."""
    return _azione_anac(request, contratto, pk, scheda_pk, services.verifica)


@richiede_login
@require_http_methods(["GET", "POST"])
def elimina(request, contratto, pk, scheda_pk):
    """ "elimina" a bozza (with a confirmation page)."""
    scheda = _scheda(request, contratto, pk, scheda_pk)
    ordinativo = scheda.ordinativo
    _gestibile(request, ordinativo)
    if request.method == "GET":
        return TemplateResponse(
            request,
            "contratti/ordinativi/conferma.html",
            {
                "page": contratto,
                "o": ordinativo,
                "domanda": f"Confermi l'eliminazione della scheda “{scheda.nome}”?",
                "azione": url_sottopagina(contratto, "scheda_elimina", pk, scheda.pk),
                "indietro": url_sottopagina(contratto, "scheda_dettaglio", pk, scheda.pk),
            },
        )
    if scheda.id_scheda:  # ANAC has the draft: cancelling it there is an ANAC action of the RUP
        _rup_con_autenticazione_forte(request, ordinativo)
    try:
        services.elimina(scheda, utente=request.user, request=request)
    except ValidationError as exc:
        ordinativo.refresh_from_db()
        return _render_elenco(request, contratto, ordinativo, status=400, errori=messaggi_errore(exc))
    messages.success(request, MSG_ELIMINATA)
    return _vai(contratto, "schede_elenco", pk)
