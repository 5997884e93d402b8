"""Views of the comunicazioni: thin, every rule is in ``services`` and ``permessi``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from contratti.models import ContrattoPage
from documenti.views import risposta_download

from . import conf, permessi, services
from .forms import MessaggioForm, PreferenzeForm, PubblicazioneForm, RispostaForm
from .models import Allegato, ChiarimentoPubblicato, Consegna, Messaggio


def _negato(request, testo, contratto=None, status=403):
    return render(
        request, "comunicazioni/non_disponibile.html", {"testo": testo, "contratto": contratto}, status=status
    )


def _annota(qs, user):
    consegne = Consegna.objects.filter(messaggio=OuterRef("pk"), utente=user)
    return qs.annotate(
        ricevuta=Exists(consegne), non_letta=Exists(consegne.filter(letto_il__isnull=True))
    ).select_related("contratto", "contratto__aggiudicatario", "mittente_ente", "mittente_utente")


def _pagina(request, qs):
    return Paginator(qs, conf.per_pagina()).get_page(request.GET.get("page"))


@never_cache
@login_required
def inbox(request):
    user = request.user
    qs = permessi.messaggi_visibili(user).filter(contratto__live=True)
    solo_non_lette = request.GET.get("stato") == "non_lette"
    contratto_id = request.GET.get("contratto", "")
    riepilogo = services.riepilogo_per_contratto(user)
    if contratto_id.isdigit() and any(c.pk == int(contratto_id) for c, _, _ in riepilogo):
        qs = qs.filter(contratto_id=int(contratto_id))
    else:
        contratto_id = ""
    qs = _annota(qs, user)
    if solo_non_lette:
        qs = qs.filter(non_letta=True)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "comunicazioni/inbox.html",
        {
            "pagina": _pagina(request, qs.order_by("-creato_il", "-pk")),
            "riepilogo": riepilogo,
            "non_lette": services.non_lette(user).count(),
            "solo_non_lette": solo_non_lette,
            "contratto_scelto": contratto_id,
            "query_senza_pagina": query.urlencode(),
        },
    )


def _contratto_accessibile(request, page_id):
    contratto = get_object_or_404(ContrattoPage, pk=page_id)
    if not contratto.live:
        return contratto, _negato(request, services.MSG_NON_PUBBLICATO, contratto)
    if not permessi.accede(request.user, contratto):
        return contratto, _negato(request, "Non partecipi alle comunicazioni di questo contratto.", contratto)
    return contratto, None


@never_cache
@login_required
def contratto(request, page_id):
    contratto, negato = _contratto_accessibile(request, page_id)
    if negato:
        return negato
    user = request.user
    qs = _annota(permessi.messaggi_visibili(user).filter(contratto=contratto), user).order_by("-creato_il", "-pk")
    return render(
        request,
        "comunicazioni/contratto.html",
        {
            "contratto": contratto,
            "pagina": _pagina(request, qs),
            "puo_scrivere": permessi.puo_scrivere(user, contratto),
            "ruoli": permessi.ruoli(user, contratto),
            "non_lette": services.non_lette(user, contratto).count(),
            "e_banditore": any(r.parte == "banditore" for r in permessi.ruoli(user, contratto)),
            "chiarimenti": services.chiarimenti_pubblicati(contratto),
        },
    )


@never_cache
@login_required
def scrivi(request, page_id):
    contratto, negato = _contratto_accessibile(request, page_id)
    if negato:
        return negato
    scelte = services.scelte_destinatario(request.user, contratto)
    if not scelte:
        return _negato(request, services.MSG_NON_ABILITATO, contratto)
    status = 200
    if request.method == "POST":
        form = MessaggioForm(request.POST, request.FILES, scelte=scelte)
        if form.is_valid():
            try:
                messaggio = services.invia_messaggio(
                    contratto,
                    utente=request.user,
                    destinatario=form.cleaned_data["destinatario"],
                    tipo=form.cleaned_data["tipo"] or Messaggio.Tipo.COMUNICAZIONE,
                    oggetto=form.cleaned_data["oggetto"],
                    testo=form.cleaned_data["testo"],
                    allegati=form.cleaned_data.get("allegati") or [],
                    request=request,
                )
            except PermissionDenied as exc:
                return _negato(request, str(exc) or services.MSG_NON_ABILITATO, contratto)
            except ValidationError as exc:
                form.applica_errori(exc)
            else:
                messages.success(request, "Il messaggio è stato inviato.")
                return redirect("comunicazioni:messaggio", pk=messaggio.pk)
        status = 400
    else:
        form = MessaggioForm(
            scelte=scelte,
            initial={
                "destinatario": request.GET.get("a", ""),
                "tipo": request.GET.get("tipo") or Messaggio.Tipo.COMUNICAZIONE,
            },
        )
    return render(request, "comunicazioni/scrivi.html", {"contratto": contratto, "form": form}, status=status)


def _messaggio_leggibile(request, pk):
    messaggio = get_object_or_404(Messaggio.objects.select_related("contratto"), pk=pk)
    if not permessi.puo_leggere(request.user, messaggio):
        raise Http404("Messaggio non trovato")
    if not messaggio.contratto.live:
        return messaggio, _negato(request, services.MSG_NON_PUBBLICATO, messaggio.contratto)
    return messaggio, None


@never_cache
@login_required
def messaggio(request, pk):
    messaggio, negato = _messaggio_leggibile(request, pk)
    if negato:
        return negato
    user = request.user
    thread = list(services.conversazione(user, messaggio))
    services.segna_letti(user, thread)
    voci = []
    for m in thread:
        mittente = permessi.e_parte_mittente(user, m)
        voci.append(
            {
                "m": m,
                "corrente": m.pk == messaggio.pk,
                "mittente": mittente,
                "destinatari": m.destinatari_etichette()
                if mittente or not m.dest_tutti_aderenti
                else ["Tutti gli enti aderenti"],
                "consegne": list(m.consegne.select_related("utente").order_by("utente__last_name", "utente__username"))
                if mittente
                else [],
                "allegati": list(m.allegati.all()),
            }
        )
    radice = messaggio.radice
    return render(
        request,
        "comunicazioni/messaggio.html",
        {
            "messaggio": messaggio,
            "contratto": messaggio.contratto,
            "voci": voci,
            "puo_rispondere": permessi.ruolo_per_risposta(user, messaggio) is not None,
            "puo_pubblicare": permessi.puo_pubblicare_chiarimento(user, radice),
            "pubblicato": ChiarimentoPubblicato.objects.filter(conversazione=radice).first(),
        },
    )


@never_cache
@login_required
def rispondi(request, pk):
    messaggio, negato = _messaggio_leggibile(request, pk)
    if negato:
        return negato
    if permessi.ruolo_per_risposta(request.user, messaggio) is None:
        return _negato(request, "Non puoi rispondere a questo messaggio.", messaggio.contratto)
    status = 200
    if request.method == "POST":
        form = RispostaForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                risposta = services.rispondi(
                    messaggio,
                    utente=request.user,
                    oggetto=form.cleaned_data["oggetto"],
                    testo=form.cleaned_data["testo"],
                    allegati=form.cleaned_data.get("allegati") or [],
                    request=request,
                )
            except PermissionDenied as exc:
                return _negato(request, str(exc), messaggio.contratto)
            except ValidationError as exc:
                form.applica_errori(exc)
            else:
                messages.success(request, "La risposta è stata inviata.")
                return redirect("comunicazioni:messaggio", pk=risposta.pk)
        status = 400
    else:
        oggetto = messaggio.oggetto if messaggio.oggetto.lower().startswith("re:") else f"Re: {messaggio.oggetto}"
        form = RispostaForm(initial={"oggetto": oggetto[: conf.max_oggetto()]})
    return render(
        request,
        "comunicazioni/rispondi.html",
        {"messaggio": messaggio, "contratto": messaggio.contratto, "form": form},
        status=status,
    )


@never_cache
@login_required
def pubblica(request, pk):
    messaggio, negato = _messaggio_leggibile(request, pk)
    if negato:
        return negato
    if not permessi.puo_pubblicare_chiarimento(request.user, messaggio):
        return _negato(
            request, "Solo il CdC_Banditore del contratto può pubblicare i chiarimenti.", messaggio.contratto
        )
    status = 200
    if request.method == "POST":
        form = PubblicazioneForm(request.POST)
        if form.is_valid():
            try:
                services.pubblica_chiarimento(
                    messaggio,
                    utente=request.user,
                    domanda=form.cleaned_data["domanda"],
                    risposta=form.cleaned_data["risposta"],
                    request=request,
                )
            except PermissionDenied as exc:
                return _negato(request, str(exc), messaggio.contratto)
            except ValidationError as exc:
                form.applica_errori(exc)
            else:
                messages.success(request, "Il chiarimento è pubblicato nel tab “Chiarimenti” del contratto.")
                return redirect("comunicazioni:messaggio", pk=messaggio.pk)
        status = 400
    else:
        form = PubblicazioneForm(initial=services.proposta_pubblicazione(messaggio))
    return render(
        request,
        "comunicazioni/pubblica.html",
        {"messaggio": messaggio, "contratto": messaggio.contratto, "form": form},
        status=status,
    )


@require_POST
@login_required
def ritira(request, pk):
    chiarimento = get_object_or_404(ChiarimentoPubblicato, pk=pk)
    try:
        services.ritira_chiarimento(chiarimento, utente=request.user, request=request)
    except PermissionDenied as exc:
        return _negato(request, str(exc), chiarimento.contratto)
    messages.success(request, "Il chiarimento non è più pubblicato.")
    return redirect("comunicazioni:contratto", page_id=chiarimento.contratto_id)


@require_POST
@login_required
def ritenta(request, pk):
    consegna = get_object_or_404(Consegna.objects.select_related("messaggio"), pk=pk)
    if not permessi.puo_leggere(request.user, consegna.messaggio):
        raise Http404("Consegna non trovata")
    try:
        services.ritenta_email(consegna, utente=request.user)
    except PermissionDenied as exc:
        return _negato(request, str(exc), consegna.messaggio.contratto)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"L'e-mail per {consegna.utente.get_full_name() or consegna.utente} è di nuovo in invio."
        )
    return redirect("comunicazioni:messaggio", pk=consegna.messaggio_id)


@never_cache
@login_required
def allegato(request, pk):
    allegato = get_object_or_404(Allegato.objects.select_related("messaggio", "documento"), pk=pk)
    if not permessi.puo_leggere(request.user, allegato.messaggio):
        raise Http404("Allegato non trovato")
    return risposta_download(request, allegato.documento)


@never_cache
@login_required
def preferenze(request):
    profilo = getattr(request.user, "profilo", None)
    attuale = profilo.notifiche_email if profilo else "immediate"
    status = 200
    if request.method == "POST":
        form = PreferenzeForm(request.POST)
        if form.is_valid():
            services.imposta_preferenza(request.user, form.cleaned_data["notifiche_email"])
            messages.success(request, "Preferenza salvata.")
            return redirect("comunicazioni:preferenze")
        status = 400
    else:
        form = PreferenzeForm(initial={"notifiche_email": attuale})
    return render(request, "comunicazioni/preferenze.html", {"form": form}, status=status)
