"""Audit log, login throttling, sessions, no-store and query counts."""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from municipalities.coordination.views import entries as entry_views
from municipalities.models import SharingLevel
from portal.models import AuditEvent
from tests import factories
from tests.municipalities.conftest import PAST, client_for, drain, make_entry
from tests.tasks import run_queued_tasks


def test_viewing_an_entry_is_audited(world, entries):
    entry = entries[("group", "released")]
    client = client_for(world, "partner")

    client.get(entry.get_absolute_url(), REMOTE_ADDR="10.1.2.3")

    event = AuditEvent.objects.get(action="view", object_id=str(entry.pk))
    assert event.actor == world["users"]["partner"]
    assert event.object_type == "municipalities.ProgressEntry"
    assert event.ip_address == "10.1.2.3"
    assert event.path == entry.get_absolute_url()


def test_download_and_create_are_audited(world, entries):
    entry = entries[("mandate", "released")]
    client = client_for(world, "rep_b")

    drain(client.get(entry.attachments.get().get_absolute_url()))
    created = client.post(
        "/samordning/lagesrapporter/ny/",
        {
            "group": world["other_group"].pk,
            "focus_area": world["area"].pk,
            "title": "Ny rapport",
            "period_start": "2024-02-01",
            "period_end": "2024-02-29",
            "text": "Två utbildningar genomförda.",
            "sharing_level": "group",
            "release_at": "2024-03-01T09:00",
        },
    )

    new_entry = type(entry).objects.get(title="Ny rapport")
    assert created.status_code == 302
    download = AuditEvent.objects.get(action="download")
    assert download.object_id == str(entry.attachments.get().pk)
    create = AuditEvent.objects.get(action="create")
    assert (create.object_type, create.object_id) == (
        "municipalities.ProgressEntry",
        str(new_entry.pk),
    )
    assert {download.actor, create.actor} == {world["users"]["rep_b"]}


@pytest.mark.django_db(transaction=True)
def test_audit_row_survives_when_the_view_then_raises(
    world, private_media, monkeypatch
):
    entry = make_entry(world, level=SharingLevel.MANDATE, release_at=PAST, title="X")

    def broken_render(*args, **kwargs):
        raise RuntimeError("rendering failed after the read")

    monkeypatch.setattr(entry_views, "render", broken_render)
    client = client_for(world, "rep_b")
    client.raise_request_exception = False

    response = client.get(entry.get_absolute_url())

    assert response.status_code == 500
    assert AuditEvent.objects.filter(
        action="view", object_id=str(entry.pk), actor=world["users"]["rep_b"]
    ).exists()


def test_audit_rows_cannot_be_changed(world, entries, admin_client):
    client_for(world, "rep_a").get(entries[("own", "released")].get_absolute_url())
    event = AuditEvent.objects.get()

    event.action = "delete"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="delete")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    change_url = reverse("admin:portal_auditevent_change", args=[event.pk])
    assert admin_client.post(change_url, {"action": "delete"}).status_code == 403
    delete_url = reverse("admin:portal_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert (
        admin_client.get(reverse("admin:portal_auditevent_changelist")).status_code
        == 200
    )
    assert AuditEvent.objects.get(pk=event.pk).action == "view"
    assert AuditEvent.objects.filter(action="denied").count() == 2


