"""Invitation moves to the municipalities app, beside Membership.

The rows stay where they are: portal forgets the model and the table is
renamed to the name the municipalities app would give it, so nothing is
copied. `municipalities.0010_invitation_from_portal` takes the model into its
state and moves the content type (and with it the permissions and admin log).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_user_units_audit_invitations"),
        # Grants Programledning portal.view_invitation/add_invitation, so it
        # must run while portal still has the model, also on a fresh database.
        ("municipalities", "0009_status_sharing_choices_from_sharing_level"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("invitation", "municipalities_invitation"),
            ],
            state_operations=[migrations.DeleteModel("invitation")],
        ),
    ]
