"""Bulk data for benchmarks and load tests (``manage.py generate_bulk``).

Everything is written with ``bulk_create`` in batches, inside one transaction per batch:

- enti and operatori economici (a third of them RTI with a mandataria and two mandanti), each with
  its Django group, like ``Organizzazione.save`` would make;
- contract pages (``ContrattoPage``) under the Elenco contratti: the treebeard materialised paths
  are computed here (steplen 4, base 36, after the index's last child), the ``wagtailcore_page``
  rows are bulk-inserted and then the ``contratti_contrattopage`` rows with the same ids; the
  index's ``numchild`` is updated once. 2,000 pages take a few seconds instead of minutes of
  ``add_child`` + ``save_revision().publish()``. The pages are live, without revisions (the admin
  creates one at the first edit);
- adesioni (sent and approved) and ordinativi (approved, with ``righe`` rows and a derived CIG),
  with the object permissions that the services give to the ente's group, so an aderente sees the
  records of its ente exactly as if it had made them;
- published esiti through ``esiti.bulk.genera_esiti`` (the esiti app's own generator), which also
  writes the full-text vector (``aggiorna_ricerca``) after each batch.

Every record is marked, so that ``--reset`` removes only what this module made:

==================  ===========================================================
enti, OE            PEC ending in ``@bulk.invalid`` (a reserved top-level domain)
contract pages      slug starting with ``bulk-``
adesioni            ``numero`` ≥ 900000 (real numbering starts at 1 every year)
ordinativi          ``codice_appalto`` starting with ``BULK-``
esiti               contract is a bulk contract
==================  ===========================================================

Adesioni and ordinativi go to bulk contracts and also to the demo contracts, and to all enti
(bulk and existing), so that the demo users see a share of them.
"""

import datetime
import random
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from guardian.models import GroupObjectPermission
from wagtail.models import Page

from contratti.models import Adesione, ContrattiIndexPage, ContrattoPage, Ordinativo, RigaOrdinativo
from esiti.bulk import genera_esiti
from esiti.models import Esito, PartecipanteEsito
from organizzazioni.models import Ente, MembroRTI, OperatoreEconomico
from sct_site.cache import invalida, invalidazione_sospesa

MARCA_PEC = "@bulk.invalid"
PREFISSO_SLUG = "bulk-"
NUMERO_BASE = 900_000
PREFISSO_APPALTO = "BULK-"
PREFISSO_CIG_ESITI = "Y"
PREFISSO_CIG_ORDINATIVI = "Z"
ALFABETO = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

PAROLE = (
    "cloud",
    "hosting",
    "connettività",
    "sicurezza",
    "backup",
    "conservazione",
    "posta",
    "data center",
    "postazioni",
    "telefonia",
    "reti",
    "software",
    "manutenzione",
    "assistenza",
    "formazione",
)
COMUNI = (
    "Firenze",
    "Prato",
    "Pistoia",
    "Livorno",
    "Pisa",
    "Arezzo",
    "Siena",
    "Grosseto",
    "Lucca",
    "Massa",
    "Carrara",
    "Empoli",
    "Viareggio",
    "Scandicci",
    "Sesto Fiorentino",
    "Pontedera",
    "Poggibonsi",
)


