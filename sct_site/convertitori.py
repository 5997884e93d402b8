"""The "id" path converter: the primary key of a row, range-checked.

Django's ``int`` accepts any number of digits: an id beyond the 64-bit range reaches the database
and SQLite fails with OverflowError (a 500). ``<id:pk>`` refuses it before the view (a 404). Every
URL pattern and every RoutablePageMixin route of the project uses it (tests/test_fondamenta.py).
"""

from django.urls import register_converter

MASSIMO_ID = 2**63 - 1  # BigAutoField, SQLite INTEGER and PostgreSQL bigint


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value):
        numero = int(value)
        if numero > MASSIMO_ID:
            raise ValueError("id fuori intervallo")  # Django reads ValueError as "no match": 404
        return numero

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")
