import re
from decimal import Decimal

import pytest
from django.test import override_settings

from contratti.adesioni.services import importo_da_piano
from contratti.models import Adesione
from tests.utils import contenuto

from .conftest import pdf_semplice, upload
from .helpers import azione_admin, crea_via_web, decidi, fotografia, invia_web, sub

pytestmark = pytest.mark.django_db


def test_richiedi_adesione_visibile_solo_a_chi_puo(client_as, demo):
    assert "richiedi adesione" in contenuto(client_as("aderente").get(demo.sct.url))
    for altro in ("banditore", "oe", "editor"):
        assert "richiedi adesione" not in contenuto(client_as(altro).get(demo.sct.url))


def test_passo1_propone_scadenza_e_richieste_del_round_0(client_as, demo):
    html = contenuto(client_as("aderente").get(sub(demo.sct, "adesione_nuova")))
    assert 'value="2026-10-02"' in html
    assert "Manifestazione di interesse alla proroga" in html
    assert "Piano dei Fabbisogni (SOLO NEL CASO DI IPOTESI B)" in html
    assert "salva e procedi" in html


def test_ipotesi_a_bozza_riepilogo_invio(client_as, demo, dati_passo1):
    client = client_as("aderente")
    adesione = crea_via_web(client, demo.sct, dati_passo1())
    assert re.fullmatch(r"A\d{6}/\d{4}", adesione.codice)
    assert adesione.importo == Decimal("12345.67") and isinstance(adesione.importo, Decimal)
    assert adesione.stato == Adesione.Stato.BOZZA and adesione.ente == demo.firenze
    html = contenuto(client.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    for testo in (
        "Passo 2 – riepilogo adesione",
        adesione.codice,
        "€ 12.345,67",
        "€ 150.000.000,00",
        "manifestazione.pdf",
        "INVIA",
        "elimina bozza",
    ):
        assert testo in html
    conferma = contenuto(client.get(sub(demo.sct, "adesione_invia", adesione.pk)))
    assert "Confermi l'invio dell'adesione?" in conferma and ">sì<" in conferma and ">no<" in conferma
    risposta = client.post(sub(demo.sct, "adesione_invia", adesione.pk), follow=True)
    assert "Invio effettuato correttamente" in contenuto(risposta)
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.IN_VALUTAZIONE and adesione.inviata_il is not None
    assert adesione.documenti.get().inviato
    elenco = contenuto(client.get(demo.sct.url))
    assert adesione.codice in elenco and adesione.inviata_il.astimezone().strftime("%d/%m/%Y") in elenco
    assert "richiedi adesione" not in elenco


def test_no_alla_conferma_torna_al_riepilogo(client_as, demo, dati_passo1):
    client = client_as("aderente")
    adesione = crea_via_web(client, demo.sct, dati_passo1())
    conferma = contenuto(client.get(sub(demo.sct, "adesione_invia", adesione.pk)))
    assert f'href="{sub(demo.sct, "adesione_riepilogo", adesione.pk)}">no<' in conferma
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.BOZZA


def test_ipotesi_a_con_piano_rifiutata_e_nulla_salvato(client_as, demo, dati_passo1, conta_archivio):
    prima = (Adesione.objects.count(), *conta_archivio())
    risposta = client_as("aderente").post(
        sub(demo.sct, "adesione_nuova"), dati_passo1(**{"doc_piano-fabbisogni": upload("piano.pdf")})
    )
    assert risposta.status_code == 400
    assert "Nell'ipotesi A non deve essere caricato il documento “Piano dei Fabbisogni”" in contenuto(risposta)
    assert (Adesione.objects.count(), *conta_archivio()) == prima


def test_invio_senza_documento_obbligatorio_nomina_il_documento(client_as, demo, dati_passo1):
    client = client_as("aderente")
    adesione = crea_via_web(client, demo.sct, dati_passo1(ipotesi="B", **{"doc_piano-fabbisogni": upload("piano.pdf")}))
    risposta = client.post(sub(demo.sct, "adesione_invia", adesione.pk))
    assert risposta.status_code == 400
    assert "manca il documento obbligatorio: “Progetto dei Fabbisogni”" in contenuto(risposta)
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.BOZZA and adesione.inviata_il is None


def test_seconda_richiesta_mentre_una_e_aperta(client_as, demo, dati_passo1):
    client = client_as("aderente")
    crea_via_web(client, demo.sct, dati_passo1())
    assert client.get(sub(demo.sct, "adesione_nuova")).status_code == 403
    risposta = client.post(sub(demo.sct, "adesione_nuova"), dati_passo1())
    assert risposta.status_code == 403
    assert Adesione.objects.filter(ente=demo.firenze, contratto=demo.sct).count() == 1


def test_ritira_invio_e_poi_elimina_bozza(client_as, demo, dati_passo1):
    client = client_as("aderente")
    adesione = crea_via_web(client, demo.sct, dati_passo1())
    client.post(sub(demo.sct, "adesione_invia", adesione.pk))
    risposta = client.post(sub(demo.sct, "adesione_ritira", adesione.pk), follow=True)
    html = contenuto(risposta)
    assert "elimina bozza" in html and "INVIA" in html and "ritira invio adesione" not in html
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.BOZZA and adesione.current_workflow_state is None
    # Withdrawn: no date of sending any more, the file is "da inviare" again.
    assert adesione.inviata_il is None and "Data di invio" not in html
    documento = adesione.documenti.get()
    assert not documento.inviato and "da inviare (invio ritirato)" in html and "<td>inviato</td>" not in html
    elenco = contenuto(client.get(demo.sct.url))
    riga = elenco[elenco.index(adesione.codice) :]
    assert riga[: riga.index("</tr>")].count("—") == 1  # the column "Data di invio"
    conferma = contenuto(client.get(sub(demo.sct, "adesione_elimina", adesione.pk)))
    assert "Confermi l'eliminazione della bozza?" in conferma and "resterà registrata come eliminata" in conferma
    client.post(sub(demo.sct, "adesione_elimina", adesione.pk))
    # It was sent once (then withdrawn): the banditore had it, so the record stays, out of the lists.
    adesione.refresh_from_db()
    documento.refresh_from_db()
    assert adesione.stato == Adesione.Stato.ELIMINATA and documento.inviato_il is not None
    elenco = contenuto(client.get(demo.sct.url))
    assert "richiedi adesione" in elenco and adesione.codice not in elenco


def test_round_approvati_fino_all_approvazione_finale(client_as, demo, dati_ipotesi_b):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_ipotesi_b())
    aderente.post(sub(demo.sct, "adesione_invia", adesione.pk))
    banditore = client_as("banditore")
    assert azione_admin(banditore, adesione, "approve").status_code == 302
    adesione.refresh_from_db()
    assert (adesione.stato, adesione.round_corrente) == (Adesione.Stato.ROUND_APPROVATO, 1)
    aderente = client_as("aderente")
    risposta = aderente.post(
        sub(demo.sct, "adesione_documenti", adesione.pk), {"doc_data-protection-agreement": upload("dpa.pdf")}
    )
    assert risposta.status_code == 302
    aderente.post(sub(demo.sct, "adesione_invia", adesione.pk))
    azione_admin(client_as("banditore"), adesione, "approve")
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.APPROVATA and adesione.approvata_il is not None
    assert client_as("aderente").post(sub(demo.sct, "adesione_ritira", adesione.pk)).status_code == 400


