"""Every access to a private document is recorded (``documento.scaricato``: who, when, from where,
which document), one test per kind of download address; a refused download records nothing. The
matrix checks the same rule on every address that serves a private file (``esito.file_privato``)."""

import pytest
from django.urls import reverse

from audit.models import VoceAudit

from .esecuzione import chiudi, client_per

pytestmark = pytest.mark.django_db


def _sub(contratto, nome, *args):
    return contratto.url + contratto.reverse_subpage(nome, args=args)


DOWNLOAD = {
    "documento dell'adesione": (
        lambda d: _sub(d.sct, "adesione_documento", d.adesione_inviata.pk, d.doc_adesione_inviata.pk),
        lambda d: d.doc_adesione_inviata.documento,
        ("aderente", "banditore"),
    ),
    "documento dell'ordinativo": (
        lambda d: _sub(d.sct, "ordinativo_documento", d.ordinativo_approvato.pk, d.doc_ordinativo_approvato.pk),
        lambda d: d.doc_ordinativo_approvato.documento,
        ("aderente", "banditore", "oe"),
    ),
    "scheda di sintesi firmata dell'ordinativo": (
        lambda d: _sub(d.sct, "ordinativo_documento", d.ordinativo_approvato.pk, 0),
        lambda d: d.ordinativo_approvato.scheda_firmata,
        ("aderente", "banditore", "oe"),
    ),
    "allegato di una comunicazione": (
        lambda d: reverse("comunicazioni:allegato", args=[d.allegato.pk]),
        lambda d: d.allegato.documento,
        ("aderente", "banditore"),
    ),
}


def _voci(documento):
    return VoceAudit.objects.filter(
        azione="documento.scaricato", content_type__model="documentoprivato", object_id=str(documento.pk)
    )


@pytest.mark.parametrize("tipo", list(DOWNLOAD))
def test_download_registrato(dati_matrice, tipo):
    url, documento, ruoli = DOWNLOAD[tipo]
    d = dati_matrice
    doc = documento(d)
    for ruolo in ruoli:
        prima = _voci(doc).count()
        risposta = client_per(ruolo, d).get(url(d), REMOTE_ADDR="192.0.2.7")
        assert risposta.status_code == 200, (ruolo, risposta.status_code)
        assert risposta["Content-Disposition"].startswith("attachment")
        chiudi(risposta)
        assert _voci(doc).count() == prima + 1, ruolo
        voce = _voci(doc).latest("pk")
        assert (voce.utente, voce.ip, voce.oggetto_repr) == (d.utenti[ruolo], "192.0.2.7", doc.nome_originale)
    html = client_per("banditore", d).get(reverse("audit:contratto", args=[d.sct.pk]) + "?azione=documento.scaricato")
    assert html.content.decode().count(doc.nome_originale) >= len(ruoli), "i download sono nel registro del contratto"


@pytest.mark.parametrize("tipo", list(DOWNLOAD))
def test_download_rifiutato_non_registra(dati_matrice, tipo):
    url, documento, ruoli = DOWNLOAD[tipo]
    d = dati_matrice
    doc = documento(d)
    for ruolo in ("anonimo", "aderente2", "oe2", "banditore2", "editor"):
        risposta = client_per(ruolo, d).get(url(d))
        assert risposta.status_code in (302, 404), (ruolo, risposta.status_code)
        assert not _voci(doc).exists(), ruolo


def test_pacchetto_firmato_registrato(dati_matrice):
    d = dati_matrice
    risposta = client_per("aderente", d).get(_sub(d.sct, "ordinativo_pacchetto", d.ordinativo_approvato.pk))
    assert risposta.status_code == 200
    chiudi(risposta)
    assert VoceAudit.objects.filter(
        azione="ordinativo.pacchetto_scaricato", object_id=str(d.ordinativo_approvato.pk), utente=d.utenti["aderente"]
    ).exists()


def test_scheda_di_sintesi_generata_registrata(dati_matrice):
    d = dati_matrice
    generata = d.ordinativo_approvato.scheda_generata
    risposta = client_per("oe", d).get(_sub(d.sct, "ordinativo_scheda", d.ordinativo_approvato.pk))
    assert risposta.status_code == 200
    assert _voci(generata).filter(utente=d.utenti["oe"]).exists()
