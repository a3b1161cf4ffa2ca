"""The coordination services called directly: an explicit actor, no request.

Each write is validated before anything is saved, runs in one transaction,
and is audited with its actor once the transaction is over; a write that is
refused or rolled back leaves no audit row.
"""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from municipalities.coordination import services
from municipalities.models import (
    Action,
    CalendarToken,
    Decision,
    EntryAttachment,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    ProgressEntry,
    SharingLevel,
    Stage,
)
from portal.audit import AuditOrigin
from portal.models import AuditEvent
from programme.models import FocusArea
from tests import factories
from tests.municipalities.conftest import PAST, client_for, make_entry

START = datetime.datetime(2024, 5, 2, 7, tzinfo=datetime.UTC)


def entry_fields(world, **overrides):
    return {
        "group": world["group"],
        "focus_area": world["area"],
        "title": "Utbildningar",
        "period_start": datetime.date(2024, 2, 1),
        "period_end": datetime.date(2024, 2, 29),
        "text": "Två utbildningar genomförda.",
        "sharing_level": SharingLevel.GROUP,
        "release_at": PAST,
        **overrides,
    }


def only_audit_row():
    (event,) = AuditEvent.objects.all()
    return event


def test_entry_create_without_request_audits_the_actor_without_path(world):
    rep_a = world["users"]["rep_a"]

    entry = services.entry_create(actor=rep_a, **entry_fields(world))

    assert (entry.author, entry.municipality, entry.organisation) == (
        rep_a,
        world["town_a"],
        None,
    )
    assert entry.history.get().history_user == rep_a
    event = only_audit_row()
    assert (event.action, event.object_type, event.object_id) == (
        AuditEvent.Action.CREATE,
        "municipalities.ProgressEntry",
        str(entry.pk),
    )
    assert (event.actor, event.path, event.ip_address) == (rep_a, "", None)


def test_entry_create_records_the_origin_it_is_given(world):
    origin = AuditOrigin(path="/samordning/lagesrapporter/ny/", ip="10.1.2.3")

    services.entry_create(
        actor=world["users"]["rep_a"], origin=origin, **entry_fields(world)
    )

    event = only_audit_row()
    assert (event.path, event.ip_address) == (origin.path, "10.1.2.3")


def test_entry_create_for_staff_takes_the_chosen_unit(world):
    staff = world["users"]["staff"]

    entry = services.entry_create(
        actor=staff, organisation=world["police"], **entry_fields(world)
    )

    assert (entry.author, entry.municipality, entry.organisation) == (
        staff,
        None,
        world["police"],
    )


@pytest.mark.parametrize(
    ("actor", "overrides", "field"),
    [
        ("rep_a", {"period_end": datetime.date(2024, 1, 1)}, "period_end"),
        ("rep_a", {"sharing_level": "everyone"}, "sharing_level"),
        ("rep_a", {"title": ""}, "title"),
        ("staff", {}, "municipality"),  # staff belong to no unit: must choose
    ],
)
def test_entry_create_refused_writes_nothing(world, actor, overrides, field):
    with pytest.raises(ValidationError) as refused:
        services.entry_create(
            actor=world["users"][actor], **entry_fields(world, **overrides)
        )

    assert field in refused.value.message_dict
    assert not ProgressEntry.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_entry_create_whose_commit_fails_leaves_no_audit_row(world):
    # A focus area removed meanwhile: only the database's foreign key,
    # checked when the transaction commits, can tell.
    gone = FocusArea(pk=world["area"].pk + 1000, mandate=world["area"].mandate)

    with pytest.raises(IntegrityError):
        services.entry_create(
            actor=world["users"]["rep_a"], **entry_fields(world, focus_area=gone)
        )

    assert not ProgressEntry.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_write_rolled_back_by_the_caller_leaves_no_audit_row(world):
    def write_then_fail():
        with transaction.atomic():
            services.entry_create(actor=world["users"]["rep_a"], **entry_fields(world))
            raise RuntimeError("the caller's transaction fails after the service")

    with pytest.raises(RuntimeError):
        write_then_fail()

    assert not ProgressEntry.objects.exists()
    assert not AuditEvent.objects.exists()


def test_entry_update_keeps_author_and_unit_unless_staff_choose(world):
    entry = make_entry(world, level="group", release_at=PAST, title="Före")
    staff = world["users"]["staff"]

    services.entry_update(actor=staff, entry=entry, **entry_fields(world))
    entry.refresh_from_db()
    assert (entry.title, entry.author, entry.municipality) == (
        "Utbildningar",
        world["users"]["rep_a"],
        world["town_a"],
    )

    services.entry_update(
        actor=staff, entry=entry, municipality=world["town_b"], **entry_fields(world)
    )
    entry.refresh_from_db()
    assert (entry.municipality, entry.organisation) == (world["town_b"], None)
    assert entry.history.first().history_user == staff
    assert set(AuditEvent.objects.values_list("action", "actor", "path")) == {
        (AuditEvent.Action.UPDATE, staff.pk, "")
    }


