"""Open data of the esiti: CSV, OCDS 1.1 release package, L.190/2012 XML, Atom feed.

The three datasets are streamed (``StreamingHttpResponse``): rows are read with
``values_list(...).iterator(chunk_size=…)`` and written one block at a time, with the participants
of each block read in one extra query, so memory stays flat whatever the number of esiti.
"""

import csv
import datetime
import functools
import io
import json
import re
from collections import defaultdict, namedtuple
from collections.abc import Callable
from itertools import islice
from typing import NamedTuple
from xml.sax.saxutils import escape

from django.db.models import Max, Min
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from contratti.models import ContrattoPage
from organizzazioni.models import Ente
from sct_site.esportazioni import cella_testo
from sct_site.rotte import url_rotta, url_rotta_per_id
from sct_site.templatetags.sct_tags import euro

from . import conf
from .forms import RicercaEsitiForm
from .models import SCELTA_CONTRAENTE_ADESIONE, Esito, PartecipanteEsito

CAMPI = (
    "id",
    "ocid",
    "cig",
    "cig_accordo_quadro",
    "contratto_id",
    "contratto_titolo",
    "oggetto",
    "ente_denominazione",
    "ente_codice_fiscale",
    "aggiudicatario_denominazione",
    "aggiudicatario_codice_fiscale",
    "importo_aggiudicazione",
    "importo_somme_liquidate",
    "data_aggiudicazione",
    "data_inizio",
    "data_ultimazione",
    "stato",
    "annullato",
    "pubblicato_il",
    "aggiornato_il",
    "ritirato_il",
    "ritirato_motivo",
)
Riga = namedtuple("Riga", CAMPI)
Membro = namedtuple("Membro", ("ragione_sociale", "codice_fiscale", "identificativo_estero", "ruolo"))

INTESTAZIONE_CSV = (
    "id",
    "ocid",
    "cig",
    "cig_accordo_quadro",
    "contratto",
    "oggetto",
    "struttura_proponente",
    "codice_fiscale_struttura_proponente",
    "scelta_contraente",
    "aggiudicatario",
    "codice_fiscale_aggiudicatario",
    "partecipanti",
    "importo_aggiudicazione",
    "importo_somme_liquidate",
    "data_aggiudicazione",
    "data_inizio",
    "data_ultimazione",
    "stato",
    "annullato",
    "pubblicato_il",
    "ritirato_il",
    "motivo_ritiro",
    "url",
)
PROCEDURA_OCDS = "Affidamento diretto in adesione ad accordo quadro/convenzione"
RUOLI_L190 = {"mandataria": "02-MANDATARIA", "mandante": "01-MANDANTE"}
# The codiceFiscaleType patterns of TypesL190.xsd (alternatives).
RE_CF_L190 = re.compile(
    r"^(?:[A-Za-z]{6}[0-9]{2}[A-Za-z][0-9]{2}[A-Za-z][0-9A-Za-z]{3}[A-Za-z]"
    r"|[A-Za-z]{6}[0-9LMNPQRSTUV]{2}[A-Za-z][0-9LMNPQRSTUV]{2}[A-Za-z][0-9LMNPQRSTUV]{3}[A-Za-z]"
    r"|[0-9]{11})$"
)
MAX_CACHE = 4096  # encoded fragments kept while streaming: bounded, so memory does not grow with the rows
RE_CONTROLLO = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- reading -------------------------------------------------------------------------------------


def blocchi(queryset, dimensione=None):
    """Yield lists of ``(Riga, [Membro, …])``, ``dimensione`` esiti at a time."""
    dimensione = dimensione or conf.blocco_export()
    righe = queryset.values_list(*CAMPI).iterator(chunk_size=dimensione)
    while True:
        parte = [Riga(*r) for r in islice(righe, dimensione)]
        if not parte:
            return
        membri = defaultdict(list)
        ids = [r.id for r in parte]
        primo, ultimo = min(ids), max(ids)
        if ultimo - primo < 4 * len(ids):
            # Dense block (the usual case, rows in id order): a range scan of the index, no long IN list.
            partecipanti = PartecipanteEsito.objects.filter(esito_id__gte=primo, esito_id__lte=ultimo)
            voluti = set(ids)
        else:
            partecipanti = PartecipanteEsito.objects.filter(esito_id__in=ids)
            voluti = None
        for esito_id, *valori in partecipanti.order_by("esito_id", "ordine", "id").values_list(
            "esito_id", "ragione_sociale", "codice_fiscale", "identificativo_estero", "ruolo"
        ):
            if voluti is None or esito_id in voluti:
                membri[esito_id].append(Membro(*valori))
        yield [(r, membri.get(r.id, [])) for r in parte]
        del parte, membri, voluti  # keep one block in memory, not two


