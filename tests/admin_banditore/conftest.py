# The records of the permission matrix (one of every kind, built once per module and rolled back).
from tests.sicurezza.conftest import dati_matrice  # noqa: F401
