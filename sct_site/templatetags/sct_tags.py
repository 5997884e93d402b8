from decimal import Decimal, InvalidOperation

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icona(nome, classe=""):
    return format_html(
        '<svg class="icon icon-primary {}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classe,
        static("vendor/bootstrap-italia/svg/sprites.svg"),
        nome,
    )


@register.filter
def euro(valore):
    """1234567.5 -> "€ 1.234.567,50" (Italian grouping, always two decimals)."""
    if valore is None or valore == "":
        return "—"
    try:
        d = Decimal(valore).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return valore
    segno = "-" if d < 0 else ""
    intero, decimali = f"{abs(d):.2f}".split(".")
    gruppi = []
    while intero:
        gruppi.insert(0, intero[-3:])
        intero = intero[:-3]
    return f"{segno}€ {'.'.join(gruppi)},{decimali}"
