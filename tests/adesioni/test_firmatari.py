"""Chi può firmare per l'ente (issue 14): the manifestazione di interesse, the piano and the progetto are
accepted only when signed by a person entitled to sign for the ente (RUP, Responsabile/Buyer, legale
rappresentante, delegato alla firma); the banditore sees signer, ente match and trust state."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from contratti.models import Adesione
from documenti.firma_prova import firma_pades
from documenti.models import DocumentoPrivato
from organizzazioni.models import Incarico, Profilo
from organizzazioni.services import assegna_incarico, revoca_incarico
from tests.pdf import pdf_semplice
from tests.utils import contenuto

from .conftest import upload
from .helpers import crea_via_web, invia_web, sub

pytestmark = pytest.mark.django_db

CF_DELEGATO = "DLGMRA75B41D612Z"


def _delegato(demo):
    """Maria Delegata: declared by the Comune di Firenze as delegato alla firma."""
    user, _ = get_user_model().objects.get_or_create(
        username="delegata", defaults={"first_name": "Maria", "last_name": "Delegata"}
    )
    Profilo.objects.update_or_create(user=user, defaults={"codice_fiscale": CF_DELEGATO})
    return assegna_incarico(user, demo.firenze, Incarico.Ruolo.DELEGATO_FIRMA)


@pytest.mark.parametrize("nome, cf", [("Paola Neri", "NREPLA82M50G999L"), ("Mario Rossi", "RSSMRA80A01H501U")])
def test_manifestazione_firmata_da_chi_non_e_abilitato_per_l_ente_rifiutata(client_as, demo, dati_passo1, nome, cf):
    client = client_as("aderente")
    documenti, adesioni = DocumentoPrivato.objects.count(), Adesione.objects.count()
    firmato = firma_pades(pdf_semplice("manifestazione"), nome=nome, codice_fiscale=cf)
    risposta = client.post(
        sub(demo.sct, "adesione_nuova"),
        dati_passo1(**{"doc_manifestazione-interesse": upload("manifestazione.pdf", firmato)}),
    )
    assert risposta.status_code == 400
    assert (
        f"Il documento «manifestazione.pdf» è firmato da {nome} ({cf}), che non risulta abilitato a firmare per "
        "Comune di Firenze."
    ) in contenuto(risposta)
    assert (DocumentoPrivato.objects.count(), Adesione.objects.count()) == (documenti, adesioni)


def test_ruoli_di_firma_in_organizzazioni(demo):
    assert {Incarico.Ruolo.LEGALE_RAPPRESENTANTE.label, Incarico.Ruolo.DELEGATO_FIRMA.label} == {
        "Legale rappresentante",
        "Delegato alla firma",
    }


def test_delegato_alla_firma_accettato_e_mostrato_al_banditore(client_as, demo, dati_ipotesi_b):
    incarico = _delegato(demo)
    client = client_as("aderente")  # the Responsabile uploads what the delegate signed
    adesione = crea_via_web(client, demo.sct, dati_ipotesi_b(da="delegata"))
    assert all(d.documento.firmato_da(CF_DELEGATO) for d in adesione.documenti.all())
    invia_web(client, adesione)
    banditore = Client()
    banditore.force_login(demo.user("banditore"))
    url = reverse("wagtailsnippets_contratti_adesione:edit", args=(adesione.pk,))
    pagina = contenuto(banditore.get(url))
    firma = (
        'firmato da <span class="firma">Maria Delegata (DLGMRA75B41D612Z) – abilitato a firmare per Comune di Firenze'
    )
    assert pagina.count(f"({firma} – certificato attendibile</span>)") == 3  # manifestazione, piano, progetto
    riepilogo = contenuto(banditore.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert (
        "Maria Delegata (DLGMRA75B41D612Z) – abilitato a firmare per Comune di Firenze – certificato attendibile"
        in riepilogo
    )
    # The delegation is withdrawn later: the documents stay, the banditore sees the mismatch.
    revoca_incarico(incarico)
    pagina = contenuto(banditore.get(url))
    assert (
        "Maria Delegata (DLGMRA75B41D612Z) – <strong>non risulta abilitato a firmare per Comune di Firenze</strong>"
        in pagina
    )


def test_chi_e_abilitato_a_firmare(demo):
    from organizzazioni.firmatari import abilitati

    assert abilitati(demo.firenze) == {"BNCLRA75E45G999M": "Laura Bianchi"}
    assert abilitati(demo.prato) == {"NREPLA82M50G999L": "Paola Neri"}
    assert abilitati(demo.regione) == {}  # the banditore's operatori do not sign for the Regione
    assert abilitati(demo.sct.aggiudicatario) == {"SPSLGO78M52G999H": "Olga Esposito"}  # the RTI's referent
    _delegato(demo)
    assert set(abilitati(demo.firenze)) == {"BNCLRA75E45G999M", CF_DELEGATO}
    assert abilitati(demo.firenze, ruoli=(Incarico.Ruolo.LEGALE_RAPPRESENTANTE,)) == {}
