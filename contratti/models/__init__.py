from .adesioni import Adesione, Contatore, DocumentoAdesione  # noqa: F401
from .ordinativi import DocumentoOrdinativo, Ordinativo, RigaOrdinativo  # noqa: F401
from .pagine import (  # noqa: F401
    ContrattiIndexPage,
    ContrattoPage,
    DocumentoAllegato,
    RichiestaDocumento,
    UtenteAbilitato,
    valida_cig,
    valida_cup,
)
from .schede import Scheda  # noqa: F401
from .workflow import ValutazioneBanditoreTask  # noqa: F401
