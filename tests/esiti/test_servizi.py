import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from audit.services import voci_per
from esiti import services
from esiti.models import Esito

pytestmark = pytest.mark.django_db


def test_la_bozza_e_precompilata_dal_contratto(demo, fabbrica):
    esito = fabbrica.bozza(cig="a1b2c3d4e5")
    assert esito.stato == Esito.Stato.BOZZA
    assert esito.cig == "A1B2C3D4E5"
    assert esito.cig_accordo_quadro == "7154112FF8"
    assert esito.ente_codice_fiscale == "01307110484"
    assert esito.ente_denominazione == "Comune di Firenze"
    assert esito.aggiudicatario_codice_fiscale == "00488410010"
    assert esito.ocid == "ocds-sctne1-A1B2C3D4E5"
    membri = [(p.ragione_sociale, p.codice_fiscale, p.ruolo) for p in esito.partecipanti.all()]
    assert membri == [
        ("Telecom Italia S.p.A.", "00488410010", "mandataria"),
        ("Cloud Toscana Servizi S.r.l.", "05724831002", "mandante"),
        ("Dati e Reti Toscane S.r.l.", "01234567897", "mandante"),
    ]
    assert [v.azione for v in voci_per(esito)] == ["esito.bozza_creata"]


def test_fornitore_singolo_e_un_solo_partecipante_senza_ruolo(demo, fabbrica):
    esito = fabbrica.bozza(contratto=demo.secondo)
    assert [(p.ragione_sociale, p.ruolo) for p in esito.partecipanti.all()] == [("Connettività Toscana S.p.A.", "")]
    assert esito.cig_accordo_quadro == "9A1B2C3D4E"


def test_oggetto_troppo_lungo_e_troncato_a_250(demo, fabbrica):
    assert len(fabbrica.bozza(oggetto="parola " * 100).oggetto) == 250


def test_crea_bozza_e_idempotente_per_il_record_di_origine(demo):
    ordinativo = Group.objects.create(name="ordinativo di prova")  # stand-in for the lead's Ordinativo
    prima = services.crea_bozza(
        contratto=demo.sct,
        ente=demo.firenze,
        utente=demo.user("aderente"),
        riferimento=ordinativo,
        cig="R000000001",
        oggetto="Primo",
    )
    seconda = services.crea_bozza(
        contratto=demo.sct,
        ente=demo.firenze,
        utente=demo.user("aderente"),
        riferimento=ordinativo,
        cig="R000000001",
        oggetto="Secondo",
    )
    assert seconda.pk == prima.pk
    assert services.esito_di(ordinativo).pk == prima.pk
    assert Esito.objects.get(pk=prima.pk).riferimento == ordinativo


def test_crea_bozza_rifiuta_campi_sconosciuti_e_cig_non_validi(demo):
    with pytest.raises(TypeError):
        services.crea_bozza(contratto=demo.sct, ente=demo.firenze, utente=None, colore="blu")
    with pytest.raises(ValidationError) as exc:
        services.crea_bozza(contratto=demo.sct, ente=demo.firenze, utente=None, cig="corto")
    assert "10 caratteri" in str(exc.value)


def test_pubblica_chiede_i_dati_mancanti_in_italiano(demo, fabbrica):
    esito = fabbrica.bozza(importo_aggiudicazione=None)
    with pytest.raises(ValidationError) as exc:
        services.pubblica(esito, utente=demo.user("aderente"))
    errori = exc.value.message_dict
    assert errori["data_aggiudicazione"] == ["Indica la data di aggiudicazione."]
    assert "tempi di completamento" in errori["data_inizio"][0]
    assert "tempi di completamento" in errori["data_ultimazione"][0]
    assert errori["importo_aggiudicazione"] == ["L'importo di aggiudicazione è obbligatorio."]
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.BOZZA


