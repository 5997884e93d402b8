"""Views of "Aggiudicazioni e affidamenti" (routes of AggiudicazioniIndexPage). Thin: rules are in
``esiti.services``, search and filters in ``esiti.forms``."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from sct_site.paginazione import PaginatorDaiDueLati, pagina_richiesta
from sct_site.rotte import url_rotta, url_rotta_per_id

from . import conf, services
from .cache import memorizzato
from .forms import PubblicazioneEsitoForm, RicercaEsitiForm, RitiroEsitoForm
from .models import Esito

CONFERMA_PUBBLICAZIONE = (
    "L'esito è stato pubblicato correttamente ed è visibile nella sezione Aggiudicazioni e affidamenti."
)
CONFERMA_RITIRO = "L'esito è stato ritirato. La pagina pubblica riporta la data e il motivo del ritiro."
CAMPI_ELENCO = (
    "id",
    "cig",
    "oggetto",
    "ente_denominazione",
    "aggiudicatario_denominazione",
    "importo_aggiudicazione",
    "data_aggiudicazione",
    "stato",
    "annullato",
    "pubblicato_il",
)


def _render(request, pagina, template, contesto, privato=False, status=200):
    risposta = TemplateResponse(request, template, {"page": pagina, "self": pagina, **contesto}, status=status)
    if privato:
        add_never_cache_headers(risposta)
    return risposta


def _base(pagina, request):
    return pagina.get_url(request=request)


def elenco(request, pagina):
    form = RicercaEsitiForm(request.GET or None)
    esiti = form.filtra(Esito.objects.visibili()).only(*CAMPI_ELENCO)
    paginator = PaginatorDaiDueLati(esiti, conf.per_pagina())
    # The count of each set of filters is cached per version of the esiti: a COUNT walks every matching
    # row (tens of milliseconds at 100,000 esiti), and the same searches come back often.
    paginator.count = memorizzato(f"conteggio:{form.chiave_filtri()}", esiti.count)
    contesto = {}
    pagina_esiti, avviso, query = pagina_richiesta(paginator, request)
    if avviso:
        contesto["avviso_pagina"] = avviso
    esiti = list(pagina_esiti.object_list)
    url_esito = url_rotta_per_id(pagina, "esito", request=request)
    for esito in esiti:
        esito.indirizzo = url_esito(esito.pk)
    contesto.update(
        form=form,
        pagina=pagina_esiti,
        esiti=esiti,
        query_senza_pagina=query,
        base=_base(pagina, request),
    )
    return _render(request, pagina, "esiti/aggiudicazioni_index_page.html", contesto)


def _esito_o_404(pk):
    esito = Esito.objects.defer("vettore_ricerca").select_related("contratto").filter(pk=pk).first()
    if esito is None:
        raise Http404("Esito non trovato")
    return esito


def _contesto_esito(request, pagina, esito):
    contratto = esito.contratto
    return {
        "esito": esito,
        "partecipanti": list(esito.partecipanti.all()),
        "url_contratto": contratto.get_url(request=request) if contratto.live else None,
        "base": _base(pagina, request),
    }


def dettaglio(request, pagina, pk, form_ritiro=None):
    esito = _esito_o_404(pk)
    if not services.puo_vedere(request.user, esito):
        raise Http404("Esito non trovato")
    puo_ritirare = services.puo_ritirare(request.user, esito)
    contesto = _contesto_esito(request, pagina, esito)
    contesto.update(
        puo_pubblicare=services.puo_pubblicare(request.user, esito),
        puo_ritirare=puo_ritirare,
        form_ritiro=form_ritiro or (RitiroEsitoForm() if puo_ritirare else None),
    )
    privato = not esito.visibile_al_pubblico or puo_ritirare
    return _render(request, pagina, "esiti/esito.html", contesto, privato=privato)


def _bozza_dell_ente(request, pk):
    """The draft for the publication flow: anonymous → login; not of the user's ente → 404."""
    esito = _esito_o_404(pk)
    if not services.e_utente_ente(request.user, esito.ente_id):
        raise Http404("Esito non trovato")
    return esito