def esiti_filtrati(request):
    form = RicercaEsitiForm(request.GET or None)
    return form, form.filtra(Esito.objects.visibili(), ordina=False).order_by("pk")


def risposta_dati(contenuto, content_type, nome_file, form=None, risposta=None, disposizione="inline"):
    """The response of an open data file: streamed ``contenuto`` (or ``risposta``, already made), with
    its file name, CORS for everyone, the licence and the filters that were ignored."""
    if risposta is None:
        risposta = StreamingHttpResponse(contenuto, content_type=content_type)
    risposta["Content-Disposition"] = f'{disposizione}; filename="{nome_file}"'
    risposta["Access-Control-Allow-Origin"] = "*"
    risposta["X-Licenza"] = conf.LICENZA_URL
    if form is not None and form.filtri_ignorati:
        risposta["X-Filtri-Ignorati"] = ", ".join(sorted(form.errors))
    return risposta


def _iso(valore):
    """ISO 8601; date-times in the site's time zone (Europe/Rome), with their offset."""
    if valore is None:
        return ""
    if isinstance(valore, datetime.datetime):
        return valore.astimezone(timezone.get_default_timezone()).isoformat()
    return valore.isoformat()


@functools.lru_cache(maxsize=8192)
def _data_ora(data):
    """A date as an OCDS date-time: midnight in the site's time zone (cached: dates repeat a lot)."""
    if data is None:
        return None
    return datetime.datetime.combine(data, datetime.time(), tzinfo=timezone.get_default_timezone()).isoformat()


def _importo(valore):
    return "" if valore is None else f"{valore:.2f}"


def _url_esiti(request, pagina):
    return request.build_absolute_uri(pagina.get_url(request=request))


def url_esito_assoluto(request, pagina):
    """``pk → absolute address`` of an esito's page."""
    return url_rotta_per_id(pagina, "esito", request=request, assoluto=True)


# --- CSV -----------------------------------------------------------------------------------------


class FormatoCsv(NamedTuple):
    """How a CSV writes its cells: the standard one (comma, ISO) or the one for spreadsheets."""

    separatore: str
    importo: Callable
    data: Callable
    inizio: str = ""  # the BOM of the CSV for spreadsheets


CSV_STANDARD = FormatoCsv(",", _importo, _iso)


def righe_esiti(queryset, url_esito, *, importo, data, testo=cella_testo):
    """The rows of the esiti in the columns of ``INTESTAZIONE_CSV``, a block (list) at a time.

    Amounts and dates through ``importo`` and ``data``; text cells through ``testo`` (``cella_testo``:
    formula injection); the JSON of the members starts with "[". Shared by the CSVs and the XLSX."""
    membri_json = {}  # the same RTI appears in many rows: encode it once
    t = testo
    for blocco in blocchi(queryset):
        righe = []
        for r, membri in blocco:
            chiave = tuple(membri)
            if chiave not in membri_json:
                if len(membri_json) >= MAX_CACHE:
                    membri_json.clear()
                membri_json[chiave] = json.dumps(
                    [m._asdict() for m in membri], ensure_ascii=False, separators=(",", ":")
                )
            righe.append(
                (
                    r.id,
                    t(r.ocid),
                    t(r.cig),
                    t(r.cig_accordo_quadro),
                    t(r.contratto_titolo),
                    t(r.oggetto),
                    t(r.ente_denominazione),
                    t(r.ente_codice_fiscale),
                    SCELTA_CONTRAENTE_ADESIONE,
                    t(r.aggiudicatario_denominazione),
                    t(r.aggiudicatario_codice_fiscale),
                    t(membri_json[chiave]),
                    importo(r.importo_aggiudicazione),
                    importo(r.importo_somme_liquidate),
                    data(r.data_aggiudicazione),
                    data(r.data_inizio),
                    data(r.data_ultimazione),
                    r.stato,
                    "true" if r.annullato else "false",
                    data(r.pubblicato_il),
                    data(r.ritirato_il),
                    t(r.ritirato_motivo),
                    url_esito(r.id),
                )
            )
        del blocco
        yield righe


