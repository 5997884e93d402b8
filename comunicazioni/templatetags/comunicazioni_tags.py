from django import template

from comunicazioni import permessi, services
from sct_site.memo import per_richiesta

register = template.Library()


@register.simple_tag
def chiarimenti_pubblicati(contratto):
    """The anonymised chiarimenti of the contract's public "Chiarimenti" tab."""
    return list(services.chiarimenti_pubblicati(contratto))


@register.simple_tag
def comunicazioni_contratto(contratto, user):
    """``{"accede": bool, "puo_scrivere": bool, "non_lette": int}`` for the contract page's link."""
    return _comunicazioni_contratto(contratto, user)


@per_richiesta
def _comunicazioni_contratto(contratto, user):
    if user is None or not user.is_authenticated or not contratto.live:
        return {"accede": False, "puo_scrivere": False, "non_lette": 0}
    return {
        "accede": permessi.accede(user, contratto),
        "puo_scrivere": permessi.puo_scrivere(user, contratto),
        "non_lette": services.non_lette(user, contratto).count(),
    }

