"""The scheduled purge at the end of a mandate (`manage.py maintenance`,
`portal.retention.MANDATE_SWEEPS`): on the days the closing fixed, it
deletes exactly what is due (the closed mandate's attachments, then its
personal data) and nothing else, and records counts per kind, never what it
deleted. The clock is moved with time-machine."""

import datetime
import io
import json

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from municipalities.coordination import services
from municipalities.models import (
    CalendarToken,
    Decision,
    EntryAttachment,
    Invitation,
    Membership,
)
from portal import retention
from portal.models import AuditEvent, PurgeRecord, User
from tests import factories
from tests.municipalities.conftest import PAST, make_entry

STOCKHOLM = datetime.timezone(datetime.timedelta(hours=2))  # summer time
CLOSED_AT = datetime.datetime(2027, 5, 3, 14, 0, tzinfo=STOCKHOLM)
ATTACHMENTS_DAY = datetime.date(2027, 6, 2)  # 30 days after the closing day
PERSONAL_DATA_DAY = datetime.date(2027, 7, 2)  # 60 days after
NIGHT = datetime.time(3, 15)  # when the timer runs maintenance

PARTICIPANTS = {
    "rep_a",
    "rep_b",
    "partner",
    "partner_writer",
    "chair",
    "former",
    "deactivated",
}


def at(day, time=NIGHT):
    return datetime.datetime.combine(day, time, tzinfo=STOCKHOLM)


def maintenance(when):
    out = io.StringIO()
    with time_machine.travel(when, tick=False):
        call_command("maintenance", stdout=out)
    counts = {}
    for sweep in retention.SWEEPS:
        line = next(
            line for line in out.getvalue().splitlines() if line.startswith(sweep.name)
        )
        first = line[len(sweep.name) :].split()[0]
        counts[sweep.name] = int(first) if first.isdigit() else None
    return {name: counts[name] for name in (s.name for s in retention.MANDATE_SWEEPS)}


def logs(tag, when):
    """One row of each log kind, tagged, recorded at `when`."""
    with time_machine.travel(when, tick=False):
        factories.AuditEventFactory(object_id=tag, ip_address="10.0.0.1")
        fields = {
            "user_agent": "test",
            "ip_address": "10.1.2.3",
            "username": f"{tag}@example.se",
            "http_accept": "*/*",
            "path_info": "/logga-in/",
        }
        AccessAttempt.objects.create(
            **fields, get_data="", post_data="", failures_since_start=1
        )
        AccessLog.objects.create(**fields)
        AccessFailureLog.objects.create(**fields)
        LogEntry.objects.create(
            user=factories.UserFactory(is_staff=True),
            action_flag=ADDITION,
            object_repr=tag,
        )


def log_tags():
    return {
        "audit": set(AuditEvent.objects.values_list("object_id", flat=True)),
        "axes": [
            {row.username.split("@")[0] for row in model.objects.all()}
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        ],
        "adminlog": set(LogEntry.objects.values_list("object_repr", flat=True)),
        "history": set(Decision.history.values_list("text", flat=True)),
    }


