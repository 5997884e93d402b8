"""Footer, mandatory links and main menu kept by editors in Wagtail settings (issue 15, part 2)."""

import re

import pytest
from django.test import override_settings

from home.models import ImpostazioniSito, MenuPrincipale, PaginaInformativa, VoceMenu

pytestmark = pytest.mark.django_db

URL_IMPOSTAZIONI = "/admin/settings/home/impostazionisito/"
URL_MENU = "/admin/settings/home/menuprincipale/"


def _footer(html):
    return html[html.index('<footer class="it-footer">') :]


def _menu(html):
    inizio = html.index('id="nav-principale"')
    return re.findall(
        r'<a class="nav-link[^"]*" href="([^"]+)"[^>]*><span>([^<]+)</span>', html[inizio : inizio + 4000]
    )


def _form_impostazioni(client):
    risposta = client.get(URL_IMPOSTAZIONI, follow=True)
    assert risposta.status_code == 200
    form = risposta.context["form"]
    dati = {}
    for nome, campo in form.fields.items():
        valore = form.initial.get(nome, campo.initial)
        dati[nome] = "" if valore is None else getattr(valore, "pk", valore)
    return risposta.redirect_chain[-1][0] if risposta.redirect_chain else URL_IMPOSTAZIONI, dati


def test_il_piede_mostra_i_dati_dell_ente_e_i_collegamenti_obbligatori(client, demo):
    html = client.get("/").content.decode()
    piede = _footer(html)
    for testo in (
        "Regione Toscana – Giunta Regionale",
        "01386030488",
        "regionetoscana@postacert.toscana.it",
        "055.642259",
        "start.sa@pamercato.it",
        "Dichiarazione di accessibilità",
        "Informativa privacy",
        "Note legali",
        "Informativa cookie",
    ):
        assert testo in piede, testo
    assert "/health/" not in piede
    assert _menu(html) == [
        ("/", "Home"),
        ("/contratti/", "Elenco contratti"),
        ("/aggiudicazioni-e-affidamenti/", "Aggiudicazioni e affidamenti"),
        ("/documentazione/", "Documentazione"),
    ]


@pytest.mark.parametrize(
    ("indirizzo", "testo"),
    [
        ("/privacy/", "SPID"),
        ("/note-legali/", "CC BY 4.0"),
        ("/cookie/", "sessionid"),
    ],
)
def test_le_pagine_informative_sono_pubbliche(client, demo, indirizzo, testo):
    risposta = client.get(indirizzo)
    assert risposta.status_code == 200
    assert testo in risposta.content.decode()
    assert f'href="{indirizzo}"' in _footer(risposta.content.decode())


def test_la_voce_del_menu_della_sezione_corrente_e_attiva(client, demo):
    html = client.get("/documentazione/").content.decode()
    attive = re.findall(r'<a class="nav-link active" href="([^"]+)"', html)
    assert attive == ["/documentazione/"]
    assert 'href="/documentazione/" aria-current="page"' in html


@override_settings(SCT_CACHE_PAGINE=True)
def test_l_editor_cambia_il_piede_nell_admin_e_la_pagina_pubblica_lo_mostra(
    client, client_as, demo, django_capture_on_commit_callbacks
):
    assert client.get("/").headers.get("X-Cache-Pagine") == "MISS"
    assert client.get("/").headers.get("X-Cache-Pagine") == "HIT"
    editor = client_as("editor")
    url, dati = _form_impostazioni(editor)
    dati.update(ente_pec="protocollo@pec.esempio.it", ente_nome="Ente di prova")
    with django_capture_on_commit_callbacks(execute=True):
        risposta = editor.post(url, dati)
    assert risposta.status_code == 302, risposta.context["form"].errors if risposta.context else risposta
    editor.logout()
    risposta = client.get("/")
    assert risposta.headers.get("X-Cache-Pagine") == "MISS"
    piede = _footer(risposta.content.decode())
    assert "protocollo@pec.esempio.it" in piede and "Ente di prova" in piede


def test_un_dato_non_valido_non_cambia_niente(client_as, demo):
    editor = client_as("editor")
    url, dati = _form_impostazioni(editor)
    dati.update(ente_pec="non-una-pec", url_dichiarazione_accessibilita="javascript:alert(1)")
    risposta = editor.post(url, dati)
    assert risposta.status_code == 200
    assert set(risposta.context["form"].errors) == {"ente_pec", "url_dichiarazione_accessibilita"}
    impostazioni = ImpostazioniSito.load()
    assert impostazioni.ente_pec == "regionetoscana@postacert.toscana.it"
    assert impostazioni.url_dichiarazione_accessibilita == "https://form.agid.gov.it/"


def _dati_menu(voci):
    dati = {
        "voci-TOTAL_FORMS": str(len(voci)),
        "voci-INITIAL_FORMS": "0",
        "voci-MIN_NUM_FORMS": "0",
        "voci-MAX_NUM_FORMS": "1000",
    }
    for i, (etichetta, pagina, indirizzo) in enumerate(voci):
        dati.update(
            {
                f"voci-{i}-etichetta": etichetta,
                f"voci-{i}-pagina": pagina or "",
                f"voci-{i}-indirizzo": indirizzo,
                f"voci-{i}-ORDER": str(i + 1),
                f"voci-{i}-DELETE": "",
            }
        )
    return dati


