"""The banditore in the Area riservata and on its own contract: its role in the manual's words, no
adesione to offer it, no chiarimento to ask itself."""

import pytest

from tests.sicurezza.esecuzione import client_per
from tests.utils import contenuto

pytestmark = pytest.mark.django_db

ADERIBILI = "Contratti a cui il tuo ente può aderire"


def _incarichi(html):
    return html.split('id="titolo-incarichi"', 1)[1].split("</section>", 1)[0]


def test_ruolo_del_banditore(dati_matrice):
    d = dati_matrice
    html = contenuto(client_per("banditore", d).get("/area-riservata/"))
    incarichi = _incarichi(html)
    assert "Banditore – Regione Toscana" in incarichi
    assert f"RUP dell'Accordo Quadro – {d.sct.title}" in incarichi
    assert "Operatore –" not in incarichi
    assert ADERIBILI not in html
    assert "Contratti che gestisci come banditore" in html


def test_l_aderente_vede_i_contratti_a_cui_aderire(dati_matrice):
    d = dati_matrice
    html = contenuto(client_per("aderente", d).get("/area-riservata/"))
    assert ADERIBILI in html and d.sct.title in html.split(ADERIBILI, 1)[1]
    assert "Responsabile/Buyer – Comune di Firenze" in _incarichi(html) and "Banditore" not in _incarichi(html)


def test_chiedi_un_chiarimento_non_al_banditore_stesso(dati_matrice):
    d = dati_matrice
    assert "Chiedi un chiarimento" not in contenuto(client_per("banditore", d).get(d.sct.url))
    assert "Chiedi un chiarimento" in contenuto(client_per("aderente", d).get(d.sct.url))