def genera_csv(queryset, url_esito, formato=CSV_STANDARD):
    buffer = io.StringIO()
    scrittore = csv.writer(buffer, delimiter=formato.separatore, lineterminator="\r\n")
    scrittore.writerow(INTESTAZIONE_CSV)
    yield formato.inizio + buffer.getvalue()
    for righe in righe_esiti(queryset, url_esito, importo=formato.importo, data=formato.data):
        buffer.seek(0)
        buffer.truncate()
        scrittore.writerows(righe)
        del righe
        yield buffer.getvalue()


def csv_view(request, pagina):
    form, esiti = esiti_filtrati(request)
    return risposta_dati(
        genera_csv(esiti, url_esito_assoluto(request, pagina)), "text/csv; charset=utf-8", "esiti.csv", form
    )


# --- OCDS ----------------------------------------------------------------------------------------


def _organizzazione(cf, nome, ruoli, estero=""):
    if cf:
        ident = {"scheme": "IT-CF", "id": cf, "legalName": nome}
        oid = f"IT-CF-{cf}"
    elif estero:
        ident = {"id": estero, "legalName": nome}
        oid = f"X-{estero}"
    else:
        ident = {"legalName": nome}
        oid = f"NOME-{re.sub(r'[^0-9A-Za-z]+', '-', nome).strip('-')[:60]}"
    return {"id": oid, "name": nome, "identifier": ident, "roles": list(ruoli)}


def _json(valore):
    return json.dumps(valore, ensure_ascii=False, separators=(",", ":"))


_stringa = json.encoder.encode_basestring  # a str as a JSON string (the C encoder, as json.dumps)
_PROCEDURA_OCDS_JSON = _stringa(PROCEDURA_OCDS)


