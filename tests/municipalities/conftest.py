"""A small coordination world: three municipalities, a partner organisation,
two groups and one user of every role (see ROLES in test_permission_matrix)."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from municipalities.coordination.policies import EDITOR_GROUP, PROGRAMME_LEAD_GROUP
from municipalities.models import (
    CalendarToken,
    Membership,
    RecordState,
    SharingLevel,
)
from tests import factories

PAST = datetime.datetime(2024, 1, 1, 9, tzinfo=datetime.UTC)
FUTURE = datetime.datetime(2999, 1, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def world(db):
    mandate = factories.MandateFactory()
    area = factories.FocusAreaFactory(mandate=mandate)
    town_a = factories.MunicipalityFactory(name="Kommun A")
    town_b = factories.MunicipalityFactory(name="Kommun B")
    town_c = factories.MunicipalityFactory(name="Kommun C")
    police = factories.OrganisationFactory(name="Polisen")
    group = factories.WorkingGroupFactory(mandate=mandate, slug="operativ")
    other_group = factories.WorkingGroupFactory(mandate=mandate, slug="annan")

    def person(name, *, municipality=None, organisation=None, **extra):
        return factories.UserFactory(
            email=f"{name}@example.se",
            municipality=municipality,
            organisation=organisation,
            **extra,
        )

    users = {
        "rep_a": person("rep_a", municipality=town_a),
        "rep_b": person("rep_b", municipality=town_b),
        "partner": person("partner", organisation=police),
        "partner_writer": person("partner_writer", organisation=police),
        "chair": person("chair", municipality=town_c),
        "staff": person("staff", is_staff=True),
        "superuser": person("superuser", is_staff=True, is_superuser=True),
        "editor": person("editor", is_staff=True),
        "former": person("former", municipality=town_a),
        "deactivated": person("deactivated", municipality=town_a, is_active=False),
    }
    # get_or_create: a transactional test flushes what the migrations made.
    lead, _ = Group.objects.get_or_create(name=PROGRAMME_LEAD_GROUP)
    lead.permissions.add(
        Permission.objects.get(
            content_type__app_label="municipalities", codename="coordinate"
        )
    )
    users["staff"].groups.add(lead)
    users["editor"].groups.add(Group.objects.get_or_create(name=EDITOR_GROUP)[0])
    for key, role, end in [
        ("rep_a", Membership.Role.MEMBER, None),
        ("partner", Membership.Role.MEMBER, None),
        ("partner_writer", Membership.Role.MEMBER, None),
        ("chair", Membership.Role.CHAIR, None),
        ("former", Membership.Role.MEMBER, datetime.date(2023, 3, 31)),
        ("deactivated", Membership.Role.MEMBER, None),
    ]:
        user = users[key]
        factories.MembershipFactory(
            user=user,
            group=group,
            municipality=user.municipality,
            organisation=user.organisation,
            role=role,
            start_date=datetime.date(2022, 1, 1),
            end_date=end,
            partner_can_write=key == "partner_writer",
        )
    factories.MembershipFactory(
        user=users["rep_b"],
        group=other_group,
        municipality=town_b,
        start_date=datetime.date(2022, 1, 1),
    )
    return {
        "area": area,
        "group": group,
        "other_group": other_group,
        "town_a": town_a,
        "town_b": town_b,
        "police": police,
        "users": users,
    }


def make_entry(world, *, level, release_at, title, author="rep_a", text="Text."):
    author = world["users"][author]
    entry = factories.ProgressEntryFactory(
        group=world["group"],
        municipality=author.municipality,
        organisation=author.organisation,
        focus_area=world["area"],
        title=title,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 1, 31),
        text=text,
        sharing_level=level,
        release_at=release_at,
        author=author,
    )
    factories.EntryAttachmentFactory(entry=entry, original_name=f"{title}.pdf")
    return entry


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def entries(world, private_media):
    """One entry per sharing level, released and embargoed, with markers."""
    result = {}
    for level in SharingLevel:
        for released, when in (("released", PAST), ("embargoed", FUTURE)):
            marker = f"markor{level.value}{released}"
            result[(level.value, released)] = make_entry(
                world, level=level, release_at=when, title=f"Rapport {marker}"
            )
    return result


def now():
    return timezone.now()


# Who sees what: the expected answers, written out from the README's role
# table (not computed by the policy module under test).
LEVELS = ["open", "mandate", "group", "own"]
ROLES = [
    "anonymous",
    "rep_a",
    "rep_b",
    "partner",
    "partner_writer",
    "chair",
    "staff",
    "superuser",
    "editor",
    "former",
    "deactivated",
]

# Which (level, released?) entries each role may VIEW. Entries are written by
# rep_a for municipality A in group "operativ", where partner, partner_writer
# and chair are members and rep_b is not. The editor (Redaktör) and the
# former member are shut out of the whole area (403); deactivated users
# cannot sign in at all.
EVERYTHING = {(level, state) for level in LEVELS for state in ("released", "embargoed")}
IN_GROUP = {("open", "released"), ("mandate", "released"), ("group", "released")}
VIEW = {
    "anonymous": set(),
    "deactivated": set(),
    "editor": set(),
    "former": set(),
    "rep_a": EVERYTHING,  # own municipality, before and after release
    "staff": EVERYTHING,  # Programledning
    "superuser": EVERYTHING,
    "rep_b": {("open", "released"), ("mandate", "released")},
    "partner": IN_GROUP,
    "partner_writer": IN_GROUP,
    "chair": IN_GROUP,
}
SHUT_OUT = {"editor", "former"}
# Who may EDIT and DELETE: the author (in their own municipality) and staff.
EDIT = {"rep_a": EVERYTHING, "staff": EVERYTHING, "superuser": EVERYTHING}


def drain(response):
    """Read a streamed download to the end, so the test client closes the file
    (closing it directly would also close the test's database connection)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


@pytest.fixture
def targets(world, private_media):
    """One object behind every coordination URL (see `url_kwargs`)."""
    group = world["group"]
    entry = make_entry(world, level="group", release_at=PAST, title="Rapport mål")
    adopted_entry = make_entry(
        world, level="group", release_at=PAST, title="Rapport fastställd"
    )
    adopt(adopted_entry, world["users"]["staff"])
    meeting = factories.MeetingFactory(group=group)
    minutes = factories.MinutesFactory(meeting=meeting)
    recorded_meeting = factories.MeetingFactory(group=group)
    adopt(factories.MinutesFactory(meeting=recorded_meeting), world["users"]["staff"])

    def new_draft_entry():
        """A draft for each adoption the matrix posts (adopting spends it)."""
        return make_entry(world, level="group", release_at=PAST, title="Utkast").pk

    def new_draft_minutes_meeting():
        return factories.MinutesFactory(meeting__group=group).meeting_id

    decision = factories.DecisionFactory(group=group)
    action = factories.ActionFactory(group=group)
    status = factories.FocusAreaStatusFactory(
        municipality=world["town_a"], focus_area=world["area"]
    )
    report = factories.IndicatorReportFactory(municipality=world["town_a"])
    tokens = {
        role: factories.CalendarTokenFactory(user=user, group=group).token
        for role, user in world["users"].items()
    }
    return {
        "group": group,
        "entry": entry,
        "adopted_entry": adopted_entry,
        "new_draft_entry": new_draft_entry,
        "meeting": meeting,
        "minutes": minutes,
        "recorded_meeting": recorded_meeting,
        "new_draft_minutes_meeting": new_draft_minutes_meeting,
        "schedule": factories.ReportingScheduleFactory(group=group),
        "decision": decision,
        "action": action,
        "status": status,
        "report": report,
        "membership": Membership.objects.get(user=world["users"]["rep_a"]),
        "tokens": tokens,
    }


def url_kwargs(name, targets, role):
    slug = targets["group"].slug
    # Adopting spends its draft: each request gets a new one.
    if name == "entry-adopt":
        return {"pk": targets["new_draft_entry"]()}
    if name == "minutes-adopt":
        return {"slug": slug, "pk": targets["new_draft_minutes_meeting"]()}
    by_name = {
        "group": {"slug": slug},
        "meeting-create": {"slug": slug},
        "meeting-edit": {"slug": slug, "pk": targets["meeting"].pk},
        "meeting-delete": {"slug": slug, "pk": targets["meeting"].pk},
        "decision-create": {"slug": slug},
        "decision-edit": {"slug": slug, "pk": targets["decision"].pk},
        "action-create": {"slug": slug},
        "action-edit": {"slug": slug, "pk": targets["action"].pk},
        "calendar-link": {"slug": slug},
        "group-ics": {"slug": slug, "token": current_token(targets, role)},
        "entry-detail": {"pk": targets["entry"].pk},
        "entry-edit": {"pk": targets["entry"].pk},
        "entry-delete": {"pk": targets["entry"].pk},
        "entry-history": {"pk": targets["entry"].pk},
        "entry-correct": {"pk": targets["adopted_entry"].pk},
        "minutes": {"slug": slug, "pk": targets["meeting"].pk},
        "minutes-edit": {"slug": slug, "pk": targets["meeting"].pk},
        "minutes-correct": {"slug": slug, "pk": targets["recorded_meeting"].pk},
        "reporting-schedule": {"slug": slug},
        "attachment": {"pk": targets["entry"].attachments.get().pk},
        "status-edit": {
            "municipality": targets["status"].municipality.slug,
            "focus_area": targets["status"].focus_area.slug,
        },
    }
    return by_name.get(name, {})


def adopt(record, user):
    """Adopt a record as the services do (state, who, when)."""
    record.state = RecordState.ADOPTED
    record.adopted_by = user
    record.adopted_at = timezone.now()
    record.save()
    return record


def current_token(targets, role):
    """The role's link as it is now (posting to calendar-link replaces it)."""
    if role == "anonymous":
        return "ingen-sadan-lank"
    token = CalendarToken.objects.get(
        user__email=f"{role}@example.se", group=targets["group"]
    )
    targets["tokens"][role] = token.token
    return token.token
