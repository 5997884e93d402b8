"""The banditore's admin speaks the manual: the pages are fetched as the banditore with the real
views and the visible text is checked (labels, messages, amounts, language)."""

import html as html_lib
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from contratti.models import Adesione
from tests.adesioni.conftest import upload
from tests.sicurezza.dati import _fino_all_invio, _ordinativo, _task_state, adesione_ipotesi_b_inviata
from tests.sicurezza.esecuzione import client_per
from tests.utils import contenuto

pytestmark = pytest.mark.django_db

INGLESE = (
    "A network error occurred",
    "View latest version",
    "Actions (footer)",
    'aria-label="Actions"',
    "Troubleshoot your connection",
    "Currently idle",
)
WAGTAIL = (
    "Approva e Pubblica",
    "Salva bozza",
    "Pubblica",
    "Annulla il flusso di lavoro",
    "Invia a ",
    "Live",
    "Nessun programma di pubblicazione",
    "Usato ",
)


def _edit(modello, pk):
    return reverse(f"wagtailsnippets_contratti_{modello}:edit", args=(pk,))


def _piede(html):
    """The footer's actions of the editor (the form's buttons)."""
    return html.split("<footer", 1)[1].split("</footer>", 1)[0] if "<footer" in html else ""


def _messaggi(html):
    """The text of Wagtail's message (the status region), without its buttons."""
    regione = html.split('data-w-messages-target="container"', 1)[1].split("</ul>", 1)[0]
    voci = [re.split(r"<(?:button|a)\b", v, maxsplit=1)[0] for v in re.findall(r"<li[^>]*>(.*?)</li>", regione, re.S)]
    return " | ".join(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", v)).strip() for v in voci)


def _bottoni(html):
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", b)).strip()
        for b in re.findall(r"<button[^>]*>(.*?)</button>", _piede(html), re.S)
    ]


def test_scheda_in_valutazione_solo_approva_e_non_approvare(dati_matrice):
    d = dati_matrice
    html = contenuto(client_per("banditore", d).get(_edit("adesione", d.adesione_inviata.pk)))
    assert [b for b in _bottoni(html) if b] == ["Approva", "Altre azioni", "Non approvare"]
    for parola in WAGTAIL:
        assert parola not in _piede(html), parola
    assert "Importo di adesione" in html and "€ 1.000,00" in html and "1000,00" not in html
    assert "autosalvataggio" not in html and "Aggiungi commento" not in html
    assert "data-workflow-action-modal-url" in _piede(html).split("Approva", 1)[0].rsplit("<button", 1)[1], (
        "«Approva» chiede conferma in un dialogo"
    )


def test_scheda_approvata_senza_pulsanti(dati_matrice):
    """An approved record has nothing to decide: no save, submit or publish button."""
    d = dati_matrice
    for modello, record in (("adesione", d.adesione_approvata), ("ordinativo", d.ordinativo_approvato)):
        html = contenuto(client_per("banditore", d).get(_edit(modello, record.pk)))
        assert _bottoni(html) == [], (modello, _bottoni(html))
        for parola in ("Salva bozza", "Invia a ", "Pubblica", "Live", "Prima pubblicazione"):
            assert parola not in html, (modello, parola)
    assert "€ 99,99" in contenuto(client_per("banditore", d).get(_edit("ordinativo", d.ordinativo_approvato.pk)))


def test_admin_tutto_in_italiano(dati_matrice):
    d = dati_matrice
    client = client_per("banditore", d)
    for url in (
        "/admin/",
        _edit("adesione", d.adesione_inviata.pk),
        _edit("ordinativo", d.ordinativo_inviato.pk),
        reverse("wagtailsnippets_contratti_adesione:list"),
    ):
        html = contenuto(client.get(url))
        for inglese in INGLESE:
            assert inglese not in html, (url, inglese)
    html = contenuto(client.get(_edit("adesione", d.adesione_inviata.pk)))
    assert "Si è verificato un errore di rete" in html and 'aria-label="Azioni"' in html


def _adesione_ipotesi_b_inviata(demo):
    # The permission matrix's data (same database, session-wide) may hold Prato's open adesione.
    Adesione.objects.filter(contratto=demo.sct, ente=demo.prato).update(stato=Adesione.Stato.ELIMINATA)
    return adesione_ipotesi_b_inviata(demo)


def _approva(client, adesione):
    risposta = client.post(
        _edit("adesione", adesione.pk),
        {
            "action-workflow-action": "1",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps({"comment": ""}),
        },
        follow=True,
    )
    return _messaggi(contenuto(risposta))


def test_approvazione_con_il_nome_e_il_genere_giusti(dati_matrice):
    d = dati_matrice
    client = client_per("banditore", d)
    for modello, record, atteso in (
        (
            "ordinativo",
            d.ordinativo_inviato,
            f"Ordinativo {d.ordinativo_inviato.codice} – Comune di Firenze approvato.",
        ),
        # Ipotesi A ends at round 0: approving it approves the adesione.
        ("adesione", d.adesione_inviata, f"Adesione {d.adesione_inviata.codice} – Comune di Firenze approvata."),
    ):
        risposta = client.post(
            _edit(modello, record.pk),
            {
                "action-workflow-action": "1",
                "workflow-action-name": "approve",
                "workflow-action-extra-data": json.dumps({"comment": ""}),
            },
            follow=True,
        )
        messaggi = _messaggi(contenuto(risposta))
        assert messaggi == atteso, messaggi


