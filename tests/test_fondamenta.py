import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents import get_document_model

from contratti.models import ContrattoPage, UtenteAbilitato
from contratti.permessi import e_aggiudicatario, e_banditore
from contratti.services import sincronizza_utenti_abilitati
from documentazione.models import DocumentazionePage
from organizzazioni.models import Ente, Incarico, MembroRTI, OperatoreEconomico
from organizzazioni.validators import valida_codice_fiscale

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def _conteggi():
    from django.contrib.auth import get_user_model

    return {
        "enti": Ente.objects.count(),
        "operatori": OperatoreEconomico.objects.count(),
        "membri": MembroRTI.objects.count(),
        "utenti": get_user_model().objects.count(),
        "incarichi": Incarico.objects.count(),
        "contratti": ContrattoPage.objects.count(),
        "documenti": get_document_model().objects.count(),
        "pagine_doc": DocumentazionePage.objects.count(),
        "gruppi": Group.objects.count(),
    }


def test_load_demo_due_volte_stessi_conteggi(demo):
    prima = _conteggi()
    call_command("load_demo")
    call_command("load_demo")
    assert _conteggi() == prima
    assert prima["contratti"] == 2 and prima["utenti"] == 7 and prima["documenti"] == 9


def test_demo_come_da_manuale(demo):
    sct = demo.sct
    assert (sct.cig, sct.cup) == ("7154112FF8", "D11B17000180002")
    assert sct.banditore.denominazione == "Regione Toscana"
    assert sct.aggiudicatario.pec == "SCT.Toscana@pec.telecomitalia.it"
    assert sct.data_decorrenza.isoformat() == "2024-10-03"
    assert sct.numero_round == 2
    assert sct.aggiudicatario.mandataria.ragione_sociale == "Telecom Italia S.p.A."


@override_settings(SCT_ENVIRONMENT="production")
def test_load_demo_rifiutato_in_produzione(db):
    with pytest.raises(CommandError, match="produzione"):
        call_command("load_demo")


def _avvia_produzione(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "sct_site.settings.production", **env_extra})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "messaggio"),
    [
        ({"ALLOWED_HOSTS": "sct.example.it"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "corta", "ALLOWED_HOSTS": "sct.example.it"}, "SECRET_KEY"),
    ],
)
def test_produzione_rifiuta_di_partire_senza_configurazione(env, messaggio):
    risultato = _avvia_produzione(env)
    assert risultato.returncode != 0
    assert "ImproperlyConfigured" in risultato.stderr and messaggio in risultato.stderr


def test_produzione_parte_con_la_configurazione():
    risultato = _avvia_produzione({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "sct.example.it"})
    assert risultato.returncode == 0, risultato.stderr


def test_login_logout(client, demo):
    risposta = client.post("/account/accedi/", {"username": "aderente", "password": "sbagliata"})
    assert risposta.status_code == 200
    assert "Nome utente o password non corretti" in risposta.content.decode()
    risposta = client.post("/account/accedi/", {"username": "aderente", "password": "demo-sct-2025"})
    assert risposta.status_code == 302 and risposta.url == "/area-riservata/"
    assert client.get("/area-riservata/").status_code == 200
    client.post("/account/esci/")
    risposta = client.get("/area-riservata/")
    assert risposta.status_code == 302 and risposta.url.startswith("/account/accedi/")


def test_reimpostazione_password_via_email(client, demo):
    risposta = client.post("/account/password/reimposta/", {"email": "laura.bianchi@comune.firenze.example"})
    assert risposta.status_code == 302
    assert len(mail.outbox) == 1
    messaggio = mail.outbox[0]
    assert messaggio.to == ["laura.bianchi@comune.firenze.example"]
    link = next(riga for riga in messaggio.body.splitlines() if "/account/password/reimposta/" in riga)
    percorso = link.split("testserver", 1)[1]
    risposta = client.get(percorso, follow=True)
    form_url = risposta.redirect_chain[-1][0]
    risposta = client.post(
        form_url, {"new_password1": "Una-nuova-password-2026", "new_password2": "Una-nuova-password-2026"}
    )
    assert risposta.status_code == 302
    assert client.login(username="aderente", password="Una-nuova-password-2026")


