"""Full-text search of the esiti.

PostgreSQL: a ``tsvector`` column (``Esito.vettore_ricerca``) with a GIN index, written by one
UPDATE per change (``aggiorna_vettori``) and queried with ``websearch_to_tsquery``, so a search is
an index lookup even at 100,000 esiti (Wagtail's database backend would scan sequentially).
Other databases (SQLite in development and in the default test run): every word must appear,
case-insensitively, in one of the searched fields.
"""

import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Exists, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from . import conf
from .models import PartecipanteEsito

RE_CIG = re.compile(r"^[0-9A-Z]{10}$")
CAMPI_TESTO = (
    "oggetto",
    "cig",
    "cig_accordo_quadro",
    "ente_denominazione",
    "ente_codice_fiscale",
    "aggiudicatario_denominazione",
    "aggiudicatario_codice_fiscale",
    "contratto_titolo",
)
MAX_PAROLE = 10


def usa_postgres(queryset):
    return connections[queryset.db].vendor == "postgresql"


def vettore():
    """The expression stored in ``vettore_ricerca``: codes first, then the object, then names."""

    cfg = conf.configurazione_fts()
    membri = (
        PartecipanteEsito.objects.filter(esito=OuterRef("pk"))
        .order_by()
        .values("esito")
        .annotate(testo=StringAgg("ragione_sociale", delimiter=" "))
        .values("testo")
    )
    return (
        SearchVector(
            "cig", "cig_accordo_quadro", "ente_codice_fiscale", "aggiudicatario_codice_fiscale", weight="A", config=cfg
        )
        + SearchVector("oggetto", weight="B", config=cfg)
        + SearchVector("ente_denominazione", "aggiudicatario_denominazione", "contratto_titolo", weight="C", config=cfg)
        + SearchVector(Coalesce(Subquery(membri), Value(""), output_field=TextField()), weight="D", config=cfg)
    )


def aggiorna_vettori(queryset):
    """Recompute the vector of the esiti of ``queryset`` in one UPDATE; returns the rows touched."""
    if not usa_postgres(queryset):
        return 0
    return queryset.order_by().update(vettore_ricerca=vettore())


def filtra_testo(queryset, testo):
    testo = " ".join((testo or "").split())
    if not testo:
        return queryset
    codice = testo.upper()
    per_cig = Q(cig=codice) | Q(cig_accordo_quadro=codice) if RE_CIG.match(codice) else None
    if usa_postgres(queryset):
        condizione = Q(vettore_ricerca=SearchQuery(testo, config=conf.configurazione_fts(), search_type="websearch"))
        return queryset.filter(condizione | per_cig if per_cig else condizione)
    for parola in testo.split()[:MAX_PAROLE]:
        parola = parola.strip("\"'")
        if not parola:
            continue
        condizione = Q()
        for campo in CAMPI_TESTO:
            condizione |= Q(**{f"{campo}__icontains": parola})
        condizione |= Exists(PartecipanteEsito.objects.filter(esito=OuterRef("pk"), ragione_sociale__icontains=parola))
        queryset = queryset.filter(condizione)
    return queryset