@pytest.fixture
def ended(world, private_media, settings):
    """The world's mandate with a record and personal data, and a second,
    open mandate beside it whose data must all stay; then the closing."""
    settings.MANDATE_RETENTION_DAYS_ATTACHMENTS = 30
    settings.MANDATE_RETENTION_DAYS_PERSONAL_DATA = 60
    # The ordinary periods keep everything: only the end of the mandate acts.
    for name in [
        "RETENTION_AUDIT_DAYS",
        "RETENTION_LOGIN_RECORDS_DAYS",
        "RETENTION_TASK_RESULTS_DAYS",
        "RETENTION_INVITATIONS_DAYS",
        "RETENTION_HISTORY_DAYS",
    ]:
        setattr(settings, name, 0)
    users = world["users"]
    group = world["group"]
    with time_machine.travel(CLOSED_AT - datetime.timedelta(days=20), tick=False):
        kept_entry = make_entry(world, level="group", release_at=PAST, title="Kvar")
        make_entry(world, level="own", release_at=PAST, title="Egen")
        factories.DecisionFactory(group=group, text="före")
        factories.InvitationFactory(group=group, email="oppen@example.se")
        factories.InvitationFactory(
            group=group, email="tog-emot@example.se", accepted_at=timezone.now()
        )
        for role in ("rep_a", "partner", "staff"):
            factories.CalendarTokenFactory(user=users[role], group=group)
        factories.TOTPDeviceFactory(user=users["rep_a"])
        StaticDevice.objects.create(user=users["rep_a"], name="koder")
        factories.TOTPDeviceFactory(user=users["staff"])

    # A later, open mandate: its people, files, links and invitations stay.
    later = factories.MandateFactory(
        slug="nasta-uppdrag", start_date=datetime.date(2027, 9, 1)
    )
    later_group = factories.WorkingGroupFactory(mandate=later, slug="nasta")
    both = factories.UserFactory(email="bada@example.se", municipality=world["town_b"])
    for seat_group in (group, later_group):
        factories.MembershipFactory(
            user=both, group=seat_group, municipality=world["town_b"]
        )
    later_entry = factories.ProgressEntryFactory(group=later_group, author=both)
    factories.EntryAttachmentFactory(entry=later_entry, original_name="nasta.pdf")
    factories.InvitationFactory(group=later_group, email="nasta@example.se")
    factories.CalendarTokenFactory(user=both, group=later_group)

    logs("fore", CLOSED_AT - datetime.timedelta(days=10))
    with time_machine.travel(CLOSED_AT, tick=False):
        services.mandate_close(actor=users["superuser"], mandate=group.mandate)
    # Reading the closed area still leaves traces, up to the purge day.
    logs("efter-avslutet", CLOSED_AT + datetime.timedelta(days=5))
    logs(
        "kvallen-fore",
        at(PERSONAL_DATA_DAY, datetime.time(0, 0)) - datetime.timedelta(minutes=1),
    )
    logs("purgedagen", at(PERSONAL_DATA_DAY, datetime.time(1, 0)))
    with time_machine.travel(at(PERSONAL_DATA_DAY, datetime.time(1, 0)), tick=False):
        factories.DecisionFactory(group=later_group, text="efter")
    return {"kept_entry": kept_entry, "both": both, "later_group": later_group}


def test_the_closing_fixes_the_days(ended, world):
    mandate = world["group"].mandate
    mandate.refresh_from_db()

    assert (mandate.attachments_delete_on, mandate.personal_data_delete_on) == (
        ATTACHMENTS_DAY,
        PERSONAL_DATA_DAY,
    )


def test_nothing_goes_before_its_day(ended):
    attachments = EntryAttachment.objects.count()
    tags = log_tags()

    counts = maintenance(at(ATTACHMENTS_DAY - datetime.timedelta(days=1)))

    assert counts == dict.fromkeys(counts, 0)
    assert EntryAttachment.objects.count() == attachments
    assert log_tags() == tags
    assert not PurgeRecord.objects.exists()


def test_the_attachments_go_on_their_day_and_nothing_else(ended, world):
    closed = EntryAttachment.objects.filter(
        entry__group__mandate=world["group"].mandate
    )
    names = [attachment.file.name for attachment in closed]
    storage = closed.first().file.storage
    assert len(names) == 2
    assert all(storage.exists(name) for name in names)
    tags = log_tags()
    accounts = sorted(User.objects.values_list("email", "is_active"))

    counts = maintenance(at(ATTACHMENTS_DAY))

    assert counts == {**dict.fromkeys(counts, 0), "uppdragets bilagor": 2}
    assert not any(storage.exists(name) for name in names)
    assert list(EntryAttachment.objects.values_list("original_name", flat=True)) == [
        "nasta.pdf"
    ]
    # The entries themselves are the record: they stay.
    assert (
        ended["kept_entry"].__class__.objects.filter(pk=ended["kept_entry"].pk).exists()
    )
    assert log_tags() == tags
    assert sorted(User.objects.values_list("email", "is_active")) == accounts


