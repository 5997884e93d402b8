"""``{% load ordinativi_tags %}``: what the ordinativo's header and menu show to the user, asked of
``contratti.ordinativi`` (the pages of the schede include them too, with a context of their own)."""

from django import template

from contratti.ordinativi import firmatari, permessi, services

register = template.Library()


@register.simple_tag(takes_context=True)
def richiesta_cig(context, ordinativo):
    """``{% richiesta_cig o as rc %}``: ``rc.visibile`` (the "Richiedi CIG" and "Log Trasmissioni"
    entries), ``rc.modificabile`` (the user may correct the data now), ``rc.conferma_senza_risposta``."""
    request = context.get("request")
    if request is None or ordinativo is None:
        return {"visibile": False, "modificabile": False, "conferma_senza_risposta": False}
    user = request.user
    visibile = permessi.puo_vedere_dati_anac(user, ordinativo)
    return {
        "visibile": visibile,
        "modificabile": visibile
        and permessi.puo_operare(user, ordinativo)
        and not services.motivo_richiesta_cig_non_modificabile(ordinativo),
        "conferma_senza_risposta": services.conferma_senza_risposta(ordinativo),
    }


@register.filter
def titolare_scheda(ordinativo):
    """``{% firma o.scheda_firmata o|titolare_scheda %}``: the RUP of the ordinativo or the legale rappresentante."""
    return firmatari.titolare_scheda(ordinativo)


@register.filter
def titolare_documento(documento):
    """``{% firma d.documento d|titolare_documento %}``: the ente, or the supplier for its own documents."""
    return firmatari.titolare_documento(documento)