def test_rifiuto_richiede_motivo_e_torna_in_bozza(client_as, demo, dati_passo1):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1())
    aderente.post(sub(demo.sct, "adesione_invia", adesione.pk))
    banditore = client_as("banditore")
    azione_admin(banditore, adesione, "reject", comment="")
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.IN_VALUTAZIONE
    azione_admin(banditore, adesione, "reject", comment="Importo non coerente con il piano dei fabbisogni")
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.NON_APPROVATA
    html = contenuto(client_as("aderente").get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert "Importo non coerente con il piano dei fabbisogni" in html
    assert "elimina bozza" in html
    elenco = contenuto(client_as("aderente").get(demo.sct.url))
    assert "richiedi adesione" not in elenco


def test_banditore_di_altro_contratto_non_puo_approvare(client_as, demo, dati_passo1):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1())
    aderente.post(sub(demo.sct, "adesione_invia", adesione.pk))
    altro = client_as("banditore2")
    risposta = azione_admin(altro, adesione, "approve")
    assert risposta.status_code in (403, 404)
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.IN_VALUTAZIONE
    from django.urls import reverse

    assert altro.get(reverse("wagtailsnippets_contratti_adesione:edit", args=(adesione.pk,))).status_code == 404
    indice = altro.get(reverse("wagtailsnippets_contratti_adesione:list"))
    assert adesione.codice not in contenuto(indice)
    proprio = client_as("banditore").get(reverse("wagtailsnippets_contratti_adesione:edit", args=(adesione.pk,)))
    assert proprio.status_code == 200 and adesione.codice in contenuto(proprio)


