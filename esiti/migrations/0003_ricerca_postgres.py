"""PostgreSQL only: the GIN index of the full-text vector of the esiti.

Declared here rather than in ``Esito.Meta.indexes`` because SQLite (the embedded default) has no GIN
indexes; on SQLite the search falls back to ``icontains`` (esiti/ricerca.py).
"""

from django.db import migrations

INDICE = "esito_vettore_ricerca_gin"


def crea_indice(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDICE} ON esiti_esito USING gin (vettore_ricerca)"
        )


def elimina_indice(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDICE}")


class Migration(migrations.Migration):

    dependencies = [("esiti", "0002_esito")]

    operations = [migrations.RunPython(crea_indice, elimina_indice, elidable=False)]
