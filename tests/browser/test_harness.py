"""The checks of the harness can fail: axe-core finds a violation it must find, the known-defect
declaration is strict, and a Content-Security-Policy violation in a page of the site is seen."""

import pytest
from _pytest.outcomes import Failed

from .accessibilita import Rapporto, controlla, percorso_normalizzato
from .conftest import ErroriPagina

PAGINA_ROTTA = """<!doctype html><html lang="it"><head><title>prova</title></head><body><main>
<h1>Prova</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button></main></body></html>"""


def test_axe_trova_le_violazioni_e_i_difetti_noti_sono_stretti(pagina):
    pagina.set_content(PAGINA_ROTTA)
    rapporto = Rapporto()
    with pytest.raises(Failed, match=r"image-alt"):
        controlla(pagina, "pagina rotta", rapporto=rapporto)
    gravi = {v.regola for v in rapporto.controlli[0].violazioni if v.bloccante}
    assert {"image-alt", "button-name"} <= gravi
    # Declared known defects do not fail the check…
    noti = {"image-alt": "difetto noto di prova", "button-name": "difetto noto di prova"}
    controlla(pagina, "pagina rotta, difetti noti", rapporto=rapporto, noti=noti)
    assert "difetto noto di prova" in rapporto.markdown(versione_axe="x", browser="y")
    # …but a declared defect that is gone does (strict, like xfail(strict=True)).
    pagina.set_content(
        "<!doctype html><html lang='it'><head><title>ok</title></head><body><main><h1>Ok</h1></main></body></html>"
    )
    with pytest.raises(Failed, match=r"non c'è più"):
        controlla(pagina, "pagina corretta", rapporto=rapporto, noti={"image-alt": "difetto noto di prova"})


def test_percorso_normalizzato():
    assert percorso_normalizzato("http://localhost:1234/contratti/x/adesioni/42/") == "/contratti/x/adesioni/<id>/"
    assert percorso_normalizzato("http://localhost:1234/comunicazioni/messaggio/7/rispondi/") == (
        "/comunicazioni/messaggio/<id>/rispondi/"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_violazione_csp_rilevata(sito, browser):
    contesto = browser.new_context()
    errori = ErroriPagina()
    contesto.on("page", errori.segui)
    try:
        pagina = contesto.new_page()
        sito.vai(pagina, "/")
        # An inline script added to the page is blocked by the site's CSP, and the harness sees it.
        pagina.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';
                                  document.body.appendChild(s); }""")
        pagina.wait_for_timeout(200)
        assert pagina.evaluate("() => window.x") is None
        assert any("violazione CSP" in v for v in errori.voci), errori.voci
    finally:
        contesto.close()
