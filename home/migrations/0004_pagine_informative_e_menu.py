"""The privacy notice, note legali and cookie pages under the home, the footer's settings linked to
them, and the main menu as it was written in the template (issue 15). Editors change all of it in
the admin: Impostazioni › "Dati del sito e piè di pagina" and "Menu principale"."""

from django.db import migrations

PRIVACY = """<h2>Titolare del trattamento</h2>
<p>Titolare del trattamento dei dati personali raccolti da questo sito è l'ente indicato nel piè di pagina,
che gestisce il Negozio Elettronico dell'Accordo Quadro Sistema Cloud Toscana. Il Responsabile della protezione
dei dati (RPD) è raggiungibile ai recapiti pubblicati sul sito istituzionale dell'ente.</p>
<h2>Quali dati trattiamo</h2>
<ul>
<li><b>Visitatori delle pagine pubbliche</b>: nessun dato personale oltre a quelli tecnici necessari a erogare il
servizio (indirizzo IP e orario della richiesta nei registri del server, conservati per la sicurezza del sistema).</li>
<li><b>Accesso con SPID o CIE</b>: dall'identità digitale riceviamo nome, cognome, codice fiscale, indirizzo e-mail
e il livello di autenticazione usato (SPID livello 1, 2 o 3; CIE). Conserviamo nome, cognome, codice fiscale ed
e-mail nel profilo dell'utente; il livello e l'ora dell'autenticazione solo nella sessione, per verificare che le
operazioni che lo richiedono (ad esempio la richiesta del CIG) siano fatte con un'autenticazione forte. Non
riceviamo né conserviamo le credenziali SPID o CIE.</li>
<li><b>Operazioni nel Negozio Elettronico</b>: documenti caricati, firme digitali (con il nome e il codice fiscale
del firmatario), comunicazioni e registro delle operazioni (chi ha fatto cosa e quando).</li>
</ul>
<h2>Finalità e base giuridica</h2>
<p>I dati sono trattati per gestire le adesioni, gli ordinativi di fornitura e la pubblicazione degli esiti
dell'Accordo Quadro, per l'esecuzione di un compito di interesse pubblico e per l'adempimento di obblighi di legge
(art. 6, par. 1, lett. c ed e, del Regolamento UE 2016/679; D.Lgs. 36/2023, Codice dei contratti pubblici).</p>
<h2>Destinatari</h2>
<p>I dati dell'appalto e il codice fiscale del RUP sono trasmessi ad ANAC (Piattaforma Contratti Pubblici) per
l'acquisizione del CIG e la pubblicazione nella Banca Dati Nazionale dei Contratti Pubblici. Gli esiti sono
pubblicati in questo sito come dati aperti, senza dati personali oltre a quelli previsti dalla legge.</p>
<h2>Conservazione</h2>
<p>I documenti e il registro delle operazioni sono conservati per il tempo previsto dalla normativa
sugli appalti pubblici e sulla conservazione dei documenti amministrativi; il profilo dell'utente finché l'utente
è abilitato a operare per un ente o un operatore economico.</p>
<h2>Diritti dell'interessato</h2>
<p>L'interessato può chiedere l'accesso ai propri dati, la rettifica, la limitazione o opporsi al trattamento
(artt. 15–22 del Regolamento UE 2016/679) scrivendo al titolare o al RPD, e ha il diritto di proporre reclamo al
Garante per la protezione dei dati personali (www.garanteprivacy.it).</p>"""

NOTE_LEGALI = """<h2>Contenuti del sito</h2>
<p>I contenuti di questo sito sono pubblicati dall'ente titolare indicato nel piè di pagina. I dati sugli esiti
(aggiudicazioni e affidamenti) sono pubblicati come dati aperti con licenza Creative Commons Attribuzione 4.0
(CC BY 4.0): si possono riutilizzare citando la fonte.</p>
<h2>Pubblicità legale</h2>
<p>Dal 1° gennaio 2024 la pubblicità legale dei dati dei contratti pubblici si assolve con la Banca Dati Nazionale
dei Contratti Pubblici di ANAC; i dati pubblicati in questo sito la integrano e non la sostituiscono.</p>
<h2>Collegamenti esterni</h2>
<p>L'ente non risponde dei contenuti dei siti esterni raggiungibili da questo sito.</p>"""

