import json
import logging

import segno
from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import cns, oidc, services, spid_idp
from . import due_fattori as df

logger_csp = logging.getLogger("identita.csp")

BACKEND_LOCALE = "django.contrib.auth.backends.ModelBackend"
LIVELLI_SPID = [
    (1, "SPID livello 1 (nome utente e password)"),
    (2, "SPID livello 2 (con codice temporaneo OTP)"),
    (3, "SPID livello 3 (con dispositivo di firma)"),
]


def _prossima(request, valore):
    if valore and url_has_allowed_host_and_scheme(valore, {request.get_host()}, require_https=request.is_secure()):
        return valore
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _identita_dimostrative():
    return (
        get_user_model()
        .objects.filter(is_active=True, profilo__isnull=False)
        .exclude(profilo__codice_fiscale="")
        .select_related("profilo")
        .order_by("last_name", "first_name", "username")
    )


class SpidSimulatoForm(forms.Form):
    utente = forms.ModelChoiceField(
        label="Identità dimostrativa",
        queryset=get_user_model().objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Scegli una delle identità dimostrative elencate."},
    )
    livello = forms.TypedChoiceField(
        label="Livello SPID", choices=LIVELLI_SPID, coerce=int, initial=2, widget=forms.RadioSelect
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["utente"].queryset = _identita_dimostrative()
        self.fields["utente"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username}) – C.F. {u.profilo.codice_fiscale}"
        )


@never_cache
def spid_simulato(request):
    """Demo and tests only: pick a demo identity and a level, as if SPID had authenticated it."""
    if not services.simulazione_attiva():
        raise Http404("L'autenticazione simulata non è attiva.")
    if request.method == "POST":
        form = SpidSimulatoForm(request.POST)
        if form.is_valid():
            user = form.cleaned_data["utente"]
            request.identita_accesso_esterno = True
            login(request, user, backend=BACKEND_LOCALE)
            services.registra_autenticazione(
                request,
                fonte="spid",
                livello=form.cleaned_data["livello"],
                codice_fiscale=user.profilo.codice_fiscale,
                simulata=True,
            )
            return redirect(_prossima(request, form.cleaned_data["next"]))
    else:
        livello = request.GET.get("livello")
        form = SpidSimulatoForm(
            initial={"next": request.GET.get("next", ""), "livello": livello if livello in ("1", "2", "3") else 2}
        )
    return render(request, "identita/spid_simulato.html", {"form": form})


def avvia_oidc(request):
    if not oidc.oidc_attivo():
        raise Http404("L'accesso con SPID/CIE non è configurato.")
    idp = request.GET.get("idp", "")
    if idp and (request.GET.get("fonte") == "cie" or not spid_idp.provider_noto(idp)):
        messaggio = (
            "Gestore dell'identità SPID non riconosciuto: scegli il gestore dall'elenco del pulsante «Entra con SPID»."
        )
        return render(
            request, "identita/accesso_non_riuscito.html", {"messaggio": messaggio, "fonte": "SPID"}, status=400
        )
    return oidc.AvvioOIDCView.as_view()(request)


def callback_oidc(request):
    if not oidc.oidc_attivo():
        raise Http404("L'accesso con SPID/CIE non è configurato.")
    return oidc.CallbackOIDCView.as_view()(request)


@never_cache
def accesso_cns(request):
    """GET: shows whose CNS the proxy verified; POST: logs that person in (level 3)."""
    if not cns.cns_attiva():
        raise Http404("L'accesso con CNS non è attivo.")
    prossima = request.POST.get("next") or request.GET.get("next", "")
    try:
        certificato = cns.certificato_da_request(request)
    except cns.CertificatoNonValido as exc:
        if request.method == "POST":
            services.registra_accesso_rifiutato(request, fonte="cns", motivo=str(exc))
        return render(
            request, "identita/accesso_non_riuscito.html", {"messaggio": str(exc), "fonte": "CNS"}, status=403
        )
    if request.method != "POST":
        return render(request, "identita/cns.html", {"certificato": certificato, "next": prossima})
    try:
        user = services.utente_per_codice_fiscale(certificato.codice_fiscale)
    except services.UtenteNonTrovato as exc:
        services.registra_accesso_rifiutato(
            request, fonte="cns", motivo=str(exc), codice_fiscale=certificato.codice_fiscale
        )
        return render(
            request, "identita/accesso_non_riuscito.html", {"messaggio": str(exc), "fonte": "CNS"}, status=403
        )
    request.identita_accesso_esterno = True
    login(request, user, backend=BACKEND_LOCALE)
    services.registra_autenticazione(request, fonte="cns", livello=3, codice_fiscale=certificato.codice_fiscale)
    return redirect(_prossima(request, prossima))


