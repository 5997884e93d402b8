from django import template
from django.urls import reverse
from django.utils.http import urlencode

from identita import cns, oidc, services, spid_idp

register = template.Library()


def _pulsanti(ritorno, livello, forza, dimensione):
    """The official "Entra con SPID" (with its providers) and "Entra con CIE" buttons, when SPID/CIE is on."""
    if not oidc.oidc_attivo():
        return {}
    comuni = {"next": ritorno} if ritorno else {}
    if forza:
        comuni["forza"] = 1
    avvio = reverse("identita:oidc_avvia")

    def url(fonte, **altri):
        return f"{avvio}?{urlencode({'fonte': fonte, 'livello': livello, **comuni, **altri})}"

    return {
        "spid": {
            "url": url("spid"),
            "provider": [{**voce, "url": url("spid", idp=voce["entity_id"])} for voce in spid_idp.provider_spid()],
            "informazioni": spid_idp.COLLEGAMENTI_INFORMATIVI,
        },
        "cie": {"url": url("cie")},
        "dimensione": dimensione,
    }


@register.inclusion_tag("identita/includes/ingressi.html", takes_context=True)
def ingressi_autenticazione(context, ritorno="", livello=2, forza=False):
    """The SPID / CIE buttons, then CNS (and, in the demo, simulated SPID), coming back to ``ritorno``."""
    livello = int(livello or 2)
    comuni = {"next": ritorno} if ritorno else {}
    ingressi = []
    if cns.cns_attiva():
        ingressi.append(
            {"fonte": "cns", "etichetta": "Entra con CNS", "url": f"{reverse('identita:cns')}?{urlencode(comuni)}"}
        )
    if services.simulazione_attiva():
        ingressi.append(
            {
                "fonte": "spid-simulato",
                "etichetta": "Entra con SPID simulato (demo)",
                "url": f"{reverse('identita:spid_simulato')}?{urlencode({'livello': livello, **comuni})}",
            }
        )
    return {"ingressi": ingressi, "pulsanti": _pulsanti(ritorno, livello, forza, "m")}


@register.inclusion_tag("identita/includes/pulsanti_spid_cie.html")
def pulsanti_spid_cie(ritorno="", dimensione="s"):
    """The official buttons alone (the header): nothing when SPID/CIE is not configured."""
    return {"pulsanti": _pulsanti(ritorno, 2, False, dimensione)}


@register.simple_tag(takes_context=True)
def autenticazione_corrente(context):
    request = context.get("request")
    return services.autenticazione(request) if request is not None else None
