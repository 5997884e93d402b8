"""Many esiti at once (bulk inserts), for benchmarks, load tests and the query-count tests.

Not a business path: it writes published esiti directly, as ``generate_bulk`` would. The search
vector is computed afterwards with one UPDATE per batch (``aggiorna_ricerca``), as it must be after
any ``bulk_create``.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contratti.models import ContrattoPage
from organizzazioni.models import Ente

from .cache import segnala_modifica
from .models import Esito, PartecipanteEsito
from .services import ocid_per, partecipanti_da_contratto

OGGETTI = (
    "Servizi di hosting e migrazione in cloud dei sistemi gestionali",
    "Conservazione digitale e backup dei dati dell'ente",
    "Posta elettronica certificata e collaborazione",
    "Disaster recovery e continuità operativa del data center",
    "Servizi IaaS e PaaS per il portale dei servizi online",
    "Gestione delle postazioni di lavoro virtuali",
    "Sicurezza perimetrale e monitoraggio della rete",
    "Servizi di connettività per le sedi comunali",
    "Supporto specialistico alla transizione digitale",
    "Archiviazione documentale e protocollo informatico",
)


def genera_esiti(n, *, contratti=None, enti=None, prefisso_cig="B", lotto=2000, seme=0, stato=Esito.Stato.PUBBLICATO):
    """Create ``n`` esiti (published by default) with their participants; returns their ids."""
    rng = random.Random(seme)  # noqa: S311 - reproducible test data, not security
    contratti = list(contratti or ContrattoPage.objects.select_related("aggiudicatario"))
    enti = list(enti or Ente.objects.all())
    membri = {c.pk: partecipanti_da_contratto(c) for c in contratti}
    adesso = timezone.now()
    inizio_cig = Esito.objects.filter(cig__startswith=prefisso_cig).count()
    ids = []
    for partenza in range(0, n, lotto):
        with transaction.atomic():
            esiti = []
            for i in range(partenza, min(n, partenza + lotto)):
                contratto = contratti[i % len(contratti)]
                ente = enti[rng.randrange(len(enti))]
                aggiudicazione = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(2400))
                cig = f"{prefisso_cig}{inizio_cig + i:0{10 - len(prefisso_cig)}d}"
                oe = contratto.aggiudicatario
                esiti.append(
                    Esito(
                        contratto=contratto,
                        contratto_titolo=contratto.title[:255],
                        ente=ente,
                        ente_denominazione=ente.denominazione,
                        ente_codice_fiscale=ente.codice_fiscale,
                        cig=cig,
                        cig_accordo_quadro=contratto.cig,
                        ocid=ocid_per(cig),
                        oggetto=f"{OGGETTI[rng.randrange(len(OGGETTI))]} – lotto {i}",
                        importo_aggiudicazione=Decimal(rng.randrange(1_000_00, 5_000_000_00)) / 100,
                        importo_somme_liquidate=Decimal("0.00"),
                        aggiudicatario_denominazione=oe.denominazione,
                        aggiudicatario_codice_fiscale=oe.codice_fiscale,
                        data_aggiudicazione=aggiudicazione,
                        data_inizio=aggiudicazione + datetime.timedelta(days=15),
                        data_ultimazione=aggiudicazione + datetime.timedelta(days=15 + 365 * rng.randrange(1, 4)),
                        stato=stato,
                        pubblicato_il=adesso - datetime.timedelta(minutes=n - i) if stato != "bozza" else None,
                    )
                )
            Esito.objects.bulk_create(esiti)
            PartecipanteEsito.objects.bulk_create(
                [
                    PartecipanteEsito(
                        esito=e,
                        ragione_sociale=p["ragione_sociale"],
                        codice_fiscale=p["codice_fiscale"],
                        ruolo=p["ruolo"],
                        ordine=k,
                    )
                    for e in esiti
                    for k, p in enumerate(membri[e.contratto_id])
                ]
            )
            creati = [e.pk for e in esiti]
            Esito.objects.filter(pk__in=creati).aggiorna_ricerca()
            ids.extend(creati)
    segnala_modifica()
    return ids