def _url_menu(client):
    risposta = client.get(URL_MENU, follow=True)
    assert risposta.status_code == 200
    return risposta.redirect_chain[-1][0]


@override_settings(SCT_CACHE_PAGINE=True)
def test_l_editor_cambia_il_menu_nell_admin_e_la_pagina_pubblica_lo_mostra(
    client, client_as, demo, django_capture_on_commit_callbacks
):
    assert client.get("/").headers.get("X-Cache-Pagine") == "MISS"
    editor = client_as("editor")
    url = _url_menu(editor)
    privacy = PaginaInformativa.objects.get(slug="privacy")
    dati = _dati_menu(
        [
            ("Contratti", "", "/contratti/"),
            ("Privacy", privacy.pk, ""),
            ("Regione", "", "https://www.regione.toscana.it"),
        ]
    )
    # The existing rows are replaced: mark them deleted.
    esistenti = list(MenuPrincipale.load().voci.order_by("sort_order"))
    for i, voce in enumerate(esistenti, start=3):
        dati.update(
            {
                f"voci-{i}-id": voce.pk,
                f"voci-{i}-etichetta": voce.etichetta,
                f"voci-{i}-pagina": "",
                f"voci-{i}-indirizzo": voce.indirizzo,
                f"voci-{i}-ORDER": str(i + 1),
                f"voci-{i}-DELETE": "1",
            }
        )
    dati["voci-TOTAL_FORMS"] = str(3 + len(esistenti))
    dati["voci-INITIAL_FORMS"] = str(len(esistenti))
    # Existing forms come first in a formset: put them at the start.
    with django_capture_on_commit_callbacks(execute=True):
        risposta = editor.post(url, _riordina(dati, len(esistenti)))
    assert risposta.status_code == 302, risposta.context["form"].errors if risposta.context else risposta
    editor.logout()
    assert _menu(client.get("/").content.decode()) == [
        ("/contratti/", "Contratti"),
        ("/privacy/", "Privacy"),
        ("https://www.regione.toscana.it", "Regione"),
    ]


def _riordina(dati, iniziali):
    """Formset order: the ``iniziali`` existing rows first, then the new ones."""
    totale = int(dati["voci-TOTAL_FORMS"])
    nuovi = totale - iniziali
    mappa = {i: i + iniziali for i in range(nuovi)} | {i: i - nuovi for i in range(nuovi, totale)}
    risultato = {k: v for k, v in dati.items() if not re.match(r"voci-\d+-", k)}
    for chiave, valore in dati.items():
        trovato = re.match(r"voci-(\d+)-(.*)", chiave)
        if trovato:
            risultato[f"voci-{mappa[int(trovato.group(1))]}-{trovato.group(2)}"] = valore
    return risultato


@pytest.mark.parametrize(
    ("pagina", "indirizzo"), [(False, ""), (True, "/contratti/"), (False, "ftp://x"), (False, "javascript:alert(1)")]
)
def test_una_voce_del_menu_non_valida_e_rifiutata(client_as, demo, pagina, indirizzo):
    editor = client_as("editor")
    url = _url_menu(editor)
    prima = list(VoceMenu.objects.order_by("sort_order").values_list("etichetta", "indirizzo"))
    privacy = PaginaInformativa.objects.get(slug="privacy")
    dati = _dati_menu([("Voce", privacy.pk if pagina else "", indirizzo)])
    risposta = editor.post(url, dati)
    assert risposta.status_code == 200
    assert "indirizzo" in risposta.content.decode()
    assert list(VoceMenu.objects.order_by("sort_order").values_list("etichetta", "indirizzo")) == prima


@pytest.mark.parametrize("utente", ["aderente", "banditore", "oe"])
def test_solo_gli_editor_cambiano_piede_e_menu(client_as, demo, utente):
    client = client_as(utente)
    pk = ImpostazioniSito.load().pk
    for url in (URL_IMPOSTAZIONI, URL_MENU, f"{URL_IMPOSTAZIONI}{pk}/"):
        risposta = client.get(url, follow=True)
        finale = risposta.request["PATH_INFO"]
        assert risposta.status_code == 403 or not finale.startswith("/admin/settings/"), (url, finale)
        assert "ente_pec" not in risposta.content.decode()
    prima = ImpostazioniSito.load().ente_pec
    client.post(f"{URL_IMPOSTAZIONI}{pk}/", {"ente_pec": "x@y.it", "ente_nome": "X"})
    assert ImpostazioniSito.load().ente_pec == prima


def test_piede_e_menu_non_costano_query_quando_la_versione_tiene(client, demo, django_assert_max_num_queries):
    from home.sito import dati_sito

    dati_sito()
    with django_assert_max_num_queries(1):  # at most the version read, never the settings
        dati = dati_sito()
    assert dati["ente_nome"] and dati["menu"]
