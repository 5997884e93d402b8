"""``{% load schede_tags %}``: the "SCHEDE" entry of the ordinativo's menu asks the permissions of
``contratti.schede`` (the views of the ordinativo do not put them in their context)."""

from django import template

from contratti.schede import permessi

register = template.Library()


@register.simple_tag(takes_context=True)
def sezione_schede_visibile(context, ordinativo):
    request = context.get("request")
    if request is None or ordinativo is None:
        return False
    return permessi.sezione_visibile(request.user, ordinativo)
