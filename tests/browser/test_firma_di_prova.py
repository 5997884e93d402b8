"""The demo's "Firma di prova" used through its page in Chromium (issue 13, point 1): the same-origin
POST of its form passes the CSRF check (the page used to send "Referrer-Policy: no-referrer", so
Chromium sent "Origin: null" and Django refused every signature), the downloaded file is accepted by
our signature verification where the flow asks for it; and the Italian 403 of a refused CSRF check."""

import re

import pytest

from documenti.models import DocumentoPrivato

from .pagine import (
    apri_firma_di_prova,
    apri_ordinativo_da_elenco,
    documento_firmato,
    expect,
    firma_sulla_pagina,
    ordinativo_approvato_con_cig,
    pdf_da_firmare,
    richiedi_adesione,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIRMATARI = {
    "aderente": ("Laura Bianchi", "BNCLRA75E45G999M"),
    "aderente2": ("Paola Neri", "NREPLA82M50G999L"),
    "oe": ("Olga Esposito", "SPSLGO78M52G999H"),
}


def _firma_accettata(nome_file, username):
    """The stored document: signed, intact, trusted (the demo CA), by the user's codice fiscale."""
    nome, cf = FIRMATARI[username]
    documento = DocumentoPrivato.objects.get(nome_originale=nome_file)
    assert documento.firmato and documento.firma_attendibile, documento.firmatari
    assert documento.firmatario_nome == nome and documento.firmatario_cf == cf
    assert documento.firmato_da(cf)
    return documento


@pytest.mark.parametrize(
    ("username", "formato", "atteso", "ente"),
    [
        ("aderente", "PAdES", "manifestazione-firmato.pdf", "Comune di Firenze"),
        ("aderente2", "CAdES", "manifestazione.pdf.p7m", "Comune di Prato"),
    ],
)
def test_aderenti_firmano_e_caricano_la_manifestazione(sito, nuovo_contesto, username, formato, atteso, ente):
    nome, cf = FIRMATARI[username]
    page = sito.accedi(nuovo_contesto(), username)
    # Area riservata → "Vai alla firma di prova": the page says who signs.
    apri_firma_di_prova(sito, page)
    expect(page.get_by_text(f"Firmerai come {nome}, codice fiscale {cf}")).to_be_visible()
    sito.controlla_accessibilita(page, f"Firma di prova ({username})")
    firmato = firma_sulla_pagina(page, pdf_da_firmare("manifestazione.pdf"), formato=formato)
    assert firmato["name"] == atteso
    # Uploaded back where the flow asks for a signed document: the manifestazione di interesse.
    codice = richiedi_adesione(sito, page, documenti={"Manifestazione di interesse alla proroga": firmato})
    expect(page.get_by_role("link", name=atteso)).to_be_visible()
    riga = page.get_by_role("row").filter(has_text="Manifestazione di interesse")
    # The signer, registered for the ente with a role that signs, and the trust state.
    expect(riga).to_contain_text(f"{nome} ({cf}) – abilitato a firmare per {ente} – certificato attendibile")
    expect(riga).not_to_contain_text("certificato non attendibile")
    documento = _firma_accettata(atteso, username)
    assert documento.tipo == ("p7m" if formato == "CAdES" else "pdf"), codice


def test_oe_firma_e_carica_la_tracciabilita(sito, nuovo_contesto, demo, worker_celery, simulatore_anac):
    ordinativo = ordinativo_approvato_con_cig(demo, worker_celery)
    oe = sito.accedi(nuovo_contesto(), "oe")
    apri_firma_di_prova(sito, oe)
    expect(oe.get_by_text("Firmerai come Olga Esposito, codice fiscale SPSLGO78M52G999H")).to_be_visible()
    # The OE's documents to return (passo 3 of the approved ordinativo), signed in another tab.
    apri_ordinativo_da_elenco(sito, oe, ordinativo.codice)
    oe.get_by_role("navigation", name="Sezioni dell'ordinativo").get_by_role(
        "link", name="Passo 3 – conferma e invio"
    ).click()
    sezione = oe.get_by_role("region", name="Documenti da restituire all'amministrazione")
    campo = sezione.get_by_label(re.compile(r"^Comunicazione dati tracciabilità")).first
    campo.set_input_files(documento_firmato(sito, oe, "tracciabilita.pdf"))
    sezione.get_by_role("button", name="carica", exact=True).click()
    expect(oe.get_by_role("listitem").filter(has_text="tracciabilita-firmato.pdf")).to_contain_text(
        "firmato da Olga Esposito"
    )
    _firma_accettata("tracciabilita-firmato.pdf", "oe")


def test_utente_senza_codice_fiscale_vede_perche(sito, pagina):
    sito.accedi(pagina, "editor")
    sito.vai(pagina, "/area-riservata/")
    blocco = pagina.get_by_role("region", name="Firma di prova")
    expect(blocco).to_contain_text(
        "Il tuo profilo non ha un codice fiscale, quindi la firma di prova non è disponibile"
    )
    expect(blocco.get_by_role("link")).to_have_count(0)


def test_csrf_rifiutato_pagina_italiana(sito, pagina, settings):
    # As in `make run` (DEBUG on): the Italian 403 with what to do, not Django's English debug page.
    settings.DEBUG = True
    sito.accedi(pagina, "aderente")
    apri_firma_di_prova(sito, pagina)
    pagina.get_by_label("Documento PDF da firmare").set_input_files(pdf_da_firmare("a.pdf"))
    pagina.context.clear_cookies(name="csrftoken")  # e.g. cookies cleared while the page was open
    pagina.get_by_role("button", name="Firma e scarica").click()
    expect(pagina.get_by_role("heading", level=1)).to_have_text("Accesso negato")
    expect(pagina.locator("main")).to_contain_text(
        "La richiesta è stata bloccata dal controllo di sicurezza del modulo (CSRF)"
    )
    expect(pagina.locator("main")).to_contain_text("CSRF cookie not set")  # the reason, with DEBUG only
    sito.controlla_accessibilita(pagina, "Accesso negato (CSRF)")
    # …and a page that does not exist: the Italian 404.
    risposta = pagina.goto(sito.url("/pagina-che-non-esiste/"))
    assert risposta.status == 404
    expect(pagina.get_by_role("heading", level=1)).to_have_text("Pagina non trovata")