def test_entry_update_refused_changes_nothing(world):
    entry = make_entry(world, level="group", release_at=PAST, title="Före")

    with pytest.raises(ValidationError):
        services.entry_update(
            actor=world["users"]["rep_a"],
            entry=entry,
            **entry_fields(world, period_end=datetime.date(2023, 1, 1)),
        )

    entry.refresh_from_db()
    assert entry.title == "Före"
    assert not AuditEvent.objects.exists()


def test_entry_delete_removes_its_files_after_commit(
    world, private_media, django_capture_on_commit_callbacks
):
    entry = make_entry(world, level="group", release_at=PAST, title="Bort")
    stored = entry.attachments.get().file
    rep_a = world["users"]["rep_a"]

    with django_capture_on_commit_callbacks(execute=True):
        services.entry_delete(actor=rep_a, entry=entry)

    assert not ProgressEntry.objects.exists()
    assert not stored.storage.exists(stored.name)
    event = only_audit_row()
    assert (event.action, event.actor, event.path) == (
        AuditEvent.Action.DELETE,
        rep_a,
        "",
    )


def test_meeting_save_records_group_creator_and_audit(world):
    chair = world["users"]["chair"]

    meeting = services.meeting_save(
        actor=chair,
        group=world["group"],
        meeting=Meeting(starts_at=START, ends_at=START + datetime.timedelta(hours=1)),
    )

    assert (meeting.group, meeting.created_by) == (world["group"], chair)
    event = only_audit_row()
    assert (event.action, event.object_id, event.actor) == (
        AuditEvent.Action.CREATE,
        str(meeting.pk),
        chair,
    )


def test_meeting_save_refuses_a_meeting_ending_before_it_starts(world):
    with pytest.raises(ValidationError):
        services.meeting_save(
            actor=world["users"]["chair"],
            group=world["group"],
            meeting=Meeting(starts_at=START, ends_at=START),
        )

    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.exists()


def test_decision_and_action_save_and_item_delete_are_audited(world):
    writer = world["users"]["partner_writer"]
    group = world["group"]

    decision = services.decision_save(
        actor=writer, group=group, decision=Decision(text="Bjud in skolan.")
    )
    action = services.action_save(
        actor=writer, group=group, action=Action(what="Skicka inbjudan.")
    )
    action.status = Action.Status.DONE
    services.action_save(actor=writer, group=group, action=action)
    services.item_delete(actor=writer, item=decision)

    assert decision.created_by == writer
    assert not Decision.objects.exists()
    assert Action.objects.get().status == Action.Status.DONE
    assert list(
        AuditEvent.objects.order_by("pk").values_list("action", "object_type", "actor")
    ) == [
        ("create", "municipalities.Decision", writer.pk),
        ("create", "municipalities.Action", writer.pk),
        ("update", "municipalities.Action", writer.pk),
        ("delete", "municipalities.Decision", writer.pk),
    ]


def test_status_set_creates_then_changes_one_row(world):
    rep_a = world["users"]["rep_a"]
    where = {"municipality": world["town_a"], "focus_area": world["area"]}

    services.status_set(
        actor=rep_a,
        stage=Stage.MAPPING,
        comment="Kartläggning pågår.",
        sharing_level=SharingLevel.OWN,
        **where,
    )
    status = services.status_set(
        actor=rep_a,
        stage=Stage.PLANNING,
        comment="",
        sharing_level=SharingLevel.OPEN,
        **where,
    )

    assert FocusAreaStatus.objects.get() == status
    assert (status.stage, status.updated_by) == (Stage.PLANNING, rep_a)
    assert [record.history_user for record in status.history.all()] == [rep_a] * 2
    assert (
        list(AuditEvent.objects.values_list("action", "actor", "path"))
        == [(AuditEvent.Action.UPDATE, rep_a.pk, "")] * 2
    )


def test_status_set_refuses_the_group_level(world):
    with pytest.raises(ValidationError):
        services.status_set(
            actor=world["users"]["rep_a"],
            municipality=world["town_a"],
            focus_area=world["area"],
            stage=Stage.MAPPING,
            comment="",
            sharing_level=SharingLevel.GROUP,
        )

    assert not FocusAreaStatus.objects.exists()
    assert not AuditEvent.objects.exists()


