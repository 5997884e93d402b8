"""The error raised for every refused upload, with its Italian message and a stable ``code``."""

from django.core.exceptions import ValidationError


class FileNonValido(ValidationError):
    """A refused file. ``str(e.messages[0])`` is the Italian message shown to the user; ``e.code`` says why.

    Codes: ``nome_non_valido``, ``vuoto``, ``troppo_grande``, ``archivio``, ``html``,
    ``tipo_non_ammesso``, ``pdf_danneggiato``, ``pdf_cifrato``, ``p7m_non_valido``, ``p7m_staccato``,
    ``p7m_annidamento``, ``p7m_contenuto``, ``non_firmato``, ``firma_non_integra``,
    ``firma_modificata``, ``firma_non_verificabile``, ``firma_non_attendibile``, ``certificato_revocato``,
    ``certificato_scaduto``,
    ``documento_diverso``, ``documento_riscritto``, ``firma_non_copre``, ``virus``,
    ``antivirus_non_disponibile``.
    """

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code=code, params=params)

    @property
    def messaggio(self) -> str:
        return self.messages[0]
