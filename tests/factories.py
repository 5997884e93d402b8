import datetime
import itertools
from decimal import Decimal

from contratti.models import ContrattiIndexPage, ContrattoPage
from organizzazioni.models import Ente, OperatoreEconomico

_seq = itertools.count(1)


def crea_contratto(**campi):
    """A live contract under the Elenco contratti, with the demo's banditore and supplier by default."""
    n = next(_seq)
    indice = ContrattiIndexPage.objects.get()
    valori = {
        "title": f"Contratto di prova {n}",
        "slug": f"contratto-di-prova-{n}",
        "tipo": ContrattoPage.Tipo.CONVENZIONE,
        "cig": f"Z{n:09d}",
        "banditore": Ente.objects.get(codice_fiscale="01386030488"),
        "aggiudicatario": OperatoreEconomico.objects.get(codice_fiscale="00488410010"),
        "importo_massimale": Decimal("1000.00"),
        "data_scadenza": datetime.date(2030, 1, 1),
    }
    valori.update(campi)
    return indice.add_child(instance=ContrattoPage(**valori))
