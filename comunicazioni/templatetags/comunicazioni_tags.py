from django import template

from comunicazioni import permessi, services
from contratti.permessi import e_banditore
from sct_site.cache.memo import per_richiesta

register = template.Library()


@register.simple_tag
def chiarimenti_pubblicati(contratto):
    """The anonymised chiarimenti of the contract's public "Chiarimenti" tab."""
    return list(services.chiarimenti_pubblicati(contratto))


@register.simple_tag
def comunicazioni_contratto(contratto, user):
    """``{"accede": bool, "puo_scrivere": bool, "puo_chiedere_chiarimento": bool, "non_lette": int}`` for the
    contract page's link. A chiarimento goes to the banditore: its own users are not offered one."""
    return _comunicazioni_contratto(contratto, user)


@per_richiesta
def _comunicazioni_contratto(contratto, user):
    if user is None or not user.is_authenticated or not contratto.live:
        return {"accede": False, "puo_scrivere": False, "puo_chiedere_chiarimento": False, "non_lette": 0}
    puo_scrivere = permessi.puo_scrivere(user, contratto)
    return {
        "accede": permessi.accede(user, contratto),
        "puo_scrivere": puo_scrivere,
        "puo_chiedere_chiarimento": puo_scrivere and not e_banditore(user, contratto),
        "non_lette": services.non_lette(user, contratto).count(),
    }