def test_the_personal_data_goes_on_its_day_and_nothing_else(ended, world):
    users = world["users"]
    maintenance(at(ATTACHMENTS_DAY))
    staff_before = {
        role: (user.email, user.first_name, user.has_usable_password())
        for role, user in users.items()
        if role not in PARTICIPANTS
    }
    both = ended["both"]
    memberships = Membership.objects.count()

    counts = maintenance(at(PERSONAL_DATA_DAY))

    assert counts == {
        "uppdragets bilagor": 0,
        "uppdragets deltagarkonton": len(PARTICIPANTS),
        "uppdragets inbjudningar": 2,
        "uppdragets kalenderlänkar": 3,
        "uppdragets inloggningsförsök": 3,
        "uppdragets inloggningslogg": 3,
        "uppdragets misslyckade inloggningar": 3,
        # The three tagged rows, the closing's own two (the mandate, the
        # archive package's order) and the three entries it locked.
        "uppdragets granskningslogg": 3 + 2 + 3,
        # The decision "före", the three entries' creation and their locking.
        "uppdragets ändringshistorik": 1 + 3 + 3,
        "uppdragets administrationslogg": 3,
    }
    # Participants' accounts are emptied, not deleted: their entries stay.
    for role in PARTICIPANTS:
        user = User.objects.get(pk=users[role].pk)
        assert user.email == f"borttagen-{user.pk}@borttagen.invalid"
        assert (user.first_name, user.last_name, user.is_active) == ("", "", False)
        assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=users["rep_a"]).exists()
    assert not StaticDevice.objects.filter(user=users["rep_a"]).exists()
    assert Membership.objects.count() == memberships
    # Staff, and anyone seated in the open mandate too, keep their accounts.
    assert {
        role: (
            User.objects.get(pk=user.pk).email,
            User.objects.get(pk=user.pk).first_name,
            User.objects.get(pk=user.pk).has_usable_password(),
        )
        for role, user in users.items()
        if role not in PARTICIPANTS
    } == staff_before
    assert TOTPDevice.objects.filter(user=users["staff"]).exists()
    assert User.objects.get(pk=both.pk).email == "bada@example.se"
    # The open mandate's invitations and links stay.
    assert list(Invitation.objects.values_list("email", flat=True)) == [
        "nasta@example.se"
    ]
    assert list(CalendarToken.objects.values_list("user__email", flat=True)) == [
        "bada@example.se"
    ]
    # Logs recorded before the day go (the mandate's, and the reading of its
    # closed area); the day's own stay.
    tags = log_tags()
    assert tags["audit"] == {"purgedagen"}
    assert tags["axes"] == [{"purgedagen"}] * 3
    assert tags["adminlog"] == {"purgedagen"}
    assert tags["history"] == {"efter"}


def test_the_purge_records_counts_never_what_it_deleted(ended, world):
    maintenance(at(ATTACHMENTS_DAY))
    maintenance(at(PERSONAL_DATA_DAY))

    records = list(PurgeRecord.objects.order_by("ran_at"))

    assert [record.ran_at for record in records] == [
        at(ATTACHMENTS_DAY),
        at(PERSONAL_DATA_DAY),
    ]
    assert records[0].counts == {"uppdragets bilagor": 2}
    assert records[1].counts["uppdragets deltagarkonton"] == len(PARTICIPANTS)
    stored = json.dumps([record.counts for record in records], ensure_ascii=False)
    for secret in ["@", "example.se", "Kvar", "Egen", "fore", "rep_a", "10.1.2.3"]:
        assert secret not in stored


def test_a_second_run_finds_nothing_and_records_nothing(ended):
    maintenance(at(ATTACHMENTS_DAY))
    maintenance(at(PERSONAL_DATA_DAY))
    records = PurgeRecord.objects.count()

    counts = maintenance(at(PERSONAL_DATA_DAY) + datetime.timedelta(days=1))

    assert counts == dict.fromkeys(counts, 0)
    assert PurgeRecord.objects.count() == records


def test_a_mandate_closed_with_periods_of_zero_is_never_purged(world, settings):
    settings.MANDATE_RETENTION_DAYS_ATTACHMENTS = 0
    settings.MANDATE_RETENTION_DAYS_PERSONAL_DATA = 0
    with time_machine.travel(CLOSED_AT, tick=False):
        services.mandate_close(
            actor=world["users"]["superuser"], mandate=world["group"].mandate
        )
    accounts = sorted(User.objects.values_list("email", flat=True))

    counts = maintenance(at(datetime.date(2040, 1, 1)))

    assert counts == dict.fromkeys(counts, 0)
    assert sorted(User.objects.values_list("email", flat=True)) == accounts
