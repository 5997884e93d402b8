"""Routes of "Aggiudicazioni e affidamenti" (``AggiudicazioniIndexPage``): the views are in ``views``,
the open data files in ``exports``.

Wagtail serves only addresses made of slash-terminated segments without dots, so the open data files
have addresses like dati-aperti/csv/ and a file name in Content-Disposition."""

from sct_site.rotte import mixin_rotte, path, re_path, viste

views = viste("esiti.views")
exports = viste("esiti.exports")
fogli = viste("esiti.fogli")
catalogo = viste("esiti.catalogo")

urlpatterns = [
    path("", views.elenco, name="elenco"),
    path("<id:pk>/", views.dettaglio, name="esito"),
    path("<id:pk>/pubblica/", views.pubblica, name="pubblica"),
    path("<id:pk>/pubblica/riepilogo/", views.riepilogo, name="riepilogo"),
    path("<id:pk>/ritira/", views.ritira, name="ritira"),
]

urlpatterns_dati_aperti = [
    path("dati-aperti/", views.dati_aperti, name="dati_aperti"),
    path("dati-aperti/csv/", exports.csv_view, name="csv"),
    path("dati-aperti/csv-fogli-di-calcolo/", fogli.csv_fogli_view, name="csv_fogli"),
    path("dati-aperti/xlsx/", fogli.xlsx_view, name="xlsx"),
    path("dati-aperti/ocds/", exports.ocds_view, name="ocds"),
    re_path(
        r"^dati-aperti/l190/(?P<anno>[0-9]{4})/(?P<codice_fiscale>[0-9A-Za-z]{11,16})/$", exports.l190_view, name="l190"
    ),
    path("dati-aperti/feed/", exports.feed_view, name="feed"),
    path("dati-aperti/catalogo/", catalogo.catalogo_view, name="catalogo"),
]


class RotteEsiti(mixin_rotte(urlpatterns)):
    """The list of the esiti, the page of each, its publication and withdrawal."""


class RotteDatiAperti(mixin_rotte(urlpatterns_dati_aperti)):
    """The open data: CSV (standard and for spreadsheets), XLSX, OCDS, L. 190/2012, Atom feed, DCAT-AP_IT catalogue."""