def login(client, email, password, ip):
    return client.post(
        "/logga-in/", {"username": email, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_login_throttling_locks_only_that_user_from_that_address():
    victim = factories.UserFactory(email="offer@example.se")
    other = factories.UserFactory(email="annan@example.se")
    client = Client()

    answers = [
        login(client, victim.email, "fel-losenord", "10.0.0.1").status_code
        for _ in range(5)
    ]
    locked = login(client, victim.email, factories.TEST_PASSWORD, "10.0.0.1")
    elsewhere = login(Client(), victim.email, factories.TEST_PASSWORD, "10.0.0.2")
    same_address_other_user = login(
        Client(), other.email, factories.TEST_PASSWORD, "10.0.0.1"
    )

    assert answers == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "För många inloggningsförsök" in locked.content.decode()
    assert elsewhere.status_code == 302
    assert same_address_other_user.status_code == 302


@pytest.mark.django_db
def test_login_works_and_logout_ends_session():
    user = factories.participant()
    client = Client()

    response = factories.sign_in(client, user, ip="10.0.0.9")
    assert response.status_code == 302
    assert response.url == "/samordning/"
    assert client.get("/samordning/").status_code == 200

    assert client.post("/logga-ut/").status_code == 302
    assert client.get("/samordning/").status_code == 302


@pytest.mark.django_db
def test_session_ends_after_eight_hours_however_active(monkeypatch):
    user = factories.participant()
    client = Client()
    client.force_login(user)
    assert client.get("/samordning/").status_code == 200

    later = time.time() + 8 * 3600 + 1
    monkeypatch.setattr(time, "time", lambda: later)

    assert client.get("/samordning/").status_code == 302


@pytest.mark.django_db
def test_deactivated_user_is_logged_out_at_once():
    user = factories.UserFactory()
    client = Client()
    client.force_login(user)
    user.is_active = False
    user.save()

    assert client.get("/samordning/").status_code == 302


def test_internal_pages_are_never_stored(world, entries):
    client = client_for(world, "rep_a")
    for url in [
        "/samordning/",
        "/samordning/lagesrapporter/",
        entries[("own", "released")].get_absolute_url(),
        "/logga-in/",
    ]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url


def test_changes_are_posted_with_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["chair"])

    response = client.post(
        "/samordning/grupper/operativ/moten/nytt/",
        {"starts_at": "2024-05-02T09:00", "ends_at": "2024-05-02T10:00"},
    )

    assert response.status_code == 403
    assert not world["group"].meetings.exists()


@pytest.mark.django_db
def test_invitation_link_creates_account_and_membership(world, mailoutbox):
    from municipalities.coordination.invitations import invitation_send

    invitation = factories.InvitationFactory(
        email="ny@example.se", group=world["group"], municipality=world["town_b"]
    )
    invitation_send(invitation)
    (message,) = mailoutbox
    link = next(line for line in message.body.splitlines() if "/inbjudan/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]

    response = Client().post(
        "/" + path,
        {
            "first_name": "Ny",
            "last_name": "Person",
            "new_password1": "ett-bra-losenord-2024",
            "new_password2": "ett-bra-losenord-2024",
        },
    )

    assert response.status_code == 302
    user = world["group"].memberships.get(user__email="ny@example.se").user
    assert user.municipality == world["town_b"]
    assert user.check_password("ett-bra-losenord-2024")
    assert Client().get("/" + path).status_code == 404  # single use


@pytest.mark.django_db
def test_forged_and_expired_invitation_links_are_refused(world, settings):
    from django.core import signing

    from municipalities.coordination.invitations import INVITATION_SALT

    invitation = factories.InvitationFactory(
        email="x@example.se", group=world["group"], municipality=world["town_a"]
    )
    forged = signing.dumps({"id": invitation.pk}, salt="something-else")
    settings.INVITATION_MAX_AGE_DAYS = 0
    expired = signing.dumps({"id": invitation.pk}, salt=INVITATION_SALT)
    time.sleep(1.1)

    assert Client().get(f"/inbjudan/{forged}/").status_code == 404
    assert Client().get(f"/inbjudan/{expired}/").status_code == 404


def grow_group(world, n):
    for index in range(n):
        make_entry(
            world,
            level=SharingLevel.GROUP,
            release_at=PAST,
            title=f"Rapport {index}",
        )
        user = factories.UserFactory(municipality=world["town_a"])
        world["group"].memberships.create(user=user, municipality=world["town_a"])
        world["group"].meetings.create(
            starts_at=PAST, ends_at=PAST.replace(hour=11), place="Rum"
        )
        world["group"].decisions.create(text="Beslut")
        world["group"].actions.create(what="Åtgärd", owner=user)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # One of each is the session's second-step device; five are the
        # section navigation's: four rules and the groups. The group page
        # reads its meetings' minutes in one more and its reporting schedule
        # in one; the dashboard its groups' schedules in one (with schedules,
        # see test_reporting_rhythm).
        ("/samordning/grupper/operativ/", 27),
        ("/samordning/lagesrapporter/", 18),
        ("/samordning/", 27),
    ],
)
def test_internal_page_queries_do_not_grow(
    world, private_media, django_assert_num_queries, url, expected
):
    client = client_for(world, "partner")
    grow_group(world, 3)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    grow_group(world, 30)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_session_expires_after_thirty_idle_minutes():
    import datetime

    import time_machine
    from django.utils import timezone

    user = factories.participant()
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
        assert client.get("/samordning/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/samordning/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        assert client.get("/samordning/").status_code == 302


@pytest.mark.django_db
def test_password_reset_by_email(mailoutbox):
    user = factories.UserFactory(email="glomsk@example.se")
    client = Client()

    client.post("/konto/aterstall/", {"email": "glomsk@example.se"})
    unknown = client.post("/konto/aterstall/", {"email": "okand@example.se"})
    assert mailoutbox == []  # the task worker sends it
    assert run_queued_tasks() == 2  # one per request, known or not
    (message,) = mailoutbox
    link = next(
        line for line in message.body.splitlines() if "/konto/aterstall/" in line
    )
    assert link.startswith(settings.SITE_URL + "/konto/aterstall/")
    form_page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "ett-nytt-langt-losenord",
            "new_password2": "ett-nytt-langt-losenord",
        },
    )

    assert unknown.status_code == 302
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ett-nytt-langt-losenord")


@pytest.mark.django_db
def test_lockout_holds_whatever_the_letter_case_or_spaces():
    user = factories.UserFactory(email="kommun@example.se")
    client = Client()

    answers = [
        login(client, "kommun@example.se", "fel-losenord", "10.0.0.1").status_code
        for _ in range(4)
    ]
    fifth = login(client, "Kommun@Example.se", "fel-losenord", "10.0.0.1")
    shouted = login(Client(), "KOMMUN@EXAMPLE.SE", factories.TEST_PASSWORD, "10.0.0.1")
    padded = login(Client(), " kommun@example.se ", factories.TEST_PASSWORD, "10.0.0.1")

    assert answers == [200, 200, 200, 200]
    assert fifth.status_code == 429
    assert shouted.status_code == 429
    assert padded.status_code in (200, 429)  # never a sign-in
    assert "_auth_user_id" not in padded.wsgi_request.session
    assert user.email == "kommun@example.se"
