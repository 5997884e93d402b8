"""Create the site's page tree: Home with Elenco contratti, Documentazione and
Aggiudicazioni e affidamenti at their stable addresses."""

from django.db import migrations

SEZIONI = [
    ("contratti", "contrattiindexpage", "Elenco contratti", "contratti"),
    ("documentazione", "documentazioneindexpage", "Documentazione", "documentazione"),
    ("esiti", "aggiudicazioniindexpage", "Aggiudicazioni e affidamenti", "aggiudicazioni-e-affidamenti"),
]


def crea_albero(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("home.HomePage")

    locale = Locale.objects.order_by("pk").first()
    Site.objects.all().delete()
    Page.objects.filter(depth__gt=1).delete()

    ct_home, _ = ContentType.objects.get_or_create(app_label="home", model="homepage")
    home = HomePage.objects.create(
        title="Negozio Elettronico – Sistema Cloud Toscana",
        draft_title="Negozio Elettronico – Sistema Cloud Toscana",
        slug="home",
        content_type=ct_home,
        path="00010001",
        depth=2,
        numchild=len(SEZIONI),
        url_path="/home/",
        locale=locale,
        live=True,
        intro="<p>Il Negozio Elettronico della piattaforma START consente agli enti di aderire "
        "all'Accordo Quadro Sistema Cloud Toscana, emettere gli ordinativi di fornitura e pubblicarne gli esiti.</p>",
    )
    Page.objects.filter(depth=1).update(numchild=1)
    for i, (app, model, titolo, slug) in enumerate(SEZIONI, start=1):
        ct, _ = ContentType.objects.get_or_create(app_label=app, model=model)
        apps.get_model(app, model).objects.create(
            title=titolo,
            draft_title=titolo,
            slug=slug,
            content_type=ct,
            path=f"00010001{i:04d}",
            depth=3,
            numchild=0,
            url_path=f"/home/{slug}/",
            locale=locale,
            live=True,
        )
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True, site_name="Negozio Elettronico SCT")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("contratti", "0001_initial"),
        ("documentazione", "0001_initial"),
        ("esiti", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(crea_albero, migrations.RunPython.noop)]
