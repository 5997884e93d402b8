"""Other apps add blocks to the Area riservata with the ``sct_area_riservata`` Wagtail hook.

A hook function receives the request and returns ``None`` or ``(template_name, context)``.
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail import hooks


def sezioni_aggiuntive(request):
    blocchi = []
    for fn in hooks.get_hooks("sct_area_riservata"):
        risultato = fn(request)
        if risultato:
            template, context = risultato
            blocchi.append(mark_safe(render_to_string(template, context, request=request)))  # noqa: S308
    return blocchi
