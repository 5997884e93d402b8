"""After a non-approval: the round ≥ 1 is sent again with new versions of its documents (the sent
ones stay, unchanged, in the history); "elimina bozza" keeps what was sent (state "eliminata") and
deletes only what was never sent. Everything through the site and the admin, as the users do it."""

import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermission

from audit.models import VoceAudit
from audit.services import voci_per
from contratti.adesioni import services
from contratti.models import Adesione
from documenti.models import DocumentoPrivato
from tests.utils import contenuto, corpo

from .conftest import pdf_firmato, upload
from .helpers import crea_via_web, decidi, fotografia, invia_web, sub

pytestmark = pytest.mark.django_db


def _byte_archiviati(documento):
    with documento.file.open("rb") as fh:
        return fh.read()


def _al_round_1_non_approvato(client_as, demo, dati_ipotesi_b, motivo="Il DPA non è firmato dal Responsabile"):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_ipotesi_b())
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "approve")
    aderente = client_as("aderente")
    risposta = aderente.post(
        sub(demo.sct, "adesione_documenti", adesione.pk),
        {"doc_data-protection-agreement": upload("dpa-v1.pdf", pdf_firmato("DPA, prima versione"))},
    )
    assert risposta.status_code == 302
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "reject", comment=motivo)
    assert (adesione.stato, adesione.round_corrente) == (Adesione.Stato.NON_APPROVATA, 1)
    return adesione


def test_round_1_non_approvato_nuova_versione_reinvio_e_approvazione(client_as, demo, dati_ipotesi_b):
    adesione = _al_round_1_non_approvato(client_as, demo, dati_ipotesi_b)
    approvata_il = adesione.approvata_il
    v1 = adesione.documenti.get(round=1)
    assert (v1.versione, v1.corrente, v1.inviato) == (1, True, True)
    privato_v1 = DocumentoPrivato.objects.get(pk=v1.documento_id)
    byte_v1 = _byte_archiviati(privato_v1)
    round_0 = list(adesione.documenti.filter(round=0))

    aderente = client_as("aderente")
    html = contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert "Il round 1 non è stato approvato." in html and "Il DPA non è firmato dal Responsabile" in html
    assert "Sostituisci i documenti del round 1" in html
    for azione in ("RICHIESTE DOCUMENTI PER ADESIONE – ROUND 1", "carica documenti", "INVIA"):
        assert azione in html, azione
    # Round 0 is approved: no "elimina bozza" any more, and the adesione is usable for ordering.
    assert "elimina bozza" not in html and "nuovo ordine" in html

    # The new version becomes the current one; the sent one stays in the history, still "inviato".
    risposta = aderente.post(
        sub(demo.sct, "adesione_documenti", adesione.pk),
        {"doc_data-protection-agreement": upload("dpa-v2.pdf", pdf_firmato("DPA, seconda versione"))},
    )
    assert risposta.status_code == 302, contenuto(risposta)[:2000]
    versioni = list(adesione.documenti.filter(round=1).order_by("versione"))
    assert [(d.versione, d.corrente, d.inviato) for d in versioni] == [(1, False, True), (2, True, False)]
    html = contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert (
        "Versioni precedenti (1)" in html
        and "Data Protection Agreement sottoscritto dall'amministrazione v1 (inviata)" in html
    )
    conferma = contenuto(aderente.get(sub(demo.sct, "adesione_invia", adesione.pk)))
    assert "Il round 1 non era stato approvato: sarà inviato di nuovo" in conferma

    invia_web(aderente, adesione)
    assert (adesione.stato, adesione.round_corrente) == (Adesione.Stato.IN_VALUTAZIONE, 1)
    assert adesione.documenti.get(round=1, corrente=True).inviato
    # The banditore sees the new version and the rejected one in the admin riepilogo.
    banditore = client_as("banditore")
    admin = contenuto(banditore.get(reverse("wagtailsnippets_contratti_adesione:edit", args=(adesione.pk,))))
    assert "dpa-v2.pdf" in admin and "Versioni precedenti" in admin and "dpa-v1.pdf" in admin
    decidi(banditore, adesione, "approve")
    # Approved since round 0 (the round for ordering): the final approval keeps that date.
    assert adesione.stato == Adesione.Stato.APPROVATA and adesione.approvata_il == approvata_il

    # The version sent and not approved is unchanged: same record, same bytes, still downloadable.
    v1.refresh_from_db()
    assert (v1.versione, v1.corrente, v1.inviato, v1.documento_id) == (1, False, True, privato_v1.pk)
    privato = DocumentoPrivato.objects.get(pk=privato_v1.pk)
    assert (privato.sha256, privato.nome_originale, privato.dimensione) == (
        privato_v1.sha256,
        "dpa-v1.pdf",
        len(byte_v1),
    )
    assert _byte_archiviati(privato) == byte_v1 and hashlib.sha256(byte_v1).hexdigest() == privato.sha256
    scarico = client_as("aderente").get(sub(demo.sct, "adesione_documento", adesione.pk, v1.pk))
    assert scarico.status_code == 200 and corpo(scarico) == byte_v1
    # The approval of round 0 stays: its document and its entry in the audit trail.
    for documento in round_0:
        documento.refresh_from_db()
        assert documento.corrente and documento.inviato
    assert voci_per(adesione).filter(azione="adesione.round_approvato", dati__round=0).count() == 1


