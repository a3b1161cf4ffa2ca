"""Editors compose and send newsletters and may see (not edit) subscribers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "newsletterissue": ["view", "add", "change"],
    "subscriber": ["view"],
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{a}_{model}" for model, actions in GRANTS.items() for a in actions]
    return Permission.objects.filter(
        content_type__app_label="programme", codename__in=codenames
    )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Redaktör")
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="Redaktör").first()
    if group:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("programme", "0003_newsletter")]

    operations = [migrations.RunPython(grant, revoke)]
