"""Helpers of the schede tests: an ordinativo with its derived CIG (through the real pages and the
ANAC simulator), brought to the state a test needs through the ordinativo's own services."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from contratti.models import Ordinativo, Scheda
from contratti.ordinativi import services as servizi_ordinativo
from organizzazioni.models import Incarico, Profilo
from organizzazioni.services import assegna_incarico
from tests.ordinativi.aiuti import (
    RUP_FIRENZE,
    adesione_approvata,
    aggiungi_righe,
    crea_ordinativo,
    spid,
    sub,
    task_state,
    upload,
)

__all__ = [
    "DATI_SC1", "RUP_FIRENZE", "buyer_firenze", "crea_scheda", "ordinativo_con_cig", "ordinativo_senza_cig",
    "porta_a", "spid", "sub",
]

DATI_SC1 = {
    "data_stipula": "2026-10-05",
    "data_decorrenza": "2026-10-05",
    "data_scadenza": "2027-10-04",
    "importo_cauzione": "0,00",
}


def ordinativo_senza_cig(client, demo):
    """An ordinativo in bozza (Richiedi CIG done, Conferma appalto not yet)."""
    client.force_login(demo.user("aderente"))
    ordinativo = crea_ordinativo(client, demo, adesione_approvata(demo))
    aggiungi_righe(client, demo, ordinativo, [("Servizio IaaS", "33,33", "3")])
    return ordinativo


def ordinativo_con_cig(client, demo, commit, stato=Ordinativo.Stato.CIG_ACQUISITO):
    """An ordinativo whose derived CIG was issued by the simulator (Conferma appalto + Acquisisci CIG
    by the RUP with simulated SPID), then ``porta_a(stato)``. The client stays logged in as the RUP
    with strong authentication."""
    ordinativo = ordinativo_senza_cig(client, demo)
    assert client.post(sub(demo.sct, "ordinativo_azione", ordinativo.pk, "documenti"), {"doc_atto-adesione": upload()}).status_code == 302
    spid(client, demo)
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_conferma_appalto", ordinativo.pk)).status_code == 302
    with commit():
        assert client.post(sub(demo.sct, "ordinativo_acquisisci_cig", ordinativo.pk)).status_code == 302
    ordinativo.refresh_from_db()
    assert ordinativo.stato == Ordinativo.Stato.CIG_ACQUISITO and len(ordinativo.cig_derivato) == 10, ordinativo.errore_anac
    return porta_a(ordinativo, demo, stato)


def porta_a(ordinativo, demo, stato):
    """From CIG acquisito to inviato / approvato / rifiutato, with the ordinativo's services."""
    if stato == Ordinativo.Stato.CIG_ACQUISITO:
        return ordinativo
    from documenti.firma_prova import firma_pades

    aderente, banditore = demo.user("aderente"), demo.user("banditore")
    pdf = servizi_ordinativo.scheda_sintesi(ordinativo)
    firmata = firma_pades(pdf, nome="Laura Bianchi", codice_fiscale=RUP_FIRENZE)
    servizi_ordinativo.carica_scheda_firmata(ordinativo, utente=aderente, upload=SimpleUploadedFile("scheda.pdf", firmata, "application/pdf"))
    servizi_ordinativo.invia(ordinativo, utente=aderente)
    if stato == Ordinativo.Stato.APPROVATO:
        servizi_ordinativo.approva(ordinativo, utente=banditore, task_state=task_state(ordinativo))
    elif stato == Ordinativo.Stato.RIFIUTATO:
        servizi_ordinativo.rifiuta(ordinativo, utente=banditore, task_state=task_state(ordinativo), motivo="Importo da rivedere")
    ordinativo.refresh_from_db()
    assert ordinativo.stato == stato
    return ordinativo


def crea_scheda(client, demo, ordinativo, tipo, **dati):
    """"Crea nuova scheda" → "salva e procedi" through the page; returns the new Scheda."""
    if tipo == "SC1":
        dati = {**DATI_SC1, **dati}
    risposta = client.post(sub(demo.sct, "scheda_nuova", ordinativo.pk, tipo.lower()), {"cig": ordinativo.cig_derivato, **dati})
    assert risposta.status_code == 302, risposta.content.decode()[:3000]
    return Scheda.objects.filter(ordinativo=ordinativo).latest("pk")


def buyer_firenze(demo):
    """A Responsabile/Buyer of the Comune di Firenze who is not its RUP."""
    user, _ = get_user_model().objects.get_or_create(username="buyer", defaults={"first_name": "Bruno", "last_name": "Buyer"})
    Profilo.objects.update_or_create(user=user, defaults={"codice_fiscale": "BYRBRN80A01D612X"})
    assegna_incarico(user, demo.firenze, Incarico.Ruolo.RESPONSABILE)
    return user