def test_altro_ente_non_vede_adesione_ne_documenti(client_as, demo, dati_passo1):
    adesione = crea_via_web(client_as("aderente"), demo.sct, dati_passo1())
    documento = adesione.documenti.get()
    altro = client_as("aderente2")
    assert altro.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)).status_code == 404
    assert altro.get(sub(demo.sct, "adesione_documento", adesione.pk, documento.pk)).status_code == 404
    assert altro.post(sub(demo.sct, "adesione_invia", adesione.pk)).status_code == 404
    assert adesione.codice not in contenuto(altro.get(demo.sct.url))
    for ruolo in ("oe", "editor"):
        assert client_as(ruolo).get(sub(demo.sct, "adesione_riepilogo", adesione.pk)).status_code == 404
    assert client_as("banditore").get(sub(demo.sct, "adesione_documento", adesione.pk, documento.pk)).status_code == 200


def test_anonimo_rimandato_al_login(client, demo):
    risposta = client.get(sub(demo.sct, "adesione_nuova"))
    assert risposta.status_code == 302 and "/account/accedi/" in risposta.url


# --- Bad input: a clear message, a 4xx, nothing stored (no DocumentoPrivato, no file in the private
# storage), the existing draft unchanged. In passo 1 (a new adesione and the edit of a draft) and in
# the upload of a round's documents.


def _manomesso_p7m():
    from tests.documenti.campioni import p7m_payload_cambiato

    return upload("manifestazione.pdf.p7m", p7m_payload_cambiato(), "application/pkcs7-mime")


FILE_NON_VALIDI = {
    # case: (upload, SCT_MAX_UPLOAD_BYTES or None, message)
    "troppo_grande": (
        lambda: upload("manifestazione.pdf"),
        1024,
        "Il file «manifestazione.pdf» supera la dimensione massima consentita di 1 KB.",
    ),
    "html_con_nome_pdf": (
        lambda: upload("manifestazione.pdf", b"<html><body>non sono un pdf</body></html>", "text/html"),
        None,
        "Il file «manifestazione.pdf» non è un PDF: il contenuto è",
    ),
    "pdf_non_firmato": (
        lambda: upload("manifestazione.pdf", pdf_semplice()),
        None,
        "Il file «manifestazione.pdf» non risulta firmato digitalmente.",
    ),
    "p7m_manomesso": (_manomesso_p7m, None, "La firma del file «manifestazione.pdf.p7m» non è integra"),
}


def _bozza_al_round_1_ipotesi_b(client_as, demo, dati_passo1):
    """Ipotesi B, round 0 approved: round 1 asks for the Data Protection Agreement, signed."""
    client = client_as("aderente")
    adesione = crea_via_web(
        client,
        demo.sct,
        dati_passo1(
            ipotesi="B",
            **{"doc_piano-fabbisogni": upload("piano.pdf"), "doc_progetto-fabbisogni": upload("progetto.pdf")},
        ),
    )
    invia_web(client, adesione)
    decidi(client_as("banditore"), adesione, "approve")
    assert (adesione.stato, adesione.round_corrente) == (Adesione.Stato.ROUND_APPROVATO, 1)
    return client_as("aderente"), adesione


def _richiesta_con_file(contesto, client_as, demo, dati_passo1, file):
    """(client, url, POST data, existing adesione or None) for an upload in the given context."""
    if contesto == "passo1_nuova":
        return (
            client_as("aderente"),
            sub(demo.sct, "adesione_nuova"),
            dati_passo1(**{"doc_manifestazione-interesse": file}),
            None,
        )
    if contesto == "passo1_modifica":
        client = client_as("aderente")
        adesione = crea_via_web(client, demo.sct, dati_passo1())
        dati = dati_passo1(importo="99,00", **{"doc_manifestazione-interesse": file})
        return client, sub(demo.sct, "adesione_modifica", adesione.pk), dati, adesione
    client, adesione = _bozza_al_round_1_ipotesi_b(client_as, demo, dati_passo1)
    return client, sub(demo.sct, "adesione_documenti", adesione.pk), {"doc_data-protection-agreement": file}, adesione


