from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED = ["reset_second_factor", "view_user"]


def grant(apps, schema_editor):
    """Programledning resets the second factors of people who lost their
    device; it sees the user list (read-only) to find them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    lead, _ = Group.objects.get_or_create(name="Programledning")
    lead.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portal", codename__in=GRANTED
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    lead = Group.objects.filter(name="Programledning").first()
    if lead:
        lead.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="portal", codename__in=GRANTED
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_second_factor"),
        ("municipalities", "0010_invitation_from_portal"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
