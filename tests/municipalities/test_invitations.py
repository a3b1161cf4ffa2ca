"""The invitation admin: staff invite a person, the link goes out by mail."""

import pytest
from django.contrib.auth.models import Group

from municipalities.models import Invitation, Membership
from tests import factories
from tests.tasks import run_queued_tasks


@pytest.fixture
def lead_client(client, db):
    user = factories.UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Programledning"))
    client.force_login(user)
    return client, user


def test_invitation_admin_add_sends_the_link(lead_client, mailoutbox):
    client, lead = lead_client
    group = factories.WorkingGroupFactory()
    town = factories.MunicipalityFactory()

    response = client.post(
        "/admin/municipalities/invitation/add/",
        {
            "email": "ny@example.se",
            "group": group.pk,
            "municipality": town.pk,
            "role": Membership.Role.SECRETARY,
        },
    )

    assert response.status_code == 302
    assert mailoutbox == []  # the page only queues the mail
    assert run_queued_tasks() == 1
    invitation = Invitation.objects.get()
    assert (invitation.invited_by, invitation.role) == (lead, "secretary")
    assert invitation.sent_at is not None
    (message,) = mailoutbox
    assert message.to == ["ny@example.se"]
    assert "/inbjudan/" in message.body


def test_invitation_admin_send_again_skips_accepted(admin_client, mailoutbox):
    open_one = factories.InvitationFactory(email="oppen@example.se")
    accepted = factories.InvitationFactory(email="klar@example.se")
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=accepted.created_at)

    response = admin_client.post(
        "/admin/municipalities/invitation/",
        {"action": "send_again", "_selected_action": [open_one.pk, accepted.pk]},
    )

    assert response.status_code == 302
    assert run_queued_tasks() == 1
    assert [message.to for message in mailoutbox] == [["oppen@example.se"]]