def test_date_incoerenti_impediscono_la_pubblicazione(demo, fabbrica):
    esito = fabbrica.bozza(
        data_aggiudicazione=datetime.date.today() + datetime.timedelta(days=3),
        data_inizio=datetime.date(2025, 5, 1),
        data_ultimazione=datetime.date(2025, 4, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.pubblica(esito, utente=demo.user("aderente"))
    assert "successiva a oggi" in exc.value.message_dict["data_aggiudicazione"][0]
    assert "precedere" in exc.value.message_dict["data_ultimazione"][0]


def test_solo_gli_utenti_dell_ente_pubblicano(demo, fabbrica):
    esito = fabbrica.bozza(
        data_aggiudicazione=datetime.date(2025, 1, 1),
        data_inizio=datetime.date(2025, 1, 2),
        data_ultimazione=datetime.date(2025, 12, 31),
    )
    for estraneo in ("aderente2", "banditore", "editor"):
        with pytest.raises(PermissionDenied):
            services.pubblica(esito, utente=demo.user(estraneo))
    services.pubblica(esito, utente=demo.user("aderente"))
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.PUBBLICATO
    assert esito.pubblicato_da == demo.user("aderente")
    assert esito.pubblicato_il is not None
    assert [v.azione for v in voci_per(esito)][-1] == "esito.pubblicato"


def test_un_cig_e_pubblicato_una_volta_sola(demo, fabbrica):
    fabbrica.pubblicato(cig="D000000001")
    doppione = fabbrica.bozza(
        cig="D000000001",
        data_aggiudicazione=datetime.date(2025, 1, 1),
        data_inizio=datetime.date(2025, 1, 2),
        data_ultimazione=datetime.date(2025, 12, 31),
    )
    with pytest.raises(ValidationError) as exc:
        services.pubblica(doppione, utente=demo.user("aderente"))
    assert "Esiste già un esito pubblicato con il CIG D000000001" in exc.value.message_dict["cig"][0]


def test_non_si_pubblica_due_volte(demo, fabbrica):
    esito = fabbrica.pubblicato()
    with pytest.raises(ValidationError, match="già stato pubblicato"):
        services.pubblica(esito, utente=demo.user("aderente"))


def test_ritiro_del_banditore_con_motivo(demo, fabbrica):
    esito = fabbrica.pubblicato()
    services.ritira(esito, utente=demo.user("banditore"), motivo="  Pubblicato per errore  ")
    assert esito.stato == Esito.Stato.RITIRATO
    assert esito.ritirato_motivo == "Pubblicato per errore"
    assert esito.ritirato_da == demo.user("banditore")
    voce = voci_per(esito).get(azione="esito.ritirato")
    assert voce.motivo == "Pubblicato per errore"
    assert (voce.stato_da, voce.stato_a) == ("pubblicato", "ritirato")
    assert Esito.objects.filter(pk=esito.pk).exists()  # nothing deleted


def test_ritiro_della_redazione(demo, fabbrica):
    esito = fabbrica.pubblicato(contratto=demo.secondo)
    services.ritira(esito, utente=demo.user("editor"), motivo="Dati errati")
    assert esito.stato == Esito.Stato.RITIRATO


@pytest.mark.parametrize("utente", ["banditore2", "aderente", "aderente2", "oe"])
def test_ritiro_rifiutato_a_chi_non_e_banditore_del_contratto(demo, fabbrica, utente):
    esito = fabbrica.pubblicato()
    with pytest.raises(PermissionDenied):
        services.ritira(esito, utente=demo.user(utente), motivo="Non posso")
    esito.refresh_from_db()
    assert esito.stato == Esito.Stato.PUBBLICATO


def test_ritiro_richiede_il_motivo_e_un_esito_pubblicato(demo, fabbrica):
    esito = fabbrica.pubblicato()
    with pytest.raises(ValidationError) as exc:
        services.ritira(esito, utente=demo.user("banditore"), motivo="   ")
    assert exc.value.message_dict["motivo"] == ["Il motivo del ritiro è obbligatorio."]
    bozza = fabbrica.bozza()
    with pytest.raises(ValidationError, match="Solo un esito pubblicato"):
        services.ritira(bozza, utente=demo.user("banditore"), motivo="x")


def test_annullamento_lascia_visibile_l_esito(demo, fabbrica):
    ordinativo = Group.objects.create(name="ordinativo annullato")
    esito = services.crea_bozza(
        contratto=demo.sct,
        ente=demo.firenze,
        utente=demo.user("aderente"),
        riferimento=ordinativo,
        cig="N000000001",
        importo_aggiudicazione=Decimal("10.00"),
        data_aggiudicazione=datetime.date(2025, 1, 1),
        data_inizio=datetime.date(2025, 1, 2),
        data_ultimazione=datetime.date(2025, 12, 31),
    )
    services.pubblica(esito, utente=demo.user("aderente"))
    [annullato] = services.segna_annullato_per(ordinativo)
    assert annullato.annullato and annullato.annullato_il
    assert annullato.stato == Esito.Stato.PUBBLICATO
    assert Esito.objects.visibili().filter(pk=esito.pk).exists()
    assert not Esito.objects.in_vigore().filter(pk=esito.pk).exists()
    services.segna_annullato(annullato)  # idempotent: one audit entry
    assert voci_per(esito).filter(azione="esito.annullato").count() == 1


def test_bozza_annullata_non_si_pubblica(demo, fabbrica):
    esito = fabbrica.bozza(
        data_aggiudicazione=datetime.date(2025, 1, 1),
        data_inizio=datetime.date(2025, 1, 2),
        data_ultimazione=datetime.date(2025, 12, 31),
    )
    services.segna_annullato(esito)
    with pytest.raises(ValidationError, match="annullato con una scheda ANN"):
        services.pubblica(esito, utente=demo.user("aderente"))
