"""Create the Redaktör (editor) group with exactly what an editor needs.

Editors write news, sessions, speakers and presentations, keep the mandate's
texts, people and the list of municipalities and partners current. They do
not manage accounts, groups or working-group memberships, and they never
delete municipalities, organisations, working groups or the mandate.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUP = "Redaktör"

EDITOR_PERMISSIONS = {
    "programme": {
        "mandate": ["view", "change"],
        "focusarea": ["view", "add", "change"],
        "milestone": ["view", "add", "change", "delete"],
        "person": ["view", "add", "change", "delete"],
        "newsarticle": ["view", "add", "change", "delete"],
    },
    "presentations": {
        "session": ["view", "add", "change", "delete"],
        "speaker": ["view", "add", "change", "delete"],
        "presentation": ["view", "add", "change", "delete"],
        "presentationspeaker": ["view", "add", "change", "delete"],
    },
    "municipalities": {
        "municipality": ["view", "add", "change"],
        "organisation": ["view", "add", "change"],
        "workinggroup": ["view", "add", "change"],
    },
}


def create_editor_group(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    permissions = []
    for app_label, models in EDITOR_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                permissions.append(
                    Permission.objects.get(
                        content_type__app_label=app_label,
                        codename=f"{action}_{model}",
                    )
                )
    group.permissions.set(permissions)


def remove_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITOR_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programme", "0001_initial"),
        ("presentations", "0002_session_and_speaker_links"),
        ("municipalities", "0003_working_group_links"),
    ]

    operations = [
        migrations.RunPython(create_editor_group, remove_editor_group),
    ]
