"""The permission matrix (issue 8): every URL × every role, the expected answer, no private marker
shown to who may not read it, no write by a request that must be refused. Known findings in other
apps are single cells marked ``xfail(strict=True)`` (``matrice.NOTI``): they turn red when fixed."""

import pytest

from .conftest import ripristina_file
from .esecuzione import conforme, descrivi, esegui, rifiutata
from .matrice import NOTI, RUOLI, VOCI

RISULTATI = {}


def _celle():
    for voce in VOCI:
        for ruolo in RUOLI:
            segni = []
            if (voce.chiave, ruolo) in NOTI:
                segni.append(pytest.mark.xfail(strict=True, reason=NOTI[(voce.chiave, ruolo)]))
            yield pytest.param(voce, ruolo, id=f"{voce.chiave}|{ruolo}", marks=segni)


@pytest.fixture(scope="module", autouse=True)
def rapporto(dati_matrice):
    yield
    if len(RISULTATI) == len(VOCI) * len(RUOLI):
        from .rapporto import scrivi_rapporto

        scrivi_rapporto(RISULTATI, dati_matrice)


@pytest.mark.django_db
@pytest.mark.parametrize("voce,ruolo", list(_celle()))
def test_cella(voce, ruolo, dati_matrice):
    atteso = voce.attese[ruolo]
    esito = esegui(voce, ruolo, dati_matrice)
    RISULTATI[(voce.chiave, ruolo)] = esito
    if voce.metodo == "POST" and not rifiutata(atteso):
        ripristina_file(dati_matrice)
    assert conforme(atteso, esito.ottenuto), (
        f"atteso {descrivi(atteso)}, ottenuto {descrivi(esito.ottenuto)} {esito.location}"
    )
    assert not esito.marcatori, f"la risposta mostra dati riservati: {esito.marcatori}"
    if rifiutata(atteso):
        assert not esito.scritture, f"una richiesta rifiutata ha scritto nel database: {esito.scritture}"
    if esito.file_privato:
        assert esito.registrato, "un documento privato è stato servito senza una voce nel registro di audit"


@pytest.mark.django_db
def test_copertura_urlconf(dati_matrice):
    """A URL pattern, a page route or an admin view of ours that the matrix does not walk fails here:
    add it to ``matrice.py`` with the expected answer for every role."""
    from .copertura import percorsi, richiesti
    from .esecuzione import url_di

    camminati = percorsi(url_di(v, dati_matrice) for v in VOCI)
    mancanti = {nome: origine for nome, origine in richiesti().items() if nome not in camminati}
    assert not mancanti, "indirizzi non coperti dalla matrice: " + ", ".join(
        f"{n} ({o})" for n, o in sorted(mancanti.items())
    )


@pytest.mark.django_db
def test_copertura_rileva_un_indirizzo_nuovo(settings):
    """The coverage check sees a view added to the URLconf (so the test above can fail)."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    from .copertura import richiesti

    urlconf = type("UrlconfDiProva", (), {})
    import sct_site.urls as originale

    urlconf.urlpatterns = [path("nuova-vista/", lambda r: HttpResponse(), name="nuova_vista"), *originale.urlpatterns]
    settings.ROOT_URLCONF = urlconf
    clear_url_caches()
    try:
        assert "nuova_vista" in richiesti()
    finally:
        clear_url_caches()