def test_approvazione_di_un_round_intermedio_e_dell_ultimo(demo):
    """Ipotesi B has a round 1: approving round 0 says so; approving round 1 approves the adesione."""
    from contratti.adesioni import services

    client = Client()
    client.force_login(demo.user("banditore"))
    adesione = _adesione_ipotesi_b_inviata(demo)
    assert _approva(client, adesione) == f"Adesione {adesione.codice} – Comune di Prato: round 0 approvato."
    adesione.refresh_from_db()
    services.carica_documenti_round(
        adesione, utente=demo.user("aderente2"), files={"data-protection-agreement": upload("dpa.pdf", da="aderente2")}
    )
    services.invia(adesione, utente=demo.user("aderente2"))
    assert _approva(client, adesione) == f"Adesione {adesione.codice} – Comune di Prato approvata."


def test_non_approvazione_con_il_motivo(dati_matrice):
    d = dati_matrice
    record = d.ordinativo_inviato
    risposta = client_per("banditore", d).post(
        _edit("ordinativo", record.pk),
        {
            "action-workflow-action": "1",
            "workflow-action-name": "reject",
            "workflow-action-extra-data": json.dumps({"comment": "Importo non coerente"}),
        },
        follow=True,
    )
    assert _messaggi(contenuto(risposta)) == f"Ordinativo {record.codice} – Comune di Firenze non approvato."
    record.refresh_from_db()
    assert record.stato == record.Stato.RIFIUTATO


def test_conferma_dell_approvazione_dalla_dashboard(dati_matrice):
    """ "In attesa della tua revisione": «Approva» opens the confirmation dialog (as «Non approvare»)."""
    d = dati_matrice
    client = client_per("banditore", d)
    html = contenuto(client.get("/admin/"))
    ts = _task_state(d.adesione_inviata)
    url = reverse("wagtailsnippets_contratti_adesione:workflow_action", args=(d.adesione_inviata.pk, "approve", ts.pk))
    bottone = re.search(rf'<button data-workflow-action-url="{re.escape(url)}"([^>]*)>([^<]*)</button>', html)
    assert bottone is not None and "data-launch-modal" in bottone.group(1) and bottone.group(2) == "Approva"
    dialogo = html_lib.unescape(json.loads(client.get(url).content)["html"])
    assert "Confermi l'approvazione?" in dialogo and "Nota (facoltativa)" in dialogo
    d.adesione_inviata.refresh_from_db()
    assert d.adesione_inviata.stato == d.adesione_inviata.Stato.IN_VALUTAZIONE, "aprire il dialogo non approva"


def test_storico_con_le_parole_del_dominio(dati_matrice):
    d = dati_matrice
    html = contenuto(
        client_per("banditore", d).get(
            reverse("wagtailsnippets_contratti_ordinativo:history", args=(d.ordinativo_approvato.pk,))
        )
    )
    corpo = html.split('id="listing-results"', 1)[1]
    assert "Inviato al banditore" in corpo and "Approvato" in corpo
    for parola in ("Pubblicata", "Live", "Versione live", "Flusso di lavoro", "completato"):
        assert parola not in corpo, parola
    filtro = html.split('name="action"', 1)[1].split("</fieldset>", 1)[0] if 'name="action"' in html else ""
    assert "Pubblica" not in filtro and "Approvato" in filtro


def test_elenchi_con_importi_in_euro(dati_matrice):
    d = dati_matrice
    client = client_per("banditore", d)
    html = contenuto(client.get(reverse("wagtailsnippets_contratti_adesione:list")))
    assert "€ 1.000,00" in html and ">1000,00<" not in html
    html = contenuto(client.get(reverse("wagtailsnippets_contratti_ordinativo:list")))
    assert "€ 99,99" in html


def test_bozza_di_ordinativo_nascosta_al_banditore_fino_all_invio(dati_matrice):
    d = dati_matrice
    aderente = d.utenti["aderente"]
    nuovo = _ordinativo(d.sct, d.adesione_approvata, aderente, "Ordinativo della prova di invio")
    client = client_per("banditore", d)
    pagina = d.sct.url + d.sct.reverse_subpage("ordinativo_passo1", args=(nuovo.pk,))
    assert client.get(pagina).status_code == 404
    assert client.get(_edit("ordinativo", nuovo.pk)).status_code == 404
    assert nuovo.codice not in contenuto(client.get(reverse("wagtailsnippets_contratti_ordinativo:list")))
    assert nuovo.codice not in contenuto(client.get(d.sct.url))
    assert client_per("aderente", d).get(pagina).status_code == 200

    _fino_all_invio(nuovo, aderente)
    assert client.get(pagina).status_code == 200
    assert client.get(_edit("ordinativo", nuovo.pk)).status_code == 200
    assert nuovo.codice in contenuto(client.get(reverse("wagtailsnippets_contratti_ordinativo:list")))
    assert nuovo.codice in contenuto(client.get(d.sct.url))


def test_controlla_mostra_i_dati_del_record(dati_matrice):
    d = dati_matrice
    html = contenuto(
        client_per("banditore", d).get(
            reverse("wagtailsnippets_contratti_ordinativo:inspect", args=(d.ordinativo_approvato.pk,))
        )
    )
    corpo = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])
    assert d.ordinativo_approvato.codice in corpo and "€ 99,99" in corpo and "Approvato" in corpo
    for parola in ("Live", "Pubblicata per la prima volta", "Vai live", "None", "True", "False"):
        assert parola not in corpo, parola