class CodificaOcds:
    """Encodes OCDS releases: the order is its own contracting process (ocid from its CIG), with an
    award and a contract to the supplier(s) and a ``framework`` link to the framework agreement.

    Each release is assembled from encoded fragments: the parts shared by many releases (the buyer,
    the suppliers, the framework link) are encoded once and kept (bounded caches), the values of the
    row (strings through the C encoder of ``json``) once each, and spliced in the order of the schema.
    That keeps the export within a small factor of a raw dump of the rows.
    """

    def __init__(self, *, url_esito, url_contratti):
        self.url_esito = url_esito
        self.url_contratti = url_contratti  # {contratto_id: absolute URL or None}
        self._acquirenti = {}
        self._fornitori = {}
        self._parti = {}
        self._quadri = {}

    @staticmethod
    def _memo(cache, chiave, calcola):
        valore = cache.get(chiave)
        if valore is None:
            if len(cache) >= MAX_CACHE:
                cache.clear()
            valore = cache[chiave] = calcola()
        return valore

    def _acquirente(self, cf, nome):
        def calcola():
            buyer = _organizzazione(cf, nome, ["buyer", "procuringEntity"])
            return buyer["id"], _json(buyer), _json({"id": buyer["id"], "name": buyer["name"]})

        return self._memo(self._acquirenti, (cf, nome), calcola)

    def _fornitori_di(self, membri):
        def calcola():
            parti, riferimenti = {}, []
            for m in membri:
                parte = _organizzazione(
                    m.codice_fiscale, m.ragione_sociale, ["supplier", "tenderer"], m.identificativo_estero
                )
                if parte["id"] in parti:
                    esistenti = parti[parte["id"]]["roles"]
                    esistenti += [x for x in parte["roles"] if x not in esistenti]
                else:
                    parti[parte["id"]] = parte
                riferimenti.append({"id": parte["id"], "name": parte["name"]})
            return parti, ",".join(_json(p) for p in parti.values()), _json(riferimenti)

        return self._memo(self._fornitori, membri, calcola)

    def parti(self, r, membri):
        """(parties, buyer, suppliers), encoded."""
        membri = tuple(membri) or (Membro(r.aggiudicatario_denominazione, r.aggiudicatario_codice_fiscale, "", ""),)
        id_acquirente, acquirente, rif_acquirente = self._acquirente(r.ente_codice_fiscale, r.ente_denominazione)
        parti_fornitori, fornitori, rif_fornitori = self._fornitori_di(membri)
        if id_acquirente not in parti_fornitori:
            return f"[{acquirente},{fornitori}]", rif_acquirente, rif_fornitori

        # The buyer is also a supplier (an ente in the RTI): one party with both roles.
        def calcola():
            unite = {id_acquirente: json.loads(acquirente)}
            for oid, parte in parti_fornitori.items():
                if oid in unite:
                    unite[oid]["roles"] += [x for x in parte["roles"] if x not in unite[oid]["roles"]]
                else:
                    unite[oid] = parte
            return _json(list(unite.values()))

        return (
            self._memo(self._parti, (r.ente_codice_fiscale, r.ente_denominazione, membri), calcola),
            rif_acquirente,
            rif_fornitori,
        )

    def quadro(self, r):
        def calcola():
            url = self.url_contratti.get(r.contratto_id)
            return _json(
                [
                    {
                        "id": "1",
                        "relationship": ["framework"],
                        "title": r.contratto_titolo,
                        "scheme": "ocid",
                        "identifier": f"{conf.prefisso_ocid()}-{r.cig_accordo_quadro}",
                        **({"uri": url} if url else {}),
                    }
                ]
            )

        return self._memo(self._quadri, (r.contratto_id, r.cig_accordo_quadro, r.contratto_titolo), calcola)

    def release(self, r, membri):
        cancellato = r.annullato or r.stato == Esito.Stato.RITIRATO
        stato = '"cancelled"' if cancellato else '"active"'
        parti, buyer, fornitori = self.parti(r, membri)
        cig, oggetto, ocid = _stringa(r.cig), _stringa(r.oggetto), _stringa(r.ocid)
        valore = f'{{"amount":{float(r.importo_aggiudicazione or 0)!r},"currency":"EUR"}}'
        periodo = ",".join(
            f'"{chiave}":"{_data_ora(data)}"'
            for chiave, data in (("startDate", r.data_inizio), ("endDate", r.data_ultimazione))
            if data
        )
        periodo = f"{{{periodo}}}" if periodo else ""
        award = f'{{"id":{cig},"title":{oggetto},"status":{stato},"value":{valore}'
        if r.data_aggiudicazione:
            award += f',"date":"{_data_ora(r.data_aggiudicazione)}"'
        if periodo:
            award += f',"contractPeriod":{periodo}'
        award += f',"suppliers":{fornitori}}}'
        contract = f'{{"id":{cig},"awardID":{cig},"title":{oggetto},"status":{stato},"value":{valore}'
        if periodo:
            contract += f',"period":{periodo}'
        if r.annullato:
            contract += ',"description":"Procedura annullata con scheda ANN (errata comunicazione)."'
        elif r.stato == Esito.Stato.RITIRATO:
            contract += f',"description":{_stringa(f"Esito ritirato: {r.ritirato_motivo}")}'
        contract += "}"
        documento = _stringa(self.url_esito(r.id))
        stato_tender = '"cancelled"' if cancellato else '"complete"'
        tender = (
            f'{{"id":{cig},"title":{oggetto},"status":{stato_tender},'
            f'"procurementMethod":"direct","procurementMethodDetails":{_PROCEDURA_OCDS_JSON},'
            f'"documents":[{{"id":"esito","documentType":"awardNotice","title":"Esito pubblicato","url":{documento},'
            f'"format":"text/html","language":"it"}}],"procuringEntity":{buyer}}}'
        )
        aggiornato = r.aggiornato_il or r.pubblicato_il
        tag = '["awardCancellation"]' if cancellato else '["award","contract"]'
        return (
            f'{{"ocid":{ocid},"id":{_stringa(f"{r.ocid}-{r.id}-{int(aggiornato.timestamp())}")},'
            f'"date":{_stringa(_iso(aggiornato))},"tag":{tag},"initiationType":"tender","language":"it",'
            f'"contracts":[{contract}],"parties":{parti},"buyer":{buyer},"tender":{tender},'
            f'"awards":[{award}],"relatedProcesses":{self.quadro(r)}}}'
        )


def genera_ocds(queryset, *, uri, pubblicato, url_esito, url_dati_aperti, request=None):
    testata = {
        "uri": uri,
        "version": "1.1",
        "publishedDate": pubblicato,
        "publisher": {"name": conf.editore_dati()},
        "license": conf.LICENZA_URL,
        "publicationPolicy": url_dati_aperti,
    }
    yield json.dumps(testata, ensure_ascii=False)[:-1] + ',"releases":['
    url_contratti = {}
    codifica = CodificaOcds(url_esito=url_esito, url_contratti=url_contratti)
    primo = True
    for blocco in blocchi(queryset):
        mancanti = {r.contratto_id for r, _ in blocco} - url_contratti.keys()
        for c in ContrattoPage.objects.filter(pk__in=mancanti).only("id", "url_path", "live"):
            url_contratti[c.pk] = c.get_full_url(request=request) if c.live else None
        testo = ",".join(codifica.release(r, membri) for r, membri in blocco)
        del blocco
        yield ("" if primo else ",") + testo
        primo = False
    yield "]}"


