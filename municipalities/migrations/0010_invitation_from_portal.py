"""Invitation arrives from portal: state only, the table is already renamed
by `portal.0003_invitation_moves_to_municipalities`.

The content type row is relabelled rather than replaced, so permissions
granted on it (Programledning's view_invitation and add_invitation) and admin
log entries follow the model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _relabel_content_type(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    old = types.filter(app_label=source, model="invitation").first()
    if old is None:
        return  # never created: post_migrate creates the new one
    new = types.filter(app_label=target, model="invitation").first()
    if new is not None:
        # post_migrate has run with the other app's model in between (after a
        # migration backwards): keep every grant on the relabelled row.
        for permission in Permission.objects.using(db).filter(content_type=new):
            kept = Permission.objects.using(db).filter(
                content_type=old, codename=permission.codename
            )
            if kept := kept.first():
                kept.group_set.add(*permission.group_set.all())
                kept.user_set.add(*permission.user_set.all())
                permission.delete()
            else:
                permission.content_type = old
                permission.save(update_fields=["content_type"])
        new.delete()
    old.app_label = target
    old.save(update_fields=["app_label"])


def content_type_to_municipalities(apps, schema_editor):
    _relabel_content_type(apps, schema_editor, source="portal", target="municipalities")


def content_type_to_portal(apps, schema_editor):
    _relabel_content_type(apps, schema_editor, source="municipalities", target="portal")


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0009_status_sharing_choices_from_sharing_level"),
        ("portal", "0003_invitation_moves_to_municipalities"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "email",
                            models.EmailField(
                                max_length=254, verbose_name="e-postadress"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("chair", "Ordförande"),
                                    ("secretary", "Sekreterare"),
                                    ("member", "Ledamot"),
                                ],
                                default="member",
                                max_length=10,
                                verbose_name="roll",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, verbose_name="skapad"
                            ),
                        ),
                        (
                            "sent_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="skickad"
                            ),
                        ),
                        (
                            "accepted_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="accepterad"
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="municipalities.workinggroup",
                                verbose_name="arbetsgrupp",
                            ),
                        ),
                        (
                            "invited_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="inbjuden av",
                            ),
                        ),
                        (
                            "municipality",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="municipalities.municipality",
                                verbose_name="kommun",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="municipalities.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "inbjudan",
                        "verbose_name_plural": "inbjudningar",
                        "ordering": ["-created_at"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("municipality__isnull", False),
                                        ("organisation__isnull", True),
                                    ),
                                    models.Q(
                                        ("municipality__isnull", True),
                                        ("organisation__isnull", False),
                                    ),
                                    _connector="OR",
                                ),
                                name="invitation_one_of_municipality_or_organisation",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_to_municipalities, content_type_to_portal),
    ]