COOKIE = """<h2>Solo cookie tecnici</h2>
<p>Questo sito usa soltanto cookie tecnici, necessari al suo funzionamento; non usa cookie di profilazione né
strumenti di analisi di terze parti. Per questo non chiede un consenso (Garante per la protezione dei dati
personali, Linee guida cookie e altri strumenti di tracciamento, 10 giugno 2021).</p>
<ul>
<li><b>sessionid</b>: mantiene l'accesso all'area riservata; si cancella alla chiusura del browser e comunque
dopo 8 ore.</li>
<li><b>csrftoken</b>: protegge i moduli dall'invio da parte di altri siti.</li>
<li><b>messages</b>: mostra una volta l'esito di un'operazione (ad esempio «Documenti caricati»).</li>
</ul>
<p>I visitatori delle pagine pubbliche che non accedono all'area riservata non ricevono il cookie di sessione.</p>"""

PAGINE = (
    ("privacy", "Informativa privacy", PRIVACY, "pagina_privacy"),
    ("note-legali", "Note legali", NOTE_LEGALI, "pagina_note_legali"),
    ("cookie", "Informativa cookie", COOKIE, "pagina_cookie"),
)

MENU = (
    ("Home", "/"),
    ("Elenco contratti", "/contratti/"),
    ("Aggiudicazioni e affidamenti", "/aggiudicazioni-e-affidamenti/"),
    ("Documentazione", "/documentazione/"),
)


def _permessi_editor(apps):
    """Editors keep the footer and the menu (permissions made here: post_migrate comes later)."""
    from django.contrib.auth.management import create_permissions  # needs the migration's app registry
    from django.contrib.contenttypes.management import create_contenttypes

    app_config = apps.get_app_config("home")
    app_config.models_module = True
    create_contenttypes(app_config, verbosity=0, apps=apps)
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    editor = Group.objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.add(*Permission.objects.filter(
            content_type__app_label="home", codename__in=["change_impostazionisito", "change_menuprincipale"]
        ))


def crea(apps, schema_editor):
    _permessi_editor(apps)
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    PaginaInformativa = apps.get_model("home.PaginaInformativa")
    ImpostazioniSito = apps.get_model("home.ImpostazioniSito")
    MenuPrincipale = apps.get_model("home.MenuPrincipale")
    VoceMenu = apps.get_model("home.VoceMenu")

    impostazioni = ImpostazioniSito.objects.first() or ImpostazioniSito.objects.create()
    home = Page.objects.filter(depth=2, url_path="/home/").first()
    if home is not None:
        ct, _ = ContentType.objects.get_or_create(app_label="home", model="paginainformativa")
        ultimo = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).order_by("-path").first()
        prossimo = int(ultimo.path[-4:], 36) + 1 if ultimo else 1
        for slug, titolo, corpo, campo in PAGINE:
            if Page.objects.filter(url_path=f"/home/{slug}/").exists():
                continue
            pagina = PaginaInformativa.objects.create(
                title=titolo, draft_title=titolo, slug=slug, content_type=ct, depth=home.depth + 1,
                path=home.path + _base36(prossimo), numchild=0, url_path=f"/home/{slug}/", locale_id=home.locale_id,
                live=True, corpo=corpo,
            )
            prossimo += 1
            setattr(impostazioni, campo + "_id", pagina.pk)
        home.numchild = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count()
        home.save(update_fields=["numchild"])
    impostazioni.save()

    menu = MenuPrincipale.objects.first() or MenuPrincipale.objects.create()
    if not VoceMenu.objects.filter(menu=menu).exists():
        for ordine, (etichetta, indirizzo) in enumerate(MENU):
            VoceMenu.objects.create(menu=menu, sort_order=ordine, etichetta=etichetta, indirizzo=indirizzo)


def _base36(numero):
    cifre = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    testo = ""
    while numero:
        numero, resto = divmod(numero, 36)
        testo = cifre[resto] + testo
    return testo.rjust(4, "0")


class Migration(migrations.Migration):
    dependencies = [("home", "0003_impostazioni_sito_menu"), ("organizzazioni", "0002_gruppi")]

    operations = [migrations.RunPython(crea, migrations.RunPython.noop)]
