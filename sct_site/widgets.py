"""Widgets shared by the site's forms."""

import functools

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


@functools.lru_cache(maxsize=64)
def _opzioni(scelte):
    return tuple(
        (str(valore), format_html('<option value="{}">{}</option>', valore, etichetta)) for valore, etichetta in scelte
    )


class ScelteNormalizzate(BaseChoiceIterator):
    """Choices already in the form ``[(value, label), …]``: assigned to a field or a widget, Django keeps
    them as they are instead of normalizing every item again (thousands of contracts in a filter)."""

    def __init__(self, scelte):
        self.scelte = scelte

    def __iter__(self):
        return iter(self.scelte)

    def __len__(self):
        return len(self.scelte)


class SelectVeloce(forms.Select):
    """A ``<select>`` rendered by joining strings, the escaped options kept per list of choices.

    Django renders every option through a template (about 2 ms per 100 options): the filters of the
    public lists offer hundreds of enti and thousands of contracts. Same markup as ``forms.Select``
    (without optgroups, for which it falls back to Django's rendering)."""

    def render(self, name, value, attrs=None, renderer=None):
        scelte = list(self.choices)
        if any(isinstance(e, (list, tuple)) for _, e in scelte):
            return super().render(name, value, attrs, renderer)
        scelte = tuple(("" if v is None else str(v), str(e)) for v, e in scelte)
        scelti = {str(v) for v in self.format_value(value)}
        parti = [format_html('<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs)))]
        for valore, html in _opzioni(scelte):
            parti.append(html.replace('">', '" selected>', 1) if valore in scelti else html)
        parti.append("</select>")
        return mark_safe("".join(parti))  # noqa: S308 - every part is escaped by format_html
