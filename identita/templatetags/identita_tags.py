from django import template
from django.urls import reverse
from django.utils.http import urlencode

from identita import cns, oidc, services

register = template.Library()


@register.inclusion_tag("identita/includes/ingressi.html", takes_context=True)
def ingressi_autenticazione(context, ritorno="", livello=2, forza=False):
    """The SPID / CIE / CNS (and, in the demo, simulated SPID) entry points, coming back to ``ritorno``."""
    livello = int(livello or 2)
    comuni = {"next": ritorno} if ritorno else {}
    ingressi = []
    if oidc.oidc_attivo():
        for fonte, etichetta in (("spid", "Entra con SPID"), ("cie", "Entra con CIE")):
            parametri = {"fonte": fonte, "livello": livello, **comuni}
            if forza:
                parametri["forza"] = 1
            ingressi.append(
                {"fonte": fonte, "etichetta": etichetta, "url": f"{reverse('identita:oidc_avvia')}?{urlencode(parametri)}"}
            )
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
    return {"ingressi": ingressi}


@register.simple_tag(takes_context=True)
def autenticazione_corrente(context):
    request = context.get("request")
    return services.autenticazione(request) if request is not None else None
