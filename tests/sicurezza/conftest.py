"""Fixtures of the security tests.

``dati_matrice`` builds the records of the permission matrix once per module, inside a transaction
that is rolled back when the module ends: every test of the module runs in a savepoint inside it
(pytest-django's ``db``), so a test that changes a record does not change it for the next one and
nothing is left for the other packages. A session per role is opened there too, so every cell
reuses it instead of logging in again.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from .dati import costruisci


def _file_privati():
    from documenti.models import DocumentoPrivato

    archivio = {}
    for documento in DocumentoPrivato.objects.all():
        with documento.file.open("rb") as fh:
            archivio[documento.file.name] = (documento.file.storage, fh.read())
    return archivio


@pytest.fixture(scope="module")
def dati_matrice(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomico = transaction.atomic()
        atomico.__enter__()
        try:
            dati = costruisci()
            dati.sessioni = {}
            for nome, utente in dati.utenti.items():
                client = Client()
                client.force_login(utente)
                dati.sessioni[nome] = client.cookies[settings.SESSION_COOKIE_NAME].value
            dati.file_privati = _file_privati()
            yield dati
        finally:
            transaction.set_rollback(True)
            atomico.__exit__(None, None, None)


def ripristina_file(dati):
    """Deleting a draft deletes its files from the storage, which no rollback brings back: put them back."""
    from django.core.files.base import ContentFile

    for nome, (storage, contenuto) in dati.file_privati.items():
        if not storage.exists(nome):
            storage.save(nome, ContentFile(contenuto))
