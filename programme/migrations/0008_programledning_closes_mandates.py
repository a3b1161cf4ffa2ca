from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED = [
    ("programme", "close_mandate"),
    ("portal", "view_purgerecord"),
]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    found = Permission.objects.none()
    for app_label, codename in GRANTED:
        found |= Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    return found


def grant(apps, schema_editor):
    """Programledning closes the mandate, fetches its archive package and
    reads the gallring log."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    lead, _ = Group.objects.get_or_create(name="Programledning")
    lead.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    lead = Group.objects.filter(name="Programledning").first()
    if lead:
        lead.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0007_mandate_closing"),
        ("portal", "0008_purge_record"),
        ("municipalities", "0013_mandate_archive"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