@pytest.mark.parametrize(
    ("username", "presente", "assente"),
    [
        ("aderente", "Contratti a cui il tuo ente può aderire", "Contratti che gestisci come banditore"),
        ("banditore", "Contratti che gestisci come banditore", "Contratti di cui sei aggiudicatario"),
        ("oe", "Contratti di cui sei aggiudicatario", "Contratti a cui il tuo ente può aderire"),
    ],
)
def test_area_riservata_per_ruolo(client_as, username, presente, assente):
    html = client_as(username).get("/area-riservata/").content.decode()
    assert presente in html
    assert assente not in html


def test_area_riservata_aderente_i_contratti_attivi_piu_vicini_alla_scadenza(client_as, demo):
    import datetime

    from tests.factories import crea_contratto

    for giorni in range(12):
        crea_contratto(
            title=f"Attivo {giorni:02d}", data_scadenza=datetime.date(2030, 1, 1) + datetime.timedelta(days=giorni)
        )
    crea_contratto(title="Scaduto da tempo", data_scadenza=datetime.date(2020, 1, 1))
    risposta = client_as("aderente").get("/area-riservata/")
    sezioni = risposta.context["sezioni"]
    elencati = [c.title for c in sezioni["contratti_aderibili"]]
    assert len(elencati) == 10 and "Scaduto da tempo" not in elencati
    scadenze = [c.data_scadenza for c in sezioni["contratti_aderibili"] if c.data_scadenza]
    assert scadenze == sorted(scadenze)
    attivi = ContrattoPage.objects.live().exclude(data_scadenza__lt=datetime.date.today()).count()
    assert sezioni["contratti_aderibili_totale"] == attivi > 10
    html = risposta.content.decode()
    assert f"su {attivi} contratti attivi" in html and 'href="/contratti/?stato=attivo&amp;ordina=scadenza"' in html


def test_area_riservata_banditore_vede_solo_i_suoi_contratti(client_as, demo):
    risposta = client_as("banditore").get("/area-riservata/")
    assert [c.slug for c in risposta.context["sezioni"]["contratti_banditore"]] == ["sistema-cloud-toscana"]
    risposta = client_as("banditore2").get("/area-riservata/")
    assert [c.slug for c in risposta.context["sezioni"]["contratti_banditore"]] == ["servizi-di-connettivita-rtrt"]


def test_permessi_banditore_per_oggetto(demo):
    sct, secondo = demo.sct, demo.secondo
    banditore, banditore2 = demo.user("banditore"), demo.user("banditore2")
    assert e_banditore(banditore, sct) and not e_banditore(banditore, secondo)
    assert e_banditore(banditore2, secondo) and not e_banditore(banditore2, sct)
    for altro in ("aderente", "oe", "editor"):
        assert not e_banditore(demo.user(altro), sct)


def test_utenti_abilitati_sincronizzati_alla_pubblicazione(demo):
    sct = demo.sct
    banditore, banditore2 = demo.user("banditore"), demo.user("banditore2")
    sct.utenti_abilitati = [UtenteAbilitato(user=banditore2, ruolo=UtenteAbilitato.Ruolo.RUP)]
    sct.save_revision().publish()
    sct = ContrattoPage.objects.get(pk=sct.pk)
    banditore, banditore2 = demo.user("banditore"), demo.user("banditore2")
    assert e_banditore(banditore2, sct)
    assert not e_banditore(banditore, sct)
    sincronizza_utenti_abilitati(sct)
    assert not e_banditore(demo.user("banditore"), sct)


def test_aggiudicatario(demo):
    assert e_aggiudicatario(demo.user("oe"), demo.sct)
    assert not e_aggiudicatario(demo.user("oe2"), demo.sct)
    assert not e_aggiudicatario(demo.user("aderente"), demo.sct)


@pytest.mark.parametrize("cf", ["01386030488", "RSSMRA80A01D612Y"])
def test_codice_fiscale_valido(cf):
    valida_codice_fiscale(cf)


@pytest.mark.parametrize("cf", ["01386030487", "RSSMRA80A01D612X", "ABC", "", "0138603048"])
def test_codice_fiscale_non_valido(cf):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        valida_codice_fiscale(cf)


