"""Management commands: documenti_orfani, misura_firme."""

import io
import os
import time

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from documenti.validazione import valida_e_salva

from . import campioni as c


class _Annulla(Exception):
    pass


def _esegui(*args):
    out = io.StringIO()
    call_command("documenti_orfani", *args, stdout=out)
    return out.getvalue()


def test_orfani_dopo_un_rollback_elencati_ed_eliminati(demo):
    tenuto = valida_e_salva(SimpleUploadedFile("tenuto.pdf", c.pades()), utente=None, firma_richiesta=True)
    try:
        with transaction.atomic():
            perso = valida_e_salva(SimpleUploadedFile("perso.pdf", c.pades()), utente=None, firma_richiesta=True)
            raise _Annulla
    except _Annulla:
        pass
    percorso_perso = settings.PRIVATE_STORAGE_ROOT / perso.file.name
    assert percorso_perso.is_file()
    # Too recent: left alone.
    assert perso.file.name not in _esegui("--elimina")
    assert percorso_perso.is_file()
    vecchio = time.time() - 48 * 3600
    os.utime(percorso_perso, (vecchio, vecchio))
    os.utime(settings.PRIVATE_STORAGE_ROOT / tenuto.file.name, (vecchio, vecchio))
    elenco = _esegui()
    assert f"orfano {perso.file.name}" in elenco and tenuto.file.name not in elenco
    assert percorso_perso.is_file()
    assert f"eliminato {perso.file.name}" in _esegui("--elimina")
    assert not percorso_perso.exists()
    assert (settings.PRIVATE_STORAGE_ROOT / tenuto.file.name).is_file()


def test_misura_firme_stampa_le_mediane(db):
    out = io.StringIO()
    call_command("misura_firme", "-n", "2", stdout=out)
    testo = out.getvalue()
    assert "verifica PAdES, 1 pagina" in testo and "verifica CAdES (.p7m DER)" in testo
    assert testo.count("mediana") == 5