@never_cache
@login_required
def stato(request):
    """How the current user logged in (source, level, time, codice fiscale)."""
    return render(request, "identita/stato.html", {"autenticazione": services.autenticazione(request)})


def bloccato(request, original_response=None, credentials=None):
    """django-axes lockout page (``AXES_LOCKOUT_CALLABLE``), in Italian, status 429."""

    attesa = get_cool_off(request)
    minuti = max(1, int(attesa.total_seconds() // 60)) if attesa else None
    return render(request, "identita/bloccato.html", {"minuti": minuti}, status=429)


@csrf_exempt
@require_POST
def rapporto_csp(request):
    """Browsers report here what the Content-Security-Policy blocked: logged, so that a page broken by
    the strict policy shows up in the logs instead of silently."""
    if len(request.body) > 16 * 1024:
        return HttpResponse(status=413)
    try:
        rapporto = json.loads(request.body or b"{}").get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if isinstance(rapporto, dict):
        logger_csp.warning(
            "CSP: bloccato %s (%s) su %s",
            str(rapporto.get("blocked-uri", ""))[:200],
            str(rapporto.get("violated-directive") or rapporto.get("effective-directive", ""))[:100],
            str(rapporto.get("document-uri", ""))[:200],
        )
    return HttpResponse(status=204)


class CodiceDueFattoriForm(forms.Form):
    codice = forms.RegexField(
        label="Codice di 6 cifre",
        regex=r"^\d{6}$",
        max_length=12,
        strip=True,
        error_messages={
            "required": "Inserisci il codice di 6 cifre mostrato dall'applicazione di autenticazione.",
            "invalid": "Il codice è formato da 6 cifre: inseriscilo senza spazi né lettere.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        if args and args[0] is not None:
            dati = args[0].copy()
            dati["codice"] = "".join(dati.get("codice", "").split())
            args = (dati, *args[1:])
        super().__init__(*args, **kwargs)


@never_cache
@login_required
def due_fattori(request):
    """Second factor for the admin staff: the QR code of a new device the first time, then the code."""

    if not df.e_staff(request.user):
        raise Http404("La verifica in due passaggi riguarda gli utenti dell'area di amministrazione.")
    prossima = _prossima(request, request.POST.get("next") or request.GET.get("next") or "/admin/")
    if df.sessione_a_due_fattori(request):
        return redirect(prossima)
    device = df.dispositivo_confermato(request.user)
    da_attivare = device is None
    if da_attivare:
        device = df.dispositivo_da_attivare(request)
    stato = 200
    if request.method == "POST":
        form = CodiceDueFattoriForm(request.POST)
        if form.is_valid():
            esito, attesa = df.verifica_codice(request, device, form.cleaned_data["codice"])
            if esito == df.EsitoCodice.VALIDO:
                return redirect(prossima)
            if esito == df.EsitoCodice.ATTESA:
                form.add_error("codice", f"Troppi codici errati: attendi {attesa} secondi prima di riprovare.")
                stato = 429
            else:
                form.add_error(
                    "codice",
                    "Il codice non è valido o è scaduto: inserisci quello mostrato ora "
                    "dall'applicazione di autenticazione.",
                )
                stato = 400
        else:
            stato = 400
    else:
        form = CodiceDueFattoriForm(initial={"next": prossima})
    contesto = {"form": form, "da_attivare": da_attivare, "ritorno": request.get_full_path()}
    if da_attivare:
        contesto["qr_svg"] = segno.make_qr(device.config_url, error="m").svg_inline(scale=4, title="Codice QR")
        contesto["segreto"] = df.segreto_base32(device)
    return render(request, "identita/due_fattori.html", contesto, status=stato)