@dataclass
class Dimensioni:
    contratti: int = 20
    enti: int = 30
    operatori: int = 0  # 0: one every 20 contracts (at least 2)
    adesioni: int = 200
    ordinativi: int = 1000
    righe: int = 2  # rows per ordinativo
    esiti: int = 1000
    lotto: int = 2000
    seme: int = 10

    def __post_init__(self):
        if self.operatori <= 0:
            self.operatori = max(2, self.contratti // 20)
        if self.contratti < 1 or self.enti < 1:
            raise ValueError("Servono almeno un contratto e un ente.")
        if self.ordinativi and not self.adesioni:
            raise ValueError("Gli ordinativi richiedono almeno un'adesione.")


def _blocchi(n, lotto):
    for partenza in range(0, n, lotto):
        yield partenza, min(n, partenza + lotto)


def _cf_numerico(prefisso, i):
    """An 11-digit numeric codice fiscale with a valid check digit (enti and companies)."""
    base = f"{prefisso}{i:0{10 - len(prefisso)}d}"
    somma = 0
    for posizione, cifra in enumerate(base):
        n = int(cifra)
        if posizione % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        somma += n
    return base + str((10 - somma % 10) % 10)


def _path_figlio(genitore_path, numero):
    cifre = []
    for _ in range(4):
        numero, resto = divmod(numero, 36)
        cifre.append(ALFABETO[resto])
    if numero:
        raise ValueError("Troppi figli per un nodo (36^4).")
    return genitore_path + "".join(reversed(cifre))


def _numero_path(segmento):
    n = 0
    for c in segmento:
        n = n * 36 + ALFABETO.index(c)
    return n


def presenti():
    """How many bulk records there are, by kind."""

    return {
        "contratti": ContrattoPage.objects.filter(slug__startswith=PREFISSO_SLUG).count(),
        "enti": Ente.objects.filter(pec__endswith=MARCA_PEC).count(),
        "operatori": OperatoreEconomico.objects.filter(pec__endswith=MARCA_PEC).count(),
        "adesioni": Adesione.objects.filter(numero__gte=NUMERO_BASE).count(),
        "ordinativi": Ordinativo.objects.filter(codice_appalto__startswith=PREFISSO_APPALTO).count(),
        "esiti": Esito.objects.filter(contratto__slug__startswith=PREFISSO_SLUG).count(),
    }


class Generatore:
    def __init__(self, dimensioni, log=None):
        self.d = dimensioni
        self.rng = random.Random(dimensioni.seme)  # noqa: S311 - reproducible test data, not security
        self.log = log or (lambda messaggio: None)
        self.adesso = timezone.now()
        self._numeri = None  # (model, year) -> last bulk number given, read once from the database
        self._ordinativi_creati = None

    def _numero(self, modello, anno):
        if self._numeri is None:
            self._numeri = {}
            for m in (Adesione, Ordinativo):
                for riga in m.objects.filter(numero__gte=NUMERO_BASE).values("anno").annotate(ultimo=Max("numero")):
                    self._numeri[m, riga["anno"]] = riga["ultimo"]
        numero = self._numeri[modello, anno] = self._numeri.get((modello, anno), NUMERO_BASE) + 1
        return numero

    def _fase(self, nome, funzione):
        inizio = time.perf_counter()
        risultato = funzione()
        self.log(f"{nome}: {time.perf_counter() - inizio:.1f} s")
        return risultato

    def esegui(self):
        with invalidazione_sospesa():
            enti = self._fase(f"{self.d.enti} enti", self.enti)
            operatori = self._fase(f"{self.d.operatori} operatori economici", self.operatori)
            contratti = self._fase(f"{self.d.contratti} contratti (pagine)", lambda: self.contratti(enti, operatori))
            adesioni = self._fase(f"{self.d.adesioni} adesioni", lambda: self.adesioni(contratti))
            self._fase(
                f"{self.d.ordinativi} ordinativi (+{self.d.righe} righe ciascuno)", lambda: self.ordinativi(adesioni)
            )
            self._fase(f"{self.d.esiti} esiti (+ vettore di ricerca)", lambda: self.esiti(contratti))

    # --- organisations -----------------------------------------------------------------------

    def _gruppi(self, modello, codici):
        nomi = [f"{modello}:{cf}" for cf in codici]
        Group.objects.bulk_create([Group(name=n) for n in nomi], ignore_conflicts=True)
        return dict(Group.objects.filter(name__in=nomi).values_list("name", "id"))

    @transaction.atomic
    def enti(self):
        codici = [_cf_numerico("97", i) for i in range(self.d.enti)]
        gruppi = self._gruppi("ente", codici)
        Ente.objects.bulk_create(
            [
                Ente(
                    denominazione=f"Comune di {COMUNI[i % len(COMUNI)]} {i // len(COMUNI) + 1} (prova)",
                    codice_fiscale=cf,
                    pec=f"ente{i}{MARCA_PEC}",
                    gruppo_id=gruppi[f"ente:{cf}"],
                    codice_istat=f"{48000 + i % 999:06d}",
                    codice_nuts="ITI14",
                )
                for i, cf in enumerate(codici)
            ],
            batch_size=self.d.lotto,
        )
        return list(Ente.objects.all())

    @transaction.atomic
    def operatori(self):
        codici = [_cf_numerico("96", i) for i in range(self.d.operatori)]
        gruppi = self._gruppi("operatoreeconomico", codici)
        operatori = OperatoreEconomico.objects.bulk_create(
            [
                OperatoreEconomico(
                    denominazione=f"{'RTI ' if i % 3 == 0 else ''}Fornitore di prova {i} S.p.A.",
                    codice_fiscale=cf,
                    pec=f"oe{i}{MARCA_PEC}",
                    raggruppamento=i % 3 == 0,
                    gruppo_id=gruppi[f"operatoreeconomico:{cf}"],
                )
                for i, cf in enumerate(codici)
            ],
            batch_size=self.d.lotto,
        )
        operatori = list(OperatoreEconomico.objects.filter(pec__endswith=MARCA_PEC))
        membri = []
        for i, oe in enumerate(operatori):
            if not oe.raggruppamento:
                continue
            membri.append(
                MembroRTI(
                    operatore=oe,
                    ragione_sociale=oe.denominazione.removeprefix("RTI "),
                    codice_fiscale=oe.codice_fiscale,
                    partita_iva=oe.codice_fiscale,
                    ruolo="mandataria",
                    sort_order=0,
                )
            )
            for k in (1, 2):
                cf = _cf_numerico("95", i * 3 + k)
                membri.append(
                    MembroRTI(
                        operatore=oe,
                        ragione_sociale=f"Mandante {k} del fornitore {i} S.r.l.",
                        codice_fiscale=cf,
                        partita_iva=cf,
                        ruolo="mandante",
                        sort_order=k,
                    )
                )
        MembroRTI.objects.bulk_create(membri, batch_size=self.d.lotto)
        return operatori

    # --- contract pages ----------------------------------------------------------------------

    def contratti(self, enti, operatori):
        indice = ContrattiIndexPage.objects.get()
        ultimo = Page.objects.filter(path__startswith=indice.path, depth=indice.depth + 1).order_by("-path").first()
        prossimo = _numero_path(ultimo.path[-4:]) + 1 if ultimo else 1
        content_type = ContentType.objects.get_for_model(ContrattoPage)
        campi_figlio = [f for f in ContrattoPage._meta.local_concrete_fields]
        banditori = [e for e in enti if e.pec.endswith(MARCA_PEC)] or enti
        oggi = timezone.localdate()
        creati = 0
        for partenza, fine in _blocchi(self.d.contratti, self.d.lotto):
            with transaction.atomic():
                pagine, dati = [], []
                for i in range(partenza, fine):
                    slug = f"{PREFISSO_SLUG}{i:06d}"
                    parole = self.rng.sample(PAROLE, 3)
                    titolo = f"Servizi di {parole[0]}, {parole[1]} e {parole[2]} – lotto {i}"
                    pubblicato = self.adesso - datetime.timedelta(days=self.d.contratti - i)
                    pagine.append(
                        Page(
                            path=_path_figlio(indice.path, prossimo + i),
                            depth=indice.depth + 1,
                            numchild=0,
                            translation_key=uuid.uuid4(),
                            locale_id=indice.locale_id,
                            live=True,
                            has_unpublished_changes=False,
                            first_published_at=pubblicato,
                            last_published_at=pubblicato,
                            title=titolo,
                            draft_title=titolo,
                            slug=slug,
                            content_type=content_type,
                            url_path=f"{indice.url_path}{slug}/",
                            show_in_menus=False,
                        )
                    )
                    scadenza = oggi + datetime.timedelta(days=self.rng.randrange(-700, 1500))
                    dati.append(
                        dict(
                            tipo="aq" if i % 4 else "convenzione",
                            descrizione=f"<p>Contratto di prova per i {titolo.lower()}.</p>",
                            cig=f"W{i:09d}",
                            cup="",
                            cpv="72000000-5",
                            banditore_id=banditori[i % len(banditori)].pk,
                            aggiudicatario_id=operatori[i % len(operatori)].pk,
                            importo_massimale=Decimal(self.rng.randrange(100_000, 50_000_000)),
                            data_stipula=scadenza - datetime.timedelta(days=1460),
                            data_decorrenza=scadenza - datetime.timedelta(days=1400),
                            data_scadenza=scadenza,
                            scadenza_adesioni_suggerita=scadenza - datetime.timedelta(days=60),
                            note_scadenza="",
                        )
                    )
                Page.objects.bulk_create(pagine)
                figli = []
                for pagina, valori in zip(pagine, dati, strict=True):
                    figlio = ContrattoPage(page_ptr_id=pagina.pk, **valori)
                    figlio.id = pagina.pk
                    figli.append(figlio)
                # bulk_create refuses multi-table inheritance: insert the child table's rows directly,
                # with the parent ids just created.
                ContrattoPage.objects._insert(figli, fields=campi_figlio, using=connection.alias)
                creati += len(figli)
        Page.objects.filter(pk=indice.pk).update(
            numchild=Page.objects.filter(path__startswith=indice.path, depth=indice.depth + 1).count()
        )
        contratti = ContrattoPage.objects.select_related("aggiudicatario").prefetch_related("aggiudicatario__membri")
        return list(contratti.filter(slug__startswith=PREFISSO_SLUG)) + list(
            contratti.exclude(slug__startswith=PREFISSO_SLUG).live()
        )

    # --- adesioni and ordinativi -------------------------------------------------------------

    def _permessi(self, modello, righe):
        """Object permissions (view, change) for the ente's group, as the services assign them.
        ``righe`` = [(object pk, group id)]."""

        ct = ContentType.objects.get_for_model(modello)
        permessi = list(
            Permission.objects.filter(
                content_type=ct, codename__in=[f"view_{modello._meta.model_name}", f"change_{modello._meta.model_name}"]
            ).values_list("id", flat=True)
        )
        GroupObjectPermission.objects.bulk_create(
            [
                GroupObjectPermission(group_id=gruppo, permission_id=perm, content_type=ct, object_pk=str(pk))
                for pk, gruppo in righe
                if gruppo
                for perm in permessi
            ],
            batch_size=self.d.lotto,
        )

    def adesioni(self, contratti, enti=None):
        """``self.d.adesioni`` adesioni to random contracts of ``contratti`` by random enti (all by
        default); returns ``[(pk, contratto_id, ente_id, gruppo_id)]`` for ``ordinativi``."""

        enti = [(e.pk, e.gruppo_id) for e in enti] if enti else list(Ente.objects.values_list("id", "gruppo_id"))
        create = []
        for partenza, fine in _blocchi(self.d.adesioni, self.d.lotto):
            with transaction.atomic():
                blocco = []
                for _ in range(partenza, fine):
                    anno = self.rng.randrange(2019, self.adesso.year + 1)
                    numero = self._numero(Adesione, anno)
                    contratto = contratti[self.rng.randrange(len(contratti))]
                    ente_id, gruppo = enti[self.rng.randrange(len(enti))]
                    inviata = self.adesso - datetime.timedelta(days=self.rng.randrange(1, 2000))
                    blocco.append(
                        Adesione(
                            contratto_id=contratto.pk,
                            ente_id=ente_id,
                            anno=anno,
                            numero=numero,
                            codice=Adesione.formatta_codice(numero, anno),
                            ipotesi="A" if numero % 3 else "B",
                            importo=Decimal(self.rng.randrange(10_000, 2_000_000)),
                            scadenza=inviata.date() + datetime.timedelta(days=730),
                            stato=Adesione.Stato.APPROVATA,
                            round_corrente=0,
                            inviata_il=inviata,
                            approvata_il=inviata + datetime.timedelta(days=7),
                        )
                    )
                    blocco[-1]._gruppo = gruppo
                Adesione.objects.bulk_create(blocco)
                self._permessi(Adesione, [(a.pk, a._gruppo) for a in blocco])
                create.extend((a.pk, a.contratto_id, a.ente_id, a._gruppo) for a in blocco)
        return create

    def ordinativi(self, adesioni):
        cig_aq = dict(ContrattoPage.objects.values_list("id", "cig"))
        if self._ordinativi_creati is None:
            self._ordinativi_creati = Ordinativo.objects.filter(codice_appalto__startswith=PREFISSO_APPALTO).count()
        primo = self._ordinativi_creati
        self._ordinativi_creati += self.d.ordinativi
        for partenza, fine in _blocchi(self.d.ordinativi, self.d.lotto):
            with transaction.atomic():
                blocco = []
                for i in range(primo + partenza, primo + fine):
                    adesione_id, contratto_id, ente_id, gruppo = adesioni[self.rng.randrange(len(adesioni))]
                    anno = self.rng.randrange(2019, self.adesso.year + 1)
                    numero = self._numero(Ordinativo, anno)
                    data = datetime.date(anno, 1, 1) + datetime.timedelta(days=self.rng.randrange(360))
                    o = Ordinativo(
                        contratto_id=contratto_id,
                        ente_id=ente_id,
                        adesione_id=adesione_id,
                        anno=anno,
                        numero=numero,
                        codice=Ordinativo.formatta_codice(numero, anno),
                        oggetto=f"Ordinativo di prova {i}: {', '.join(self.rng.sample(PAROLE, 2))}",
                        importo_totale=Decimal(self.rng.randrange(1_000_00, 500_000_00)) / 100,
                        cpv="72000000-5",
                        codice_istat="048017",
                        codice_nuts="ITI14",
                        durata_mesi=self.rng.randrange(6, 48),
                        cf_rup="BNCLRA75E45G999M",
                        cig_accordo_quadro=cig_aq[contratto_id],
                        data_adesione=data,
                        codice_appalto=f"{PREFISSO_APPALTO}{i:09d}",
                        stato=Ordinativo.Stato.APPROVATO,
                        cig_derivato=f"{PREFISSO_CIG_ORDINATIVI}{i:09d}",
                        inviato_il=self.adesso - datetime.timedelta(days=self.rng.randrange(1, 2000)),
                    )
                    o._gruppo = gruppo
                    blocco.append(o)
                Ordinativo.objects.bulk_create(blocco)
                RigaOrdinativo.objects.bulk_create(
                    [
                        RigaOrdinativo(
                            ordinativo_id=o.pk,
                            descrizione=f"Servizio {k + 1} dell'ordinativo {o.codice}",
                            importo_unitario=(o.importo_totale / self.d.righe).quantize(Decimal("0.01")),
                            quantita=Decimal("1.00"),
                        )
                        for o in blocco
                        for k in range(self.d.righe)
                    ]
                )
                self._permessi(Ordinativo, [(o.pk, o._gruppo) for o in blocco])

    # --- esiti -------------------------------------------------------------------------------

    def esiti(self, contratti):
        if not self.d.esiti:
            return []
        bulk = [c for c in contratti if c.slug.startswith(PREFISSO_SLUG)]
        return genera_esiti(
            self.d.esiti,
            contratti=bulk,
            enti=list(Ente.objects.all()),
            prefisso_cig=PREFISSO_CIG_ESITI,
            lotto=self.d.lotto,
            seme=self.d.seme,
        )


def elimina(log=None):
    """Remove every bulk record (see the markers in the module's docstring)."""

    log = log or (lambda messaggio: None)
    alias = connection.alias
    inizio = time.perf_counter()
    with invalidazione_sospesa(), transaction.atomic():
        esiti = Esito.objects.filter(contratto__slug__startswith=PREFISSO_SLUG)
        PartecipanteEsito.objects.filter(esito__in=esiti)._raw_delete(alias)
        n_esiti = esiti.count()
        Esito.objects.filter(pk__in=esiti.values("pk"))._raw_delete(alias)

        ordinativi = Ordinativo.objects.filter(codice_appalto__startswith=PREFISSO_APPALTO)
        adesioni = Adesione.objects.filter(numero__gte=NUMERO_BASE)
        for modello, qs in ((Ordinativo, ordinativi), (Adesione, adesioni)):
            ct = ContentType.objects.get_for_model(modello)
            ids = [str(pk) for pk in qs.values_list("pk", flat=True)]
            for partenza in range(0, len(ids), 5000):
                GroupObjectPermission.objects.filter(
                    content_type=ct, object_pk__in=ids[partenza : partenza + 5000]
                )._raw_delete(alias)
        RigaOrdinativo.objects.filter(ordinativo__in=ordinativi)._raw_delete(alias)
        n_ordinativi = ordinativi.count()
        Ordinativo.objects.filter(pk__in=ordinativi.values("pk")).delete()
        n_adesioni = adesioni.count()
        Adesione.objects.filter(pk__in=adesioni.values("pk")).delete()

        pagine = ContrattoPage.objects.filter(slug__startswith=PREFISSO_SLUG)
        n_pagine = pagine.count()
        if n_pagine:
            Page.objects.filter(pk__in=list(pagine.values_list("pk", flat=True))).delete()
            indice = ContrattiIndexPage.objects.get()
            Page.objects.filter(pk=indice.pk).update(
                numchild=Page.objects.filter(path__startswith=indice.path, depth=indice.depth + 1).count()
            )
        gruppi = []
        for modello in (Ente, OperatoreEconomico):
            qs = modello.objects.filter(pec__endswith=MARCA_PEC)
            gruppi += list(qs.exclude(gruppo=None).values_list("gruppo_id", flat=True))
            if modello is OperatoreEconomico:
                MembroRTI.objects.filter(operatore__in=qs).delete()
            qs.delete()
        Group.objects.filter(pk__in=gruppi).delete()
    invalida()
    log(
        f"Eliminati {n_pagine} contratti, {n_adesioni} adesioni, {n_ordinativi} ordinativi, {n_esiti} esiti "
        f"e le organizzazioni di prova in {time.perf_counter() - inizio:.1f} s"
    )