def test_editor_accede_all_admin_e_aderente_no(client_as):
    assert client_as("editor").get("/admin/").status_code == 200
    risposta = client_as("aderente").get("/admin/")
    assert risposta.status_code == 302


def test_con_redis_le_cache_sono_quelle_che_non_bloccano():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sct_site.settings.production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "sct.example.it",
            "REDIS_URL": "redis://127.0.0.1:1/2",
        }
    )
    codice = (
        "import django; django.setup(); from django.conf import settings; "
        "print(*(c['BACKEND'] + ' ' + str(c['OPTIONS']['socket_timeout']) for c in settings.CACHES.values()))"
    )
    risultato = subprocess.run([sys.executable, "-c", codice], cwd=ROOT, env=env, capture_output=True, text=True)
    assert risultato.returncode == 0, risultato.stderr
    assert risultato.stdout.split() == ["sct_site.cache.backend.RedisCacheTollerante", "0.5"] * 2


@pytest.mark.django_db
def test_comando_health_check_senza_http(capsys):
    with pytest.raises(SystemExit) as uscita:
        call_command("health_check", "health", "--no-http")
    assert uscita.value.code == 0, capsys.readouterr().out
    assert "CacheScrivibile(alias='pagine'): OK" in capsys.readouterr().out


def _del_progetto(modulo):
    radice = modulo.split(".")[0]
    return any(
        app.name.split(".")[0] == radice
        and Path(app.path).is_relative_to(ROOT)
        and "site-packages" not in Path(app.path).parts
        for app in apps.get_app_configs()
    )


def _percorsi(risolutore, prefisso=""):
    """The project's URL patterns (Wagtail's, Django's and the admin views Wagtail builds for our
    viewsets are left out)."""
    for voce in risolutore.url_patterns:
        testo = prefisso + str(voce.pattern)
        if isinstance(voce, URLResolver):
            yield from _percorsi(voce, testo)
        elif isinstance(voce, URLPattern):
            vista = getattr(voce.callback, "view_class", voce.callback)
            if _del_progetto(vista.__module__) and not testo.startswith("admin/"):
                yield testo


def test_nessun_int_negli_url_e_nelle_route():
    percorsi = list(_percorsi(get_resolver()))
    assert "comunicazioni/contratto/<id:page_id>/scrivi/" in percorsi
    for modello in apps.get_models():
        if issubclass(modello, RoutablePageMixin) and _del_progetto(modello.__module__):
            percorsi += [f"{modello.__name__}:{p.pattern}" for p in modello.get_subpage_urls()]
    assert any("<id:" in p for p in percorsi)
    assert [p for p in percorsi if "<int:" in p] == []


TROPPO_GRANDE = "9223372036854775808"  # 2**63: SQLite non lo rappresenta


@pytest.mark.parametrize(
    "username, url",
    [
        ("banditore", f"/audit/contratto/{TROPPO_GRANDE}/"),
        ("aderente", f"/comunicazioni/contratto/{TROPPO_GRANDE}/"),
        ("aderente", f"/comunicazioni/contratto/{TROPPO_GRANDE}/scrivi/"),
        ("aderente", f"/comunicazioni/messaggio/{TROPPO_GRANDE}/"),
        ("aderente", f"/comunicazioni/allegato/{'9' * 19}/"),
        ("aderente", f"/comunicazioni/messaggio/{'1' * 40}/"),
        ("aderente", f"/aggiudicazioni-e-affidamenti/{TROPPO_GRANDE}/"),
        ("aderente", f"/aggiudicazioni-e-affidamenti/{TROPPO_GRANDE}/pubblica/"),
        ("aderente", f"/contratti/sistema-cloud-toscana/adesioni/{TROPPO_GRANDE}/"),
        ("aderente", f"/contratti/sistema-cloud-toscana/ordinativi/{TROPPO_GRANDE}/"),
        ("aderente", f"/contratti/sistema-cloud-toscana/ordinativi/1/schede/{TROPPO_GRANDE}/"),
    ],
)
def test_id_oltre_i_64_bit_danno_404(client_as, username, url):
    client = client_as(username)
    assert client.get(url).status_code == 404
    assert client.post(url, {"testo": "x"}).status_code == 404


