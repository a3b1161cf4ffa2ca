"""Editors keep the public status per focus area until the coordination area does."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["view", "add", "change"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Redaktör")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="municipalities",
            codename__in=[f"{action}_focusareastatus" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Redaktör").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="municipalities",
                codename__in=[f"{action}_focusareastatus" for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0004_focus_area_status"),
        ("programme", "0002_editor_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