def pubblica(request, pagina, pk):
    """Manual fig. 40-41: the prefilled form, "salva e pubblica"."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    esito = _bozza_dell_ente(request, pk)
    if esito.stato != Esito.Stato.BOZZA:
        return _non_piu_bozza(request, pagina, esito)
    if request.method == "POST":
        form = PubblicazioneEsitoForm(request.POST, instance=esito)
        if form.is_valid():
            try:
                services.completa_bozza(
                    esito, utente=request.user, request=request, **{k: form.cleaned_data[k] for k in form.fields}
                )
            except ValidationError as exc:
                _errori_nel_form(form, exc)
            else:
                return HttpResponseRedirect(url_rotta(pagina, "riepilogo", esito.pk, request=request))
    else:
        form = PubblicazioneEsitoForm(instance=esito)
    contesto = _contesto_esito(request, pagina, esito)
    contesto["form"] = form
    status = 400 if form.is_bound and form.errors else 200  # refused data: 400, nothing saved
    return _render(request, pagina, "esiti/pubblica.html", contesto, privato=True, status=status)


def _non_piu_bozza(request, pagina, esito):
    if esito.stato == Esito.Stato.RITIRATO:
        messages.info(request, "L'esito è stato ritirato: non può essere modificato né pubblicato di nuovo.")
    else:
        messages.info(request, "L'esito è già stato pubblicato.")
    return HttpResponseRedirect(url_rotta(pagina, "esito", esito.pk, request=request))


def _errori_nel_form(form, exc):
    if hasattr(exc, "error_dict"):
        for campo, errori in exc.message_dict.items():
            for errore in errori:
                form.add_error(campo if campo in form.fields else None, errore)
    else:
        for errore in exc.messages:
            form.add_error(None, errore)


def riepilogo(request, pagina, pk):
    """Manual fig. 42-43: the summary, "salva e procedi", the confirmation."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    esito = _bozza_dell_ente(request, pk)
    if esito.stato != Esito.Stato.BOZZA:
        return _non_piu_bozza(request, pagina, esito)
    url_pubblica = url_rotta(pagina, "pubblica", esito.pk, request=request)
    if request.method == "POST":
        try:
            services.pubblica(esito, utente=request.user, request=request)
        except ValidationError as exc:
            for errore in exc.messages:
                messages.error(request, errore)
            return HttpResponseRedirect(url_pubblica)
        messages.success(request, CONFERMA_PUBBLICAZIONE)
        return HttpResponseRedirect(url_rotta(pagina, "esito", esito.pk, request=request))
    if errori := services.verifica_pubblicabile(esito):
        messages.warning(request, "Prima di pubblicare completa i dati mancanti.")
        for lista in errori.values():
            for errore in lista:
                messages.warning(request, errore)
        return HttpResponseRedirect(url_pubblica)
    return _render(request, pagina, "esiti/riepilogo.html", _contesto_esito(request, pagina, esito), privato=True)


def ritira(request, pagina, pk):
    url_esito = url_rotta(pagina, "esito", pk, request=request)
    if request.method != "POST":
        return HttpResponseRedirect(url_esito)
    if not request.user.is_authenticated:
        return redirect_to_login(url_esito)
    esito = _esito_o_404(pk)
    if not services.puo_vedere(request.user, esito):
        raise Http404("Esito non trovato")
    if not services.puo_ritirare(request.user, esito):
        if esito.stato != Esito.Stato.PUBBLICATO:
            messages.error(request, "Solo un esito pubblicato può essere ritirato.")
            return HttpResponseRedirect(url_esito)
        raise PermissionDenied(services.MSG_PERMESSO_RITIRA)
    form = RitiroEsitoForm(request.POST)
    if not form.is_valid():
        return dettaglio(request, pagina, pk, form_ritiro=form)
    try:
        services.ritira(esito, utente=request.user, motivo=form.cleaned_data["motivo"], request=request)
    except ValidationError as exc:
        for errore in exc.messages:
            messages.error(request, errore)
        return HttpResponseRedirect(url_esito)
    messages.success(request, CONFERMA_RITIRO)
    return HttpResponseRedirect(url_esito)


def _dataset_l190():
    return (
        Esito.objects.in_vigore()
        .filter(data_aggiudicazione__isnull=False)
        .annotate(anno=ExtractYear("data_aggiudicazione"))
    )


def _anni_l190():
    return list(_dataset_l190().order_by("-anno").values_list("anno", flat=True).distinct())


def _tabella_l190(anno, pagina, request):
    righe = list(
        _dataset_l190()
        .filter(anno=anno)
        .values("ente__codice_fiscale", "ente__denominazione")
        .annotate(numero=Count("id"))
        .order_by("ente__denominazione")
    )
    for riga in righe:
        riga["url"] = url_rotta(pagina, "l190", request=request, anno=anno, codice_fiscale=riga["ente__codice_fiscale"])
    return render_to_string("esiti/_dataset_l190.html", {"righe": righe, "anno": anno})


def dati_aperti(request, pagina):
    """The public page that documents the open data and their licence, with the L.190 datasets of one
    year (the most recent by default; ``?anno=``). Years and each year's table are computed once per
    version of the esiti: at 100,000 esiti that is a GROUP BY over the whole table and thousands of rows."""
    base = _base(pagina, request)
    anni = memorizzato("l190:anni", _anni_l190)
    richiesto = request.GET.get("anno", "").strip()
    valido = richiesto.isascii() and richiesto.isdigit() and len(richiesto) == 4 and int(richiesto) in anni
    anno = int(richiesto) if valido else (anni[0] if anni else None)
    # An unknown year is refused (400) with the message, as the list reports its invalid filters.
    avviso_anno = (
        ""
        if valido or not richiesto
        else (f"Anno non valido: scegli uno degli anni elencati{f' (è mostrato il {anno})' if anno else ''}.")
    )
    contesto = {
        "avviso_anno": avviso_anno,
        "base": base,
        "anni_l190": anni,
        "anno_l190": anno,
        "tabella_l190": memorizzato(f"l190:tabella:{anno}:{base}", lambda: _tabella_l190(anno, pagina, request))
        if anno
        else "",
        "licenza_nome": conf.LICENZA_NOME,
        "licenza_url": conf.LICENZA_URL,
        "prefisso_ocid": conf.prefisso_ocid(),
        "editore": conf.editore_dati(),
    }
    return _render(request, pagina, "esiti/dati_aperti.html", contesto, status=400 if avviso_anno else 200)
