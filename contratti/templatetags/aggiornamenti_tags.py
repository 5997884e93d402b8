"""``{% load aggiornamenti_tags %}``: the state a waiting page shows, as its status endpoint computes
it (``contratti.aggiornamenti``), for the indicator ``sct/_aggiornamento.html``."""

from django import template

from contratti import aggiornamenti

register = template.Library()


@register.simple_tag
def stato_ordinativo(ordinativo, con_log=False):
    return aggiornamenti.stato_ordinativo(ordinativo, con_log=con_log)


@register.simple_tag
def stato_schede(ordinativo):
    return aggiornamenti.stato_schede(ordinativo)


@register.simple_tag
def stato_scheda(scheda):
    return aggiornamenti.stato_scheda(scheda)


@register.simple_tag
def stato_adesione(adesione):
    return aggiornamenti.stato_adesione(adesione)
