"""The banditore reads the audit trail of its contract (/audit/contratto/<id>/); downloads of private
documents are recorded; an altered entry is reported by the page and by ``manage.py verifica_audit``."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import VoceAudit
from audit.services import registra
from tests.utils import contenuto

from .dati import (
    M_ADESIONE_SECONDO,
    M_COMUNICAZIONE,
    M_COMUNICAZIONE_OE,
    M_ESITO_BOZZA,
    M_ESITO_PUBBLICO,
    M_ORDINATIVO_BOZZA,
)
from .esecuzione import client_per

pytestmark = pytest.mark.django_db


def _url(contratto, **query):
    url = reverse("audit:contratto", args=[contratto.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _righe(html):
    """The rows of the trail's table: [(numero, azione)], in the order shown."""
    corpo = html.split('id="registro"', 1)[1].split("</table>", 1)[0]
    righe = []
    for riga in re.findall(r"<tr[^>]*>(.*?)</tr>", corpo, re.S)[1:]:
        celle = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", riga, re.S)]
        righe.append((int(celle[0].split()[0]), celle[3]))
    return righe


@pytest.mark.parametrize(
    "ruolo,atteso",
    [
        ("anonimo", 302),
        ("aderente", 404),
        ("aderente2", 404),
        ("oe", 404),
        ("oe2", 404),
        ("banditore", 200),
        ("banditore2", 404),
        ("editor", 404),
    ],
)
def test_solo_il_banditore_del_contratto_legge_il_registro(dati_matrice, ruolo, atteso):
    risposta = client_per(ruolo, dati_matrice).get(_url(dati_matrice.sct))
    assert risposta.status_code == atteso
    if ruolo == "anonimo":
        assert risposta["Location"].startswith("/account/accedi/")
    if atteso == 200:
        assert risposta["Cache-Control"].startswith("max-age=0") or "no-cache" in risposta["Cache-Control"]
    altro = client_per(ruolo, dati_matrice).get(_url(dati_matrice.secondo))
    assert altro.status_code == {"banditore2": 200, "anonimo": 302}.get(ruolo, 404)


def test_chi_quando_cosa_da_dove_e_stati(dati_matrice):
    d = dati_matrice
    html = contenuto(client_per("banditore", d).get(_url(d.sct)))
    assert "Registro integro." in html
    righe = _righe(html)
    numeri = [n for n, _ in righe]
    assert numeri == sorted(numeri, reverse=True), "dalla più recente"
    inviata = VoceAudit.objects.get(azione="adesione.inviata", object_id=str(d.adesione_inviata.pk))
    riga = html.split(f"<td>{inviata.pk}", 1)[1].split("</tr>", 1)[0]
    # People read the catalogue's labels (audit.etichette), not the codes.
    assert "aderente" in riga and "Round inviato" in riga and d.adesione_inviata.codice in riga
    assert "adesione.inviata" not in riga and "in_valutazione" not in riga
    assert "Bozza → Inviata – in attesa di approvazione" in riga
    assert inviata.creato_il.strftime("%d/%m/%Y") in riga
    approvato = VoceAudit.objects.get(azione="ordinativo.approvato", object_id=str(d.ordinativo_approvato.pk))
    riga = html.split(f"<td>{approvato.pk}", 1)[1].split("</tr>", 1)[0]
    assert "banditore" in riga and "Inviato → Approvato" in riga and "Ordinativo approvato" in riga


def test_da_dove_e_motivo(dati_matrice):
    d = dati_matrice
    client = client_per("aderente", d)
    scaricato = client.get(
        d.sct.url
        + d.sct.reverse_subpage("adesione_documento", args=(d.adesione_inviata.pk, d.doc_adesione_inviata.pk)),
        REMOTE_ADDR="10.1.2.3",
    )
    assert scaricato.status_code == 200
    registra(
        "adesione.nota",
        d.adesione_inviata,
        utente=d.utenti["banditore"],
        contratto=d.sct,
        motivo="Motivo di prova del registro",
    )
    html = contenuto(client_per("banditore", d).get(_url(d.sct)))
    voce = VoceAudit.objects.filter(azione="documento.scaricato").latest("pk")
    riga = html.split(f"<td>{voce.pk}", 1)[1].split("</tr>", 1)[0]
    assert "10.1.2.3" in riga and "aderente" in riga and d.doc_adesione_inviata.documento.nome_originale in riga
    assert "Motivo di prova del registro" in html


def _tutte_le_pagine(client, contratto):
    html, pagina = "", 1
    while True:
        testo = contenuto(client.get(_url(contratto, page=pagina)))
        html += testo
        if "Successiva</a>" not in testo:
            return html
        pagina += 1