def test_round_0_non_approvato_documenti_si_cambiano_solo_eliminando_la_bozza(client_as, demo, dati_passo1):
    """The manual: after the non-approval of the manifestazione the draft is deleted and round 0
    repeated; the sent round 0 documents are not replaced in place."""
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1())
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "reject", comment="Manca la firma del Responsabile")
    aderente = client_as("aderente")
    html = contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert "Per apportare le modifiche elimina la bozza e ripeti il round 0" in html
    assert "carica documenti" not in html
    risposta = aderente.post(
        sub(demo.sct, "adesione_documenti", adesione.pk), {"doc_manifestazione-interesse": upload("altra.pdf")}
    )
    assert risposta.status_code == 400 and "In questo stato non è possibile caricare documenti." in contenuto(risposta)
    assert [(d.versione, d.inviato) for d in adesione.documenti.all()] == [(1, True)]


def test_elimina_bozza_dopo_il_rifiuto_conserva_adesione_documenti_e_audit(client_as, demo, dati_passo1, commit):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1())
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "reject", comment="Importo non coerente con il piano dei fabbisogni")
    inviato = adesione.documenti.get()
    privato = inviato.documento
    byte_inviati = _byte_archiviati(privato)

    aderente = client_as("aderente")
    with commit():  # the file deletions, if any, run when the transaction commits
        risposta = aderente.post(sub(demo.sct, "adesione_elimina", adesione.pk))
    assert risposta.status_code == 302 and risposta.url == demo.sct.url + "#elenco-adesioni"
    elenco = contenuto(aderente.get(risposta.url))
    assert "La bozza è stata eliminata." in elenco
    assert "richiedi adesione" in elenco and adesione.codice not in elenco

    # The record, its sent document (row, private document, bytes) and the audit trail stay.
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.ELIMINATA
    assert adesione.eliminata_da == demo.user("aderente") and adesione.eliminata_il is not None
    assert adesione.motivo_rifiuto == "Importo non coerente con il piano dei fabbisogni"
    assert list(adesione.documenti.all()) == [inviato]
    privato = DocumentoPrivato.objects.get(pk=privato.pk)
    assert privato.file.storage.exists(privato.file.name) and _byte_archiviati(privato) == byte_inviati
    voce = voci_per(adesione).get(azione="adesione.bozza_eliminata")
    assert (voce.utente.username, voce.stato_da, voce.stato_a) == ("aderente", "non_approvata", "eliminata")
    assert voce.dati["conservata"] is True
    assert voci_per(privato).filter(azione="documento.caricato").exists()
    assert VoceAudit.objects.filter(
        azione="adesione.documento_caricato", object_id=str(adesione.pk), dati__sha256=privato.sha256
    ).exists()

    # "richiedi adesione" again: a new draft with a new code; the eliminated one keeps its own.
    assert aderente.get(sub(demo.sct, "adesione_nuova")).status_code == 200
    nuova = crea_via_web(aderente, demo.sct, dati_passo1())
    assert nuova.pk != adesione.pk and nuova.numero > adesione.numero and nuova.codice != adesione.codice
    assert services.adesione_aperta(demo.sct, demo.firenze) == nuova
    for ruolo in ("aderente", "banditore"):
        elenco = contenuto(client_as(ruolo).get(demo.sct.url))
        assert nuova.codice in elenco and adesione.codice not in elenco, ruolo

    # The eliminated adesione: readable by its ente and the banditore, no action left.
    aderente = client_as("aderente")
    html = contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    assert "Adesione eliminata il" in html
    for azione in ("INVIA", "elimina bozza", "carica documenti", "ritira invio adesione"):
        assert azione not in html, azione
    for nome in ("adesione_invia", "adesione_elimina", "adesione_ritira"):
        assert aderente.post(sub(demo.sct, nome, adesione.pk)).status_code == 400, nome
    risposta = aderente.post(sub(demo.sct, "adesione_elimina", adesione.pk))
    assert "L'adesione è stata eliminata: resta consultabile" in contenuto(risposta)
    risposta = aderente.post(
        sub(demo.sct, "adesione_documenti", adesione.pk), {"doc_data-protection-agreement": upload("ref.pdf")}
    )
    assert risposta.status_code == 400 and "L'adesione è stata eliminata" in contenuto(risposta)
    assert client_as("aderente2").get(sub(demo.sct, "adesione_riepilogo", adesione.pk)).status_code == 404
    adesione.refresh_from_db()
    assert adesione.stato == Adesione.Stato.ELIMINATA


