"""The DCAT-AP_IT catalogue of the open data of the esiti (RDF/XML, the format dati.gov.it harvests).

Two datasets: the esiti (distributions CSV, CSV for spreadsheets, XLSX, OCDS JSON) and the
L.190/2012 files (one XML distribution per year of award and struttura proponente). Publisher and
rights holder are the editor (``SCT_DATI_APERTI_EDITORE``, ``SCT_DATI_APERTI_IDENTIFICATIVO``);
licence CC BY 4.0. Vocabularies: EU data themes, frequencies, file types, languages."""

from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.http import HttpResponse
from django.utils import timezone
from lxml import etree

from sct_site.rotte import url_rotta

from . import conf
from .models import Esito

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
EU = "http://publications.europa.eu/resource/authority/"
TIPO_LICENZA = "http://purl.org/adms/licencetype/Attribution"
RDF_ABOUT = f"{{{NS['rdf']}}}about"
RDF_RESOURCE = f"{{{NS['rdf']}}}resource"


def _q(nome):
    prefisso, locale = nome.split(":")
    return f"{{{NS[prefisso]}}}{locale}"


def _el(padre, nome, testo=None, *, risorsa=None, about=None, tipo=None, lingua=None):
    el = etree.SubElement(padre, _q(nome))
    if testo is not None:
        el.text = str(testo)
    if risorsa:
        el.set(RDF_RESOURCE, risorsa)
    if about:
        el.set(RDF_ABOUT, about)
    if tipo:
        el.set(f"{{{NS['rdf']}}}datatype", tipo)
    if lingua:
        el.set("{http://www.w3.org/XML/1998/namespace}lang", lingua)
    return el


def _agente(padre, proprieta):
    agente = _el(_el(padre, proprieta), "dcatapit:Agent")
    _el(agente, "dct:identifier", conf.identificativo_editore())
    _el(agente, "foaf:name", conf.editore_dati(), lingua="it")


def _data(valore):
    return timezone.localdate(valore) if valore else timezone.localdate()


def _distribuzione(dataset, *, titolo, formato, tipo_media, url):
    d = _el(_el(dataset, "dcat:distribution"), "dcatapit:Distribution", about=url)
    _el(d, "dct:title", titolo, lingua="it")
    _el(d, "dct:format", risorsa=f"{EU}file-type/{formato}")
    _el(d, "dcat:mediaType", tipo_media)
    _el(d, "dcat:accessURL", risorsa=url)
    _el(d, "dcat:downloadURL", risorsa=url)
    licenza = _el(_el(d, "dct:license"), "dcatapit:LicenseDocument", about=conf.LICENZA_URL)
    _el(licenza, "dct:type", risorsa=TIPO_LICENZA)
    _el(licenza, "foaf:name", f"Creative Commons Attribuzione 4.0 Internazionale ({conf.LICENZA_NOME})", lingua="it")


def _dataset(catalogo, *, about, identificativo, titolo, descrizione, temi, frequenza, modificato, pagina_web):
    ds = _el(_el(catalogo, "dcat:dataset"), "dcatapit:Dataset", about=about)
    _el(ds, "dct:identifier", f"{conf.identificativo_editore()}:{identificativo}")
    _el(ds, "dct:title", titolo, lingua="it")
    _el(ds, "dct:description", descrizione, lingua="it")
    for tema in temi:
        _el(ds, "dcat:theme", risorsa=f"{EU}data-theme/{tema}")
    _el(ds, "dct:accrualPeriodicity", risorsa=f"{EU}frequency/{frequenza}")
    _el(ds, "dct:modified", modificato.isoformat(), tipo=XSD_DATE)
    _el(ds, "dct:language", risorsa=f"{EU}language/ITA")
    _el(ds, "dcat:landingPage", risorsa=pagina_web)
    _agente(ds, "dct:rightsHolder")
    _agente(ds, "dct:publisher")
    contatto = _el(_el(ds, "dcat:contactPoint"), "dcatapit:Organization")
    _el(contatto, "vcard:fn", conf.editore_dati(), lingua="it")
    _el(contatto, "vcard:hasEmail", risorsa=f"mailto:{conf.contatto_dati()}")
    return ds