def test_il_registro_non_dice_al_banditore_cio_che_non_vede(dati_matrice):
    """Entries about a message between the ente and the supplier, a draft esito or ordinativo, another
    contract: not in the banditore's trail. The message addressed to him, the published esito, the sent
    ordinativo are."""
    d = dati_matrice
    html = _tutte_le_pagine(client_per("banditore", d), d.sct)
    for visibile in (M_COMUNICAZIONE, M_ESITO_PUBBLICO, d.ordinativo_inviato.codice, d.adesione_bozza.codice):
        assert visibile in html, visibile
    for riservato in (
        M_COMUNICAZIONE_OE,
        M_ESITO_BOZZA,
        M_ADESIONE_SECONDO,
        d.adesione_secondo.codice,
        d.ordinativo_bozza.codice,
        M_ORDINATIVO_BOZZA,
    ):
        assert riservato not in html, riservato
    assert VoceAudit.objects.filter(
        contratto_id=d.sct.pk, object_id=str(d.messaggio_oe.pk), azione="comunicazione.inviata"
    ).exists(), "la voce esiste, non è mostrata"
    altro = _tutte_le_pagine(client_per("banditore2", d), d.secondo)
    assert d.adesione_secondo.codice in altro and d.adesione_inviata.codice not in altro


def test_filtro_per_azione(dati_matrice):
    d = dati_matrice
    client = client_per("banditore", d)
    html = contenuto(client.get(_url(d.sct, azione="ordinativo.inviato")))
    azioni = {a for _, a in _righe(html)}
    assert azioni == {"Ordinativo inviato"}
    assert '<option value="ordinativo.inviato" selected>Ordinativo inviato</option>' in html
    tutte = _righe(contenuto(client.get(_url(d.sct, azione="azione.inesistente"))))
    assert len({a for _, a in tutte}) > 5, "un'azione sconosciuta è ignorata: tutte le operazioni"


def test_paginazione(dati_matrice):
    from audit.views import VOCI_PER_PAGINA

    d = dati_matrice
    for i in range(VOCI_PER_PAGINA + 5):
        registra("prova.paginazione", d.sct, contratto=d.sct, dati={"i": i})
    client = client_per("banditore", d)
    prima = _righe(contenuto(client.get(_url(d.sct, azione="prova.paginazione"))))
    seconda_html = contenuto(client.get(_url(d.sct, azione="prova.paginazione", page=2)))
    seconda = _righe(seconda_html)
    assert len(prima) == VOCI_PER_PAGINA and len(seconda) == 5
    assert prima[0][0] > prima[-1][0] > seconda[0][0], "dalla più recente, pagina dopo pagina"
    assert "Pagina 2 di 2" in seconda_html and "?azione=prova.paginazione&page=1" in seconda_html


def test_voce_alterata_segnalata_dalla_pagina_e_dal_comando(dati_matrice):
    d = dati_matrice
    call_command("verifica_audit")
    voce = VoceAudit.objects.filter(contratto_id=d.sct.pk, azione="ordinativo.approvato").get()
    VoceAudit.objects.filter(pk=voce.pk).update(motivo="nulla osta modificato dopo")
    html = contenuto(client_per("banditore", d).get(_url(d.sct)))
    assert "Registro alterato." in html and "Registro integro." not in html
    assert f"n. {voce.pk} del" in html
    assert f'<tr class="table-danger">\n      <td>{voce.pk} <strong>(alterata)</strong>' in html
    with pytest.raises(CommandError, match="1 voci del registro di audit non corrispondono"):
        call_command("verifica_audit")


def test_voce_alterata_di_un_altro_contratto_contata_ma_non_mostrata(dati_matrice):
    d = dati_matrice
    voce = VoceAudit.objects.filter(contratto_id=d.secondo.pk, azione="adesione.inviata").get()
    VoceAudit.objects.filter(pk=voce.pk).update(stato_a="approvata")
    html = contenuto(client_per("banditore", d).get(_url(d.sct)))
    assert "Registro alterato." in html
    assert "Altre voci alterate nel registro (di altri contratti o del sistema): 1." in html
    assert d.adesione_secondo.codice not in html


def test_area_riservata_porta_al_registro(dati_matrice):
    d = dati_matrice
    link = f'href="{_url(d.sct)}"'
    assert link in contenuto(client_per("banditore", d).get("/area-riservata/"))
    altro = contenuto(client_per("banditore2", d).get("/area-riservata/"))
    assert f'href="{_url(d.secondo)}"' in altro and link not in altro
    for ruolo in ("aderente", "oe", "editor"):
        assert "Registro delle operazioni" not in contenuto(client_per(ruolo, d).get("/area-riservata/")), ruolo