def test_id_al_limite_dei_64_bit_arriva_alla_vista_e_da_404(client_as):
    client = client_as("aderente")
    assert client.get(f"/comunicazioni/contratto/{2**63 - 1}/").status_code == 404


URL_NUOVO_INCARICO = "/admin/snippets/organizzazioni/incarico/add/"


@pytest.mark.parametrize(
    "campo, valore, messaggio",
    [
        ("ente", "abc", "Ente non valido"),
        ("ente", "1; DROP TABLE x", "Ente non valido"),
        ("ente", str(2**63), "Ente non valido"),
        ("operatore", "abc", "Operatore economico non valido"),
        ("operatore", "-1", "Operatore economico non valido"),
        ("user", "abc", "Utente non valido"),
    ],
)
def test_admin_incarico_con_scelta_non_numerica(client_as, demo, campo, valore, messaggio):
    client = client_as("editor")
    assert client.get(URL_NUOVO_INCARICO).status_code == 200
    prima = Incarico.objects.count()
    dati = {"user": demo.user("oe2").pk, "ruolo": "rup", "ente": "", "operatore": "", campo: valore}
    risposta = client.post(URL_NUOVO_INCARICO, dati)
    assert risposta.status_code == 200
    assert messaggio in risposta.content.decode()
    assert Incarico.objects.count() == prima


def test_admin_incarico_valido_salvato(client_as, demo):
    client = client_as("editor")
    dati = {"user": demo.user("oe2").pk, "ruolo": "rup", "ente": demo.prato.pk, "operatore": ""}
    risposta = client.post(URL_NUOVO_INCARICO, dati)
    assert risposta.status_code == 302
    assert Incarico.objects.filter(user=demo.user("oe2"), ente=demo.prato, ruolo="rup").exists()


@pytest.mark.parametrize(
    "campo, valore, messaggio",
    [
        ("importo_massimale", "1_000", "Inserisci un importo valido"),
        ("importo_massimale", "١٢٣", "Inserisci un importo valido"),
        ("importo_massimale", " 12 34 ", "Inserisci un importo valido"),
        ("data_scadenza", "9999-12-31", "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100."),
        ("data_stipula", "0001-01-01", "La data deve essere compresa tra il 01/01/2000 e il 31/12/2100."),
    ],
)
def test_admin_del_contratto_usa_importo_e_data_del_sito(client_as, demo, campo, valore, messaggio):
    client = client_as("editor")
    pagina = client.get(f"/admin/pages/{demo.sct.pk}/edit/")
    assert pagina.status_code == 200
    form = pagina.context["form"]
    dati = {campo: valore}
    campo_form = form.fields[campo]
    with pytest.raises(ValidationError) as errore:
        campo_form.clean(dati[campo])
    assert messaggio in errore.value.messages[0]
    assert campo_form.clean("150.000.000,00" if campo == "importo_massimale" else "2026-12-31") is not None


URL_NUOVO_ENTE = "/admin/snippets/organizzazioni/ente/add/"
ENTE_VALIDO = {
    "denominazione": "Comune di Prova",
    "codice_fiscale": "00409920584",
    "pec": "prova@pec.example",
    "indirizzo": "",
    "codice_istat": "048017",
    "codice_nuts": "ITI14",
}


@pytest.mark.parametrize(
    "campo, valore, messaggio",
    [
        ("codice_istat", "%_%\\", "Il codice ISTAT ha 6 cifre."),
        ("codice_istat", "٠٤٨٠١٧", "Il codice ISTAT ha 6 cifre."),
        ("codice_nuts", "%_%\\", "Codice NUTS italiano non valido"),
        ("codice_nuts", "IT<b>", "Codice NUTS italiano non valido"),
    ],
)
def test_admin_ente_codici_istat_e_nuts(client_as, campo, valore, messaggio):
    client = client_as("editor")
    prima = Ente.objects.count()
    risposta = client.post(URL_NUOVO_ENTE, {**ENTE_VALIDO, campo: valore})
    assert risposta.status_code == 200 and messaggio in risposta.content.decode()
    assert Ente.objects.count() == prima
    assert client.post(URL_NUOVO_ENTE, ENTE_VALIDO).status_code == 302
    assert Ente.objects.filter(codice_fiscale="00409920584", codice_istat="048017", codice_nuts="ITI14").exists()
