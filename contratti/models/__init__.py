from .adesioni import Adesione, ContatoreAdesioni, DocumentoAdesione  # noqa: F401
from .pagine import (  # noqa: F401
    ContrattiIndexPage,
    ContrattoPage,
    DocumentoAllegato,
    RichiestaDocumento,
    UtenteAbilitato,
    valida_cig,
    valida_cup,
)
from .workflow import ValutazioneBanditoreTask  # noqa: F401