def test_admin_del_banditore_nasconde_le_eliminate_salvo_filtro(client_as, demo, dati_passo1):
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1())
    invia_web(aderente, adesione)
    decidi(client_as("banditore"), adesione, "reject", comment="Da rifare")
    client_as("aderente").post(sub(demo.sct, "adesione_elimina", adesione.pk))
    aperta = crea_via_web(client_as("aderente"), demo.sct, dati_passo1())

    banditore = client_as("banditore")
    indice = reverse("wagtailsnippets_contratti_adesione:list")
    html = contenuto(banditore.get(indice))
    assert aperta.codice in html and adesione.codice not in html
    filtrato = contenuto(banditore.get(indice + "?stato=eliminata"))
    assert adesione.codice in filtrato and aperta.codice not in filtrato
    scheda = banditore.get(reverse("wagtailsnippets_contratti_adesione:edit", args=(adesione.pk,)))
    assert scheda.status_code == 200 and "Eliminata dall'ente il" in contenuto(scheda)
    # Another contract's banditore: not even with the filter.
    assert adesione.codice not in contenuto(client_as("banditore2").get(indice + "?stato=eliminata"))


def test_elimina_bozza_mai_inviata_cancella_record_documenti_e_file(
    client_as, demo, dati_passo1, conta_archivio, commit
):
    prima = conta_archivio()
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_passo1())
    assert (
        aderente.post(
            sub(demo.sct, "adesione_modifica", adesione.pk),
            dati_passo1(
                **{
                    "doc_manifestazione-interesse": upload(
                        "seconda.pdf", pdf_firmato("manifestazione, seconda versione")
                    )
                }
            ),
        ).status_code
        == 302
    )
    privati = [d.documento for d in adesione.documenti.all()]
    assert len(privati) == 2 and conta_archivio() == (prima[0] + 2, prima[1] + 2)
    with commit():
        risposta = aderente.post(sub(demo.sct, "adesione_elimina", adesione.pk))
    assert risposta.status_code == 302
    assert not Adesione.objects.filter(pk=adesione.pk).exists()
    assert conta_archivio() == prima
    assert not any(p.file.storage.exists(p.file.name) for p in privati)
    voce = VoceAudit.objects.filter(azione="adesione.bozza_eliminata", object_id=str(adesione.pk)).get()
    assert (voce.stato_da, voce.stato_a, voce.dati["conservata"]) == ("bozza", "eliminata", False)
    # No object permission left behind for a record that no longer exists.
    assert not GroupObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Adesione), object_pk=str(adesione.pk)
    ).exists()