def ocds_view(request, pagina):
    form, esiti = esiti_filtrati(request)
    ultimo = esiti.aggregate(ultimo=Max("aggiornato_il"))["ultimo"] or timezone.now()
    contenuto = genera_ocds(
        esiti,
        uri=request.build_absolute_uri(),
        pubblicato=_iso(ultimo),
        url_esito=url_esito_assoluto(request, pagina),
        url_dati_aperti=url_rotta(pagina, "dati_aperti", request=request, assoluto=True),
        request=request,
    )
    return risposta_dati(contenuto, "application/json; charset=utf-8", "esiti-ocds.json", form)


# --- L.190/2012 ----------------------------------------------------------------------------------


def _t(valore):
    return escape(RE_CONTROLLO.sub("", str(valore)))


def _soggetto_l190(m, con_ruolo):
    cf = (m.codice_fiscale or "").strip()
    if cf and RE_CF_L190.match(cf):
        ident = f"<codiceFiscale>{_t(cf)}</codiceFiscale>"
    elif cf or m.identificativo_estero:
        ident = f"<identificativoFiscaleEstero>{_t(m.identificativo_estero or cf)}</identificativoFiscaleEstero>"
    else:
        ident = ""
    ruolo = f"<ruolo>{RUOLI_L190.get(m.ruolo, '01-MANDANTE')}</ruolo>" if con_ruolo else ""
    return f"{ident}<ragioneSociale>{_t(m.ragione_sociale[:250])}</ragioneSociale>{ruolo}"


def lotto_l190(r, membri):
    membri = membri or [Membro(r.aggiudicatario_denominazione, r.aggiudicatario_codice_fiscale, "", "")]
    if len(membri) >= 2:
        dentro = "".join(f"<membro>{_soggetto_l190(m, True)}</membro>" for m in membri)
        partecipanti = f"<raggruppamento>{dentro}</raggruppamento>"
        aggiudicatari = f"<aggiudicatarioRaggruppamento>{dentro}</aggiudicatarioRaggruppamento>"
    else:
        partecipanti = f"<partecipante>{_soggetto_l190(membri[0], False)}</partecipante>"
        aggiudicatari = f"<aggiudicatario>{_soggetto_l190(membri[0], False)}</aggiudicatario>"
    tempi = ""
    if r.data_inizio:
        tempi += f"<dataInizio>{r.data_inizio.isoformat()}</dataInizio>"
    if r.data_ultimazione:
        tempi += f"<dataUltimazione>{r.data_ultimazione.isoformat()}</dataUltimazione>"
    return (
        "<lotto>"
        f"<cig>{_t(r.cig)}</cig>"
        "<strutturaProponente>"
        f"<codiceFiscaleProp>{_t(r.ente_codice_fiscale)}</codiceFiscaleProp>"
        f"<denominazione>{_t(r.ente_denominazione[:250])}</denominazione>"
        "</strutturaProponente>"
        f"<oggetto>{_t(r.oggetto[:250])}</oggetto>"
        f"<sceltaContraente>{SCELTA_CONTRAENTE_ADESIONE}</sceltaContraente>"
        f"<partecipanti>{partecipanti}</partecipanti>"
        f"<aggiudicatari>{aggiudicatari}</aggiudicatari>"
        f"<importoAggiudicazione>{_importo(r.importo_aggiudicazione or 0)}</importoAggiudicazione>"
        f"<tempiCompletamento>{tempi}</tempiCompletamento>"
        f"<importoSommeLiquidate>{_importo(r.importo_somme_liquidate or 0)}</importoSommeLiquidate>"
        "</lotto>\n"
    )