INDICATOR_VALUES = {
    "inquiries": 4,
    "cases_opened": 2,
    "cases_with_intervention": 1,
    "prevention_activities": 3,
    "people_reached": 40,
}


def test_indicator_report_save_is_audited_by_the_service(world):
    rep_a = world["users"]["rep_a"]

    report = services.indicator_report_save(
        actor=rep_a,
        municipality=world["town_a"],
        period_kind=IndicatorReport.PeriodKind.MONTH,
        period_start=datetime.date(2024, 2, 1),
        values=INDICATOR_VALUES,
    )

    assert report.updated_by == rep_a
    event = only_audit_row()
    assert (event.action, event.object_id, event.actor, event.path) == (
        AuditEvent.Action.UPDATE,
        str(report.pk),
        rep_a,
        "",
    )


@pytest.mark.parametrize(
    ("period_start", "values"),
    [
        (datetime.date(2024, 2, 1), INDICATOR_VALUES | {"cases_with_intervention": 9}),
        (datetime.date(2024, 2, 2), INDICATOR_VALUES),  # not a month's first day
        (datetime.date(2024, 1, 1), INDICATOR_VALUES),  # the quarter is reported
    ],
)
def test_indicator_report_save_refused_writes_nothing(world, period_start, values):
    factories.IndicatorReportFactory(
        municipality=world["town_a"],
        period_kind=IndicatorReport.PeriodKind.QUARTER,
        period_start=datetime.date(2023, 10, 1),
    )
    services.indicator_report_save(
        actor=world["users"]["rep_a"],
        municipality=world["town_a"],
        period_kind=IndicatorReport.PeriodKind.QUARTER,
        period_start=datetime.date(2024, 1, 1),
        values=INDICATOR_VALUES,
    )
    audited = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        services.indicator_report_save(
            actor=world["users"]["rep_a"],
            municipality=world["town_a"],
            period_kind=IndicatorReport.PeriodKind.MONTH,
            period_start=period_start,
            values=values,
        )

    assert IndicatorReport.objects.count() == 2
    assert AuditEvent.objects.count() == audited


def test_calendar_link_replace_revokes_and_audits_without_the_secret(world):
    partner = world["users"]["partner"]
    old = factories.CalendarTokenFactory(user=partner, group=world["group"])

    token = services.calendar_link_replace(actor=partner, group=world["group"])

    assert CalendarToken.objects.get() == token
    assert token.token != old.token
    event = only_audit_row()
    assert (event.object_type, event.object_id, event.actor) == (
        "municipalities.CalendarToken",
        str(token.pk),
        partner,
    )


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def entry_post(world, attachments=()):
    return {
        "group": world["group"].pk,
        "focus_area": world["area"].pk,
        "title": "Ny rapport",
        "period_start": "2024-02-01",
        "period_end": "2024-02-29",
        "text": "Två utbildningar genomförda.",
        "sharing_level": "group",
        "release_at": "2024-03-01T09:00",
        "attachments": list(attachments),
    }


# Each attachment adds one INSERT: its file goes to storage, not the database.
# Validation asks the database nothing the form has not read already: the
# group and focus area come from their fields' lookups, the check
# constraints are checked in Python (and held by the database). Three are
# the closing's lock (`services._write`): the mandate's row read inside the
# write's transaction, and the inner block's savepoint and release.
@pytest.mark.parametrize(("files", "queries"), [(0, 20), (1, 21), (3, 23)])
def test_entry_create_post_query_count(
    world, private_media, django_assert_num_queries, files, queries
):
    client = client_for(world, "rep_a")
    data = entry_post(world, [png(f"bild{n}.png") for n in range(files)])

    with django_assert_num_queries(queries):
        response = client.post("/samordning/lagesrapporter/ny/", data)

    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert EntryAttachment.objects.filter(entry=entry).count() == files
    assert AuditEvent.objects.get(action="create").path == (
        "/samordning/lagesrapporter/ny/"
    )


def test_admin_write_goes_through_the_service(world):
    superuser = world["users"]["superuser"]
    client = client_for(world, "superuser")

    response = client.post(
        "/admin/municipalities/meeting/add/",
        {
            "group": world["group"].pk,
            "starts_at_0": "2024-05-02",
            "starts_at_1": "09:00:00",
            "ends_at_0": "2024-05-02",
            "ends_at_1": "10:00:00",
            "created_by": world["users"]["chair"].pk,
        },
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.created_by == world["users"]["chair"]  # as the admin chose
    assert meeting.history.get().history_user == superuser
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert (event.object_id, event.actor, event.path) == (
        str(meeting.pk),
        superuser,
        "/admin/municipalities/meeting/add/",
    )
