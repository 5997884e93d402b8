"""``{% load firme_tags %}``: ``{% firma documento per %}`` shows a stored document's signer (name and
codice fiscale), whether that person may sign for ``per`` (an ente, an operatore economico or a
``documenti.titolari.Titolare``) and whether the certificate is trusted."""

from django import template

from documenti.titolari import Titolare, esame

register = template.Library()


@register.inclusion_tag("documenti/_firma.html")
def firma(documento, per=None):
    titolare = per if isinstance(per, Titolare) else (Titolare(per) if per else None)
    return {"e": esame(documento, titolare)}