def genera_l190(queryset, *, ente, anno, url_file, pubblicato, aggiornato):
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<legge190:pubblicazione xmlns:legge190="legge190_1_0">\n'
        "<metadata>"
        f"<titolo>Pubblicazione 1 legge 190 anno {anno} – {_t(ente.denominazione)}</titolo>"
        f"<abstract>Affidamenti diretti in adesione ad accordi quadro e convenzioni pubblicati sul Negozio "
        f"Elettronico START, anno di riferimento {anno} (art. 1 comma 32 L. 190/2012)</abstract>"
        f"<dataPubblicazioneDataset>{pubblicato.isoformat()}</dataPubblicazioneDataset>"
        f"<entePubblicatore>{_t(ente.denominazione)}</entePubblicatore>"
        f"<dataUltimoAggiornamentoDataset>{aggiornato.isoformat()}</dataUltimoAggiornamentoDataset>"
        f"<annoRiferimento>{anno}</annoRiferimento>"
        f"<urlFile>{_t(url_file)}</urlFile>"
        f"<licenza>{conf.LICENZA_NOME}</licenza>"
        "</metadata>\n<data>\n"
    )
    for blocco in blocchi(queryset):
        testo = "".join(lotto_l190(r, membri) for r, membri in blocco)
        del blocco
        yield testo
    yield "</data>\n</legge190:pubblicazione>\n"


def l190_view(request, pagina, anno, codice_fiscale):
    anno, codice_fiscale = int(anno), codice_fiscale.upper()  # the route's groups are strings
    oggi = timezone.localdate()
    ente = Ente.objects.filter(codice_fiscale=codice_fiscale).first()
    if ente is None or not 2000 <= anno <= oggi.year + 1:
        raise Http404("Dataset non disponibile")
    esiti = (
        Esito.objects.in_vigore()
        .filter(
            ente=ente,
            data_aggiudicazione__gte=datetime.date(anno, 1, 1),
            data_aggiudicazione__lte=datetime.date(anno, 12, 31),
        )
        .order_by("pk")
    )
    estremi = esiti.aggregate(primo=Min("pubblicato_il"), ultimo=Max("aggiornato_il"))
    pubblicato = timezone.localdate(estremi["primo"]) if estremi["primo"] else oggi
    aggiornato = timezone.localdate(estremi["ultimo"]) if estremi["ultimo"] else oggi
    contenuto = genera_l190(
        esiti,
        ente=ente,
        anno=anno,
        url_file=request.build_absolute_uri(),
        pubblicato=pubblicato,
        aggiornato=max(aggiornato, pubblicato),
    )
    return risposta_dati(contenuto, "application/xml; charset=utf-8", f"l190-{anno}-{codice_fiscale}.xml")


# --- Atom feed -----------------------------------------------------------------------------------


def feed_view(request, pagina):
    url_base = _url_esiti(request, pagina)
    url_esito = url_esito_assoluto(request, pagina)
    feed = Atom1Feed(
        title="Aggiudicazioni e affidamenti – nuovi esiti",
        link=url_base,
        description="Gli esiti degli affidamenti in adesione agli accordi quadro pubblicati sul Negozio Elettronico.",
        language="it",
        feed_url=request.build_absolute_uri(),
        feed_guid=url_rotta(pagina, "feed", request=request, assoluto=True),
        feed_copyright=f"{conf.LICENZA_NOME} {conf.LICENZA_URL}",
    )
    esiti = (
        Esito.objects.visibili()
        .only(
            "id",
            "cig",
            "oggetto",
            "ente_denominazione",
            "aggiudicatario_denominazione",
            "importo_aggiudicazione",
            "data_aggiudicazione",
            "stato",
            "annullato",
            "pubblicato_il",
            "aggiornato_il",
        )
        .order_by("-pubblicato_il", "-id")[: conf.voci_feed()]
    )

    for e in esiti:
        segno = "[Annullato] " if e.annullato else "[Ritirato] " if e.ritirato else ""
        data = e.data_aggiudicazione.strftime("%d/%m/%Y") if e.data_aggiudicazione else "—"
        feed.add_item(
            title=f"{segno}CIG {e.cig} – {e.oggetto}",
            link=url_esito(e.pk),
            description=(
                f"{e.ente_denominazione} ha affidato a {e.aggiudicatario_denominazione} per "
                f"{euro(e.importo_aggiudicazione)} (aggiudicazione del {data})."
            ),
            unique_id=url_esito(e.pk),
            pubdate=e.pubblicato_il,
            updateddate=e.aggiornato_il,
            author_name=e.ente_denominazione,
        )
    risposta = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(risposta, "utf-8")
    risposta["Access-Control-Allow-Origin"] = "*"
    return risposta
