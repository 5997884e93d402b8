"""The role groups and what each may do in the Wagtail admin."""

from django.db import migrations

GRUPPI = {
    "Editor": [
        ("wagtailadmin", "admin", "access_admin"),
        ("wagtaildocs", "document", "add_document"),
        ("wagtaildocs", "document", "change_document"),
        ("wagtaildocs", "document", "choose_document"),
        ("wagtailimages", "image", "add_image"),
        ("wagtailimages", "image", "change_image"),
        ("wagtailimages", "image", "choose_image"),
        ("organizzazioni", "ente", "add_ente"),
        ("organizzazioni", "ente", "change_ente"),
        ("organizzazioni", "ente", "view_ente"),
        ("organizzazioni", "operatoreeconomico", "add_operatoreeconomico"),
        ("organizzazioni", "operatoreeconomico", "change_operatoreeconomico"),
        ("organizzazioni", "operatoreeconomico", "view_operatoreeconomico"),
        ("organizzazioni", "incarico", "add_incarico"),
        ("organizzazioni", "incarico", "change_incarico"),
        ("organizzazioni", "incarico", "delete_incarico"),
        ("organizzazioni", "incarico", "view_incarico"),
    ],
    "Banditore": [("wagtailadmin", "admin", "access_admin")],
    "Aderente": [],
    "OE": [],
}
PAGE_PERMS_EDITOR = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def crea_gruppi(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    for nome, permessi in GRUPPI.items():
        gruppo, _ = Group.objects.get_or_create(name=nome)
        for app_label, model, codename in permessi:
            gruppo.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, content_type__model=model, codename=codename)
            )
    editor = Group.objects.get(name="Editor")
    root = Page.objects.get(depth=1)
    for codename in PAGE_PERMS_EDITOR:
        perm = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editor, page=root, permission=perm)
    collection = Collection.objects.get(depth=1)
    for app_label, codename in [
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
    ]:
        perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=editor, collection=collection, permission=perm)


class Migration(migrations.Migration):
    dependencies = [
        ("organizzazioni", "0001_initial"),
        ("home", "0002_albero_pagine"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(crea_gruppi, migrations.RunPython.noop)]