def test_elimina_bozza_rifiutata_dopo_l_approvazione_del_round_0_nulla_cambia(
    client_as, demo, dati_ipotesi_b, conta_archivio
):
    """Round 0 approved: "elimina bozza" is no longer offered, and the server refuses it (also with a
    new version of the round 1 document waiting): nothing changes."""
    adesione = _al_round_1_non_approvato(client_as, demo, dati_ipotesi_b)
    aderente = client_as("aderente")
    aderente.post(
        sub(demo.sct, "adesione_documenti", adesione.pk),
        {"doc_data-protection-agreement": upload("dpa-v2.pdf", pdf_firmato("DPA, seconda versione"))},
    )
    prima, archivio, voci = fotografia(adesione), conta_archivio(), voci_per(adesione).count()
    assert "elimina bozza" not in contenuto(aderente.get(sub(demo.sct, "adesione_riepilogo", adesione.pk)))
    risposta = aderente.post(sub(demo.sct, "adesione_elimina", adesione.pk))
    assert risposta.status_code == 400
    assert services.MSG_ROUND_APPROVATO in contenuto(risposta)
    # The confirmation page is not offered either: back to the riepilogo with the reason.
    risposta = aderente.get(sub(demo.sct, "adesione_elimina", adesione.pk), follow=True)
    assert "Confermi l'eliminazione" not in contenuto(risposta) and services.MSG_ROUND_APPROVATO in contenuto(risposta)
    assert (fotografia(adesione), conta_archivio(), voci_per(adesione).count()) == (prima, archivio, voci)


def test_dopo_il_ritiro_di_un_round_1_solo_invia(client_as, demo, dati_ipotesi_b):
    """After "ritira invio adesione" of round 1 the riepilogo offers "invia" again, not "elimina bozza"
    (round 0 is approved); the date of sending is round 0's again and the DPA is "da inviare"."""
    aderente = client_as("aderente")
    adesione = crea_via_web(aderente, demo.sct, dati_ipotesi_b())
    invia_web(aderente, adesione)
    inviata_round_0 = adesione.inviata_il
    decidi(client_as("banditore"), adesione, "approve")
    aderente = client_as("aderente")
    aderente.post(
        sub(demo.sct, "adesione_documenti", adesione.pk), {"doc_data-protection-agreement": upload("dpa.pdf")}
    )
    invia_web(aderente, adesione)
    assert adesione.inviata_il > inviata_round_0
    risposta = aderente.post(sub(demo.sct, "adesione_ritira", adesione.pk), follow=True)
    html = contenuto(risposta)
    assert "INVIA" in html and "elimina bozza" not in html
    adesione.refresh_from_db()
    assert (adesione.stato, adesione.round_corrente, adesione.inviata_il) == (
        Adesione.Stato.ROUND_APPROVATO,
        1,
        inviata_round_0,
    )
    dpa = adesione.documenti.get(round=1)
    assert (dpa.inviato, dpa.inviato_il is not None) == (False, True)
    assert all(d.inviato for d in adesione.documenti.filter(round=0))
    assert (
        "da inviare (invio ritirato)" in html and timezone.localtime(inviata_round_0).strftime("%d/%m/%Y %H:%M") in html
    )
    prima = fotografia(adesione)
    assert aderente.post(sub(demo.sct, "adesione_elimina", adesione.pk)).status_code == 400
    assert fotografia(adesione) == prima
    # Sent again: the DPA is "inviato" with the new date.
    invia_web(aderente, adesione)
    dpa.refresh_from_db()
    assert dpa.inviato and dpa.inviato_il == adesione.inviata_il > inviata_round_0
