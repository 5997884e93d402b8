from django import template

from audit import etichette

register = template.Library()


@register.filter
def etichetta_azione(codice):
    return etichette.etichetta_azione(codice)


@register.filter
def transizione(voce):
    return etichette.transizione(voce) or "—"