def _fascicoli_l190():
    """(year, codice fiscale, denominazione) of each L.190 file: the in-force esiti by year and ente."""
    return (
        Esito.objects.in_vigore()
        .filter(data_aggiudicazione__isnull=False)
        .annotate(anno=ExtractYear("data_aggiudicazione"))
        .values_list("anno", "ente__codice_fiscale", "ente__denominazione")
        .distinct()
        .order_by("-anno", "ente__denominazione", "ente__codice_fiscale")
    )


def genera_catalogo(pagina, request):
    def indirizzo(nome, **argomenti):
        return url_rotta(pagina, nome, request=request, assoluto=True, **argomenti)

    pagina_dati = indirizzo("dati_aperti")
    radice = etree.Element(_q("rdf:RDF"), nsmap=NS)
    catalogo = _el(radice, "dcatapit:Catalog", about=indirizzo("catalogo"))
    _el(catalogo, "dct:title", f"Dati aperti – {pagina.title}", lingua="it")
    _el(
        catalogo,
        "dct:description",
        "Gli esiti degli affidamenti in adesione agli accordi quadro e alle convenzioni del Negozio Elettronico.",
        lingua="it",
    )
    _agente(catalogo, "dct:publisher")
    ultimo = Esito.objects.visibili().aggregate(ultimo=Max("aggiornato_il"))["ultimo"]
    _el(catalogo, "dct:modified", _data(ultimo).isoformat(), tipo=XSD_DATE)
    _el(catalogo, "dct:language", risorsa=f"{EU}language/ITA")
    _el(catalogo, "foaf:homepage", risorsa=pagina_dati)

    esiti = _dataset(
        catalogo,
        about=f"{pagina_dati}#esiti",
        identificativo="esiti-affidamenti",
        titolo=f"{pagina.title}: esiti degli affidamenti in adesione",
        descrizione=(
            "Un record per esito: CIG, accordo quadro, struttura proponente, aggiudicatario e membri del "
            "raggruppamento, importi, date, stato (anche ritirati e annullati)."
        ),
        temi=("GOVE", "ECON"),
        frequenza="IRREG",
        modificato=_data(ultimo),
        pagina_web=pagina_dati,
    )
    for titolo, formato, tipo_media, nome in (
        ("CSV (separatore virgola, formati ISO)", "CSV", "text/csv", "csv"),
        ("CSV per fogli di calcolo (punto e virgola, virgola decimale)", "CSV", "text/csv", "csv_fogli"),
        (
            "Foglio di calcolo XLSX",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        ("OCDS 1.1 release package (JSON)", "JSON", "application/json", "ocds"),
    ):
        _distribuzione(esiti, titolo=titolo, formato=formato, tipo_media=tipo_media, url=indirizzo(nome))

    in_vigore = Esito.objects.in_vigore().aggregate(ultimo=Max("aggiornato_il"))["ultimo"]
    l190 = _dataset(
        catalogo,
        about=f"{pagina_dati}#l190",
        identificativo="esiti-l190",
        titolo=f"{pagina.title}: dataset L. 190/2012 (art. 1, comma 32)",
        descrizione=(
            "Un file XML (schema ANAC datasetAppaltiL190) per anno di aggiudicazione e struttura "
            "proponente, con gli esiti in vigore."
        ),
        temi=("GOVE",),
        frequenza="IRREG",
        modificato=_data(in_vigore),
        pagina_web=pagina_dati,
    )
    for anno, codice_fiscale, denominazione in _fascicoli_l190().iterator():
        _distribuzione(
            l190,
            titolo=f"L. 190/2012 – {anno} – {denominazione}",
            formato="XML",
            tipo_media="application/xml",
            url=indirizzo("l190", anno=anno, codice_fiscale=codice_fiscale),
        )
    return etree.tostring(radice, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def catalogo_view(request, pagina):
    risposta = HttpResponse(genera_catalogo(pagina, request), content_type="application/rdf+xml; charset=utf-8")
    risposta["Content-Disposition"] = 'inline; filename="catalogo-dcat-ap-it.rdf"'
    risposta["Access-Control-Allow-Origin"] = "*"
    return risposta