def _conta(conta_archivio):
    return (Adesione.objects.count(), *conta_archivio())


@pytest.mark.parametrize("contesto", ["passo1_nuova", "passo1_modifica", "documenti_round"])
@pytest.mark.parametrize("caso", list(FILE_NON_VALIDI))
def test_file_non_validi_rifiutati_nulla_salvato_bozza_invariata(
    client_as, demo, dati_passo1, conta_archivio, contesto, caso
):
    fabbrica, limite, messaggio = FILE_NON_VALIDI[caso]
    client, url, dati, adesione = _richiesta_con_file(contesto, client_as, demo, dati_passo1, fabbrica())
    prima = fotografia(adesione) if adesione else None
    conti = _conta(conta_archivio)
    with override_settings(**({"SCT_MAX_UPLOAD_BYTES": limite} if limite else {})):
        risposta = client.post(url, dati)
    assert risposta.status_code == 400
    assert messaggio in contenuto(risposta)
    assert _conta(conta_archivio) == conti, "nessun documento né file salvato"
    if adesione is not None:
        assert fotografia(adesione) == prima, "la bozza esistente non cambia"


@pytest.mark.parametrize("contesto", ["passo1_nuova", "passo1_modifica"])
@pytest.mark.parametrize(
    ("importo", "messaggio"),
    [
        ("-10", "L'importo deve essere maggiore di zero."),
        ("0", "L'importo deve essere maggiore di zero."),
        ("dieci euro", "Inserisci un importo valido"),
        ("10,123", "L'importo può avere al massimo due decimali."),
        ("1e5", "Inserisci un importo valido"),
    ],
)
def test_importo_non_valido(client_as, demo, dati_passo1, conta_archivio, contesto, importo, messaggio):
    # The request carries a valid signed file too: it must not be stored either.
    client, url, dati, adesione = _richiesta_con_file(
        contesto, client_as, demo, dati_passo1, upload("nuova-versione.pdf")
    )
    dati["importo"] = importo
    prima = fotografia(adesione) if adesione else None
    conti = _conta(conta_archivio)
    risposta = client.post(url, dati)
    assert risposta.status_code == 400
    assert messaggio in contenuto(risposta)
    assert _conta(conta_archivio) == conti
    if adesione is not None:
        assert fotografia(adesione) == prima


def test_nuova_versione_in_bozza_mantiene_lo_storico(client_as, demo, dati_passo1):
    from tests.pdf import p7m

    client = client_as("aderente")
    adesione = crea_via_web(client, demo.sct, dati_passo1())
    risposta = client.post(
        sub(demo.sct, "adesione_modifica", adesione.pk),
        dati_passo1(
            **{"doc_manifestazione-interesse": upload("manifestazione.pdf.p7m", p7m(), "application/pkcs7-mime")}
        ),
    )
    assert risposta.status_code == 302
    versioni = list(adesione.documenti.order_by("versione"))
    assert [(d.versione, d.corrente) for d in versioni] == [(1, False), (2, True)]


def test_calcolo_importo_dal_piano():
    assert importo_da_piano(Decimal("1000.00"), __import__("datetime").date(2023, 3, 31)) == Decimal("1049.00")
    assert importo_da_piano(Decimal("1000.00"), __import__("datetime").date(2023, 4, 1)) == Decimal("1000.00")
    assert importo_da_piano(Decimal("333.33"), __import__("datetime").date(2022, 1, 1)) == Decimal("349.66")


def test_calcola_importo_nel_form(client_as, demo, dati_passo1):
    risposta = client_as("aderente").post(
        sub(demo.sct, "adesione_nuova"),
        dati_passo1(importo="", importo_piano="1.000,00", data_piano="2023-01-15", calcola="1"),
    )
    assert risposta.status_code == 200
    assert 'value="1049,00"' in contenuto(risposta)
