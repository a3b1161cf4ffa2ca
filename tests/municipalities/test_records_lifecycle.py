"""Records move utkast → fastställd → låst: adopted minutes and entries are
never changed in place (403 with the reason, on every path), a correction is
a new, linked version seen by exactly those who see the original, adoption
is the chair's or staff's and audited, and the history shows every version.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError
from django.urls import reverse

from municipalities.coordination import policies, services
from municipalities.models import (
    Meeting,
    Membership,
    Minutes,
    ProgressEntry,
    RecordState,
)
from portal.models import AuditEvent
from tests import factories
from tests.municipalities.conftest import (
    PAST,
    ROLES,
    adopt,
    client_for,
    make_entry,
)

CLOSED = "fastställd och kan inte längre ändras"
LOCKED = "låst och kan inte längre ändras"
NOTICE = "kan bli allmänna handlingar"


def minutes_url(meeting, page=""):
    return f"/samordning/grupper/operativ/moten/{meeting.pk}/anteckningar/{page}"


def text_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(" ")


@pytest.fixture
def meeting(world):
    return factories.MeetingFactory(group=world["group"])


def seat(world, key, *, role=Membership.Role.MEMBER, end=None, **user_fields):
    user = factories.UserFactory(
        email=f"{key}@example.se", municipality=world["town_b"], **user_fields
    )
    factories.MembershipFactory(
        user=user,
        group=world["group"],
        municipality=world["town_b"],
        role=role,
        start_date=datetime.date(2022, 1, 1),
        end_date=end,
    )
    world["users"][key] = user
    return user


# --- minutes ----------------------------------------------------------------


def test_adopted_minutes_cannot_be_edited_and_a_correction_is_a_linked_version(
    world, meeting
):
    chair = client_for(world, "chair")
    assert (
        chair.post(minutes_url(meeting, "skriv/"), {"text": "Utkast."}).status_code
        == 302
    )
    assert (
        chair.post(minutes_url(meeting, "skriv/"), {"text": "Utkast 2."}).status_code
        == 302
    )
    first = Minutes.objects.get()
    assert (first.version, first.state, first.text) == (1, "draft", "Utkast 2.")

    assert chair.post(minutes_url(meeting, "faststall/")).status_code == 302
    first.refresh_from_db()
    assert (first.state, first.adopted_by) == (
        RecordState.ADOPTED,
        world["users"]["chair"],
    )
    assert first.adopted_at is not None

    # The chair (who wrote it) and every other member: 403 with the reason.
    for role in ("chair", "rep_a", "partner_writer", "staff"):
        refused = client_for(world, role).post(
            minutes_url(meeting, "skriv/"), {"text": "Ändrad i efterhand."}
        )
        assert refused.status_code == 403, role
        assert CLOSED in text_of(refused), role
    first.refresh_from_db()
    assert first.text == "Utkast 2."

    corrected = chair.post(minutes_url(meeting, "rattelse/"), {"text": "Rättad."})

    assert corrected.status_code == 302
    second = Minutes.objects.get(version=2)
    assert (second.supersedes, second.state, second.text) == (first, "draft", "Rättad.")
    assert second.meeting == meeting
    first.refresh_from_db()
    assert (first.state, first.text) == (RecordState.ADOPTED, "Utkast 2.")
    # The correction is a draft: it is written on, then adopted in its turn.
    assert (
        chair.post(minutes_url(meeting, "skriv/"), {"text": "Rättad igen."}).status_code
        == 302
    )
    assert Minutes.objects.get(version=2).text == "Rättad igen."
    # One correction at a time: another is refused while it is a draft.
    assert (
        chair.post(minutes_url(meeting, "rattelse/"), {"text": "x"}).status_code == 403
    )


def test_minutes_are_written_by_chair_secretary_and_staff_only(world, meeting):
    seat(world, "secretary", role=Membership.Role.SECRETARY)
    answers = {
        role: client_for(world, role)
        .post(minutes_url(meeting, "skriv/"), {"text": f"Av {role}."})
        .status_code
        for role in (
            "rep_a",
            "partner",
            "partner_writer",
            "secretary",
            "chair",
            "staff",
        )
    }

    assert answers == {
        "rep_a": 403,
        "partner": 403,
        "partner_writer": 403,
        "secretary": 302,
        "chair": 302,
        "staff": 302,
    }
    assert Minutes.objects.get().text == "Av staff."


def test_only_the_chair_and_staff_adopt_and_the_secretary_does_not(world, meeting):
    seat(world, "secretary", role=Membership.Role.SECRETARY)
    minutes = factories.MinutesFactory(meeting=meeting)

    for role in ("secretary", "rep_a", "partner_writer"):
        assert (
            client_for(world, role).post(minutes_url(meeting, "faststall/")).status_code
            == 403
        )
    minutes.refresh_from_db()
    assert minutes.state == RecordState.DRAFT
    assert (
        client_for(world, "staff").post(minutes_url(meeting, "faststall/")).status_code
        == 302
    )
    minutes.refresh_from_db()
    assert (minutes.state, minutes.adopted_by) == ("adopted", world["users"]["staff"])


def test_former_members_and_deactivated_users_cannot_adopt(world, meeting):
    former_chair = seat(
        world,
        "former_chair",
        role=Membership.Role.CHAIR,
        end=datetime.date(2023, 3, 31),
    )
    gone_chair = seat(world, "gone_chair", role=Membership.Role.CHAIR, is_active=False)
    minutes = factories.MinutesFactory(meeting=meeting)
    entry = make_entry(world, level="group", release_at=PAST, title="Utkast")

    for user in (former_chair, gone_chair, world["users"]["former"]):
        assert not policies.can_adopt_minutes(user, minutes)
        assert not policies.can_adopt_entry(user, entry)
    refused = client_for(world, "former_chair").post(minutes_url(meeting, "faststall/"))
    refused_entry = client_for(world, "former_chair").post(
        reverse("samordning:entry-adopt", args=[entry.pk])
    )

    assert (refused.status_code, refused_entry.status_code) == (403, 403)
    # A deactivated user cannot sign in at all.
    gone = client_for(world, "gone_chair").post(minutes_url(meeting, "faststall/"))
    assert gone.status_code == 302
    assert gone.url.startswith("/logga-in/")
    minutes.refresh_from_db()
    entry.refresh_from_db()
    assert (minutes.state, entry.state) == ("draft", "draft")
    assert policies.can_adopt_minutes(world["users"]["chair"], minutes)


def test_a_meeting_with_adopted_minutes_cannot_be_deleted(world, meeting):
    adopt(factories.MinutesFactory(meeting=meeting), world["users"]["chair"])
    url = f"/samordning/grupper/operativ/moten/{meeting.pk}/ta-bort/"

    refused = client_for(world, "chair").post(url)

    assert refused.status_code == 403
    assert "kan därför inte tas bort" in text_of(refused)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_meeting_with_draft_minutes_goes_with_them(world, meeting):
    factories.MinutesFactory(meeting=meeting)
    url = f"/samordning/grupper/operativ/moten/{meeting.pk}/ta-bort/"

    assert client_for(world, "chair").post(url).status_code == 302
    assert not Minutes.objects.exists()


def test_minutes_page_shows_every_version_and_the_public_record_notice(world, meeting):
    first = adopt(
        factories.MinutesFactory(meeting=meeting, text="Första."),
        world["users"]["chair"],
    )
    services.minutes_correct(
        actor=world["users"]["chair"], minutes=first, text="Andra."
    )

    page = client_for(world, "partner").get(minutes_url(meeting))
    text = text_of(page)

    assert page.status_code == 200
    assert "Version 2" in text
    assert "Version 1" in text
    assert text.index("Andra.") < text.index("Första.")
    assert "rättelse av version 1" in text
    assert "Fastställd av" in text
    assert text.count(NOTICE) == 1  # on the adopted version, not on the draft
    # Another group's member does not see the meeting at all.
    assert client_for(world, "rep_b").get(minutes_url(meeting)).status_code == 404


def test_group_page_shows_the_adopted_minutes_and_a_correction_in_progress(
    world, meeting
):
    first = adopt(
        factories.MinutesFactory(meeting=meeting, text="Fastställd text."),
        world["users"]["chair"],
    )
    services.minutes_correct(
        actor=world["users"]["chair"], minutes=first, text="Utkast till rättelse."
    )

    text = text_of(client_for(world, "rep_a").get("/samordning/grupper/operativ/"))

    assert "Fastställd text." in text
    assert "Utkast till rättelse." not in text
    assert "En rättelse skrivs och har inte fastställts än." in text


# --- entries ----------------------------------------------------------------


@pytest.fixture
def adopted(world, private_media):
    entry = make_entry(world, level="group", release_at=PAST, title="Rapport maj")
    return services.record_adopt(actor=world["users"]["staff"], record=entry)


def entry_post(world, entry, **changes):
    return {
        "group": entry.group_id,
        "focus_area": entry.focus_area_id,
        "title": entry.title,
        "period_start": entry.period_start.isoformat(),
        "period_end": entry.period_end.isoformat(),
        "text": entry.text,
        "sharing_level": entry.sharing_level,
        "release_at": "2024-01-01T10:00",
        **changes,
    }


def test_staff_adoption_is_audited_with_who_and_when(world, private_media):
    entry = make_entry(world, level="group", release_at=PAST, title="Rapport")

    response = client_for(world, "staff").post(
        reverse("samordning:entry-adopt", args=[entry.pk])
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.state, entry.adopted_by) == ("adopted", world["users"]["staff"])
    event = AuditEvent.objects.get(action=AuditEvent.Action.ADOPT)
    assert (event.actor, event.object_type, event.object_id) == (
        world["users"]["staff"],
        "municipalities.ProgressEntry",
        str(entry.pk),
    )
    assert event.path == f"/samordning/lagesrapporter/{entry.pk}/faststall/"


def test_adopting_through_the_admin_uses_the_service_and_is_audited(
    world, meeting, private_media
):
    entry = make_entry(world, level="group", release_at=PAST, title="Rapport")
    minutes = factories.MinutesFactory(meeting=meeting)
    client = client_for(world, "staff")  # Programledning: read-only otherwise

    for model, record in (("progressentry", entry), ("minutes", minutes)):
        response = client.post(
            reverse(f"admin:municipalities_{model}_changelist"),
            {"action": "adopt_selected", "index": 0, "_selected_action": [record.pk]},
        )
        assert response.status_code == 302
        record.refresh_from_db()
        assert (record.state, record.adopted_by) == ("adopted", world["users"]["staff"])

    assert AuditEvent.objects.filter(action=AuditEvent.Action.ADOPT).count() == 2


def test_an_adopted_entry_cannot_be_edited_or_deleted_by_its_author(world, adopted):
    author = client_for(world, "rep_a")
    detail = author.get(adopted.get_absolute_url())
    edit = adopted.get_absolute_url() + "andra/"
    delete = adopted.get_absolute_url() + "ta-bort/"

    answers = [
        author.get(edit),
        author.post(edit, entry_post(world, adopted, title="Ändrad")),
        author.get(delete),
        author.post(delete),
    ]

    assert [response.status_code for response in answers] == [403] * 4
    assert all(CLOSED in text_of(response) for response in answers)
    adopted.refresh_from_db()
    assert (adopted.title, adopted.state) == ("Rapport maj", "adopted")
    # The page offers a correction, not the closed doors.
    assert "Skriv en rättelse" in text_of(detail)
    assert edit not in detail.content.decode()
    assert NOTICE in text_of(detail)


def test_an_adopted_entry_cannot_be_changed_in_the_admin_by_anyone(world, adopted):
    change = reverse("admin:municipalities_progressentry_change", args=[adopted.pk])
    delete = reverse("admin:municipalities_progressentry_delete", args=[adopted.pk])
    changelist = reverse("admin:municipalities_progressentry_changelist")
    data = {"title": "Ändrad i admin", "text": "Ny text."}

    # The author is not staff: the admin sends them to its login.
    author = client_for(world, "rep_a")
    assert author.post(change, data).status_code == 302
    assert author.post(delete, {"post": "yes"}).status_code == 302
    # Programledning reads; the superuser, who may change drafts, may not
    # change or delete an adopted entry either.
    for role in ("staff", "superuser"):
        client = client_for(world, role)
        assert client.post(change, data).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        client.post(
            changelist,
            {
                "action": "delete_selected",
                "index": 0,
                "_selected_action": [adopted.pk],
                "post": "yes",
            },
        )
    superuser_page = client_for(world, "superuser").get(change)
    assert superuser_page.status_code == 200
    assert 'name="title"' not in superuser_page.content.decode()  # read only

    adopted.refresh_from_db()
    assert (adopted.title, adopted.state) == ("Rapport maj", "adopted")


def test_services_refuse_to_change_an_adopted_entry_whoever_calls(world, adopted):
    staff = world["users"]["staff"]
    adopted.title = "Ändrad i koden"

    with pytest.raises(ValidationError):
        services.item_save(actor=staff, item=adopted)
    with pytest.raises(ValidationError):
        services.entry_delete(actor=staff, entry=adopted)
    with pytest.raises(ValidationError):
        services.items_delete(actor=staff, queryset=ProgressEntry.objects.all())
    with pytest.raises(ValidationError):
        services.record_adopt(actor=staff, record=adopted)

    assert ProgressEntry.objects.get().title == "Rapport maj"


def test_a_correction_is_a_new_linked_draft_by_its_writer(world, adopted):
    response = client_for(world, "rep_a").post(
        adopted.get_absolute_url() + "rattelse/",
        entry_post(world, adopted, text="Rättad text."),
    )

    assert response.status_code == 302
    correction = ProgressEntry.objects.get(version=2)
    assert response.url == correction.get_absolute_url()
    assert (correction.supersedes, correction.state, correction.text) == (
        adopted,
        "draft",
        "Rättad text.",
    )
    assert correction.author == world["users"]["rep_a"]
    adopted.refresh_from_db()
    assert adopted.text == "Text."
    detail = text_of(client_for(world, "chair").get(adopted.get_absolute_url()))
    assert "Den här versionen har rättats: version 2 finns." in detail
    # The correction is a draft its author may change, and the chair adopt.
    assert (
        client_for(world, "rep_a")
        .get(correction.get_absolute_url() + "andra/")
        .status_code
        == 200
    )
    assert (
        client_for(world, "chair")
        .post(reverse("samordning:entry-adopt", args=[correction.pk]))
        .status_code
        == 302
    )


def test_only_the_entrys_own_unit_and_staff_write_a_correction(world, adopted):
    answers = {
        role: client_for(world, role)
        .get(adopted.get_absolute_url() + "rattelse/")
        .status_code
        for role in ("rep_a", "chair", "partner_writer", "partner", "staff", "rep_b")
    }

    assert answers == {
        "rep_a": 200,
        "chair": 403,
        "partner_writer": 403,
        "partner": 403,
        "staff": 200,
        "rep_b": 404,
    }


@pytest.mark.parametrize("level", ["own", "group", "mandate", "open"])
@pytest.mark.parametrize(
    "release", [PAST, datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)]
)
def test_a_correction_is_seen_by_exactly_those_who_see_the_original(
    world, private_media, level, release
):
    original = make_entry(world, level=level, release_at=release, title="Original")
    services.record_adopt(actor=world["users"]["staff"], record=original)
    # The author tries to widen it: another group, open, released at once.
    response = client_for(world, "rep_a").post(
        original.get_absolute_url() + "rattelse/",
        entry_post(
            world,
            original,
            group=world["other_group"].pk,
            sharing_level="open",
            release_at="2020-01-01T00:00",
            text="Rättelse.",
        ),
    )

    assert response.status_code == 302
    correction = ProgressEntry.objects.get(version=2)
    for name in ("group_id", "municipality_id", "organisation_id", "sharing_level"):
        assert getattr(correction, name) == getattr(original, name), name
    assert correction.release_at == original.release_at
    for role in ROLES:
        user = world["users"].get(role)
        if user is None:
            continue
        seen = set(
            ProgressEntry.objects.visible_to(user).values_list("version", flat=True)
        )
        assert seen in (set(), {1, 2}), role
        assert (1 in seen) == (policies.can_view_entry(user, original)), role


def test_a_correction_cannot_be_widened_afterwards_on_any_path(world, adopted):
    correction = services.entry_correct(
        actor=world["users"]["rep_a"],
        entry=adopted,
        focus_area=adopted.focus_area,
        title=adopted.title,
        period_start=adopted.period_start,
        period_end=adopted.period_end,
        text="Rättelse.",
    )
    url = correction.get_absolute_url() + "andra/"

    edited = client_for(world, "rep_a").post(
        url, entry_post(world, correction, sharing_level="open", title="Ny rubrik")
    )

    assert edited.status_code == 302
    correction.refresh_from_db()
    assert (correction.sharing_level, correction.title) == ("group", "Ny rubrik")
    correction.sharing_level = "open"
    with pytest.raises(ValidationError):
        services.item_save(actor=world["users"]["superuser"], item=correction)
    admin_page = client_for(world, "superuser").get(
        reverse("admin:municipalities_progressentry_change", args=[correction.pk])
    )
    assert 'name="sharing_level"' not in admin_page.content.decode()
    assert 'name="title"' in admin_page.content.decode()


def test_history_shows_every_version_from_each_of_them(world, adopted):
    rep = client_for(world, "rep_a")
    rep.post(
        adopted.get_absolute_url() + "rattelse/",
        entry_post(world, adopted, text="Rättad."),
    )
    correction = ProgressEntry.objects.get(version=2)
    rep.post(
        correction.get_absolute_url() + "andra/",
        entry_post(world, correction, title="Rapport maj, rättad"),
    )

    for entry in (adopted, correction):
        page = client_for(world, "chair").get(entry.get_absolute_url() + "historik/")
        soup = BeautifulSoup(page.content.decode(), "html.parser")
        sections = {
            section.find("h2").get_text(" ", strip=True).split(":")[0]: [
                [cell.get_text(" ", strip=True) for cell in row.find_all("td")][2]
                for row in section.select("tbody tr")
            ]
            for section in soup.select("main section")
        }
        assert sections == {
            "Version 2": ["rubrik", "Skapad"],
            "Version 1": ["fastställd, fastställd av, status", "Skapad"],
        }, entry.version
        assert "Fastställd av" in soup.get_text(" ")


def test_history_of_a_version_is_read_through_the_door(world, private_media):
    original = make_entry(world, level="own", release_at=PAST, title="Egen")
    services.record_adopt(actor=world["users"]["staff"], record=original)

    assert (
        client_for(world, "chair")
        .get(original.get_absolute_url() + "historik/")
        .status_code
        == 404
    )
    assert (
        client_for(world, "rep_a")
        .get(original.get_absolute_url() + "historik/")
        .status_code
        == 200
    )


# --- locking ----------------------------------------------------------------


def test_locking_is_final_and_audited_and_runs_once(world, meeting, adopted):
    draft = make_entry(world, level="group", release_at=PAST, title="Utkast")
    minutes = factories.MinutesFactory(meeting=meeting)
    staff = world["users"]["staff"]

    locked = services.records_lock_all(actor=staff)

    assert locked == 3
    assert set(ProgressEntry.objects.values_list("state", flat=True)) == {"locked"}
    minutes.refresh_from_db()
    assert minutes.state == "locked"
    assert minutes.locked_at is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCK).count() == 3
    assert services.records_lock_all(actor=staff) == 0
    # Nobody changes, corrects or deletes what is locked.
    rep = client_for(world, "rep_a")
    for url in (
        draft.get_absolute_url() + "andra/",
        adopted.get_absolute_url() + "rattelse/",
        adopted.get_absolute_url() + "ta-bort/",
    ):
        response = rep.get(url)
        assert response.status_code == 403, url
        assert LOCKED in text_of(response), url
    chair = client_for(world, "chair")
    for page in ("skriv/", "faststall/", "rattelse/"):
        assert chair.post(minutes_url(meeting, page), {"text": "x"}).status_code == 403
    assert (
        chair.get(f"/samordning/grupper/operativ/moten/{meeting.pk}/andra/").status_code
        == 403
    )
    assert "Låst den" in text_of(rep.get(adopted.get_absolute_url()))


def test_staff_lock_in_the_admin_and_members_cannot(world, adopted):
    changelist = reverse("admin:municipalities_progressentry_changelist")
    data = {"action": "lock_selected", "index": 0, "_selected_action": [adopted.pk]}

    client_for(world, "rep_a").post(changelist, data)
    adopted.refresh_from_db()
    assert adopted.state == "adopted"

    assert client_for(world, "staff").post(changelist, data).status_code == 302
    adopted.refresh_from_db()
    assert adopted.state == "locked"
    assert policies.can_lock_records(world["users"]["staff"])
    assert not policies.can_lock_records(world["users"]["chair"])


# --- states and rules in one table ---------------------------------------------


@pytest.mark.parametrize("state", ["draft", "adopted", "locked"])
def test_who_may_edit_an_entry_in_each_state(world, private_media, state):
    entry = make_entry(world, level="group", release_at=PAST, title="Rapport")
    if state != "draft":
        services.record_adopt(actor=world["users"]["staff"], record=entry)
    if state == "locked":
        services.records_lock(
            actor=world["users"]["staff"], queryset=ProgressEntry.objects.all()
        )
    entry.refresh_from_db()

    editors = {
        role
        for role, user in world["users"].items()
        if policies.can_edit_entry(user, entry)
    }

    assert editors == ({"rep_a", "staff", "superuser"} if state == "draft" else set())


def test_a_version_is_deleted_only_together_with_its_correction(
    world, meeting, adopted
):
    """What a purge at the end of the mandate needs: a meeting takes all its
    minutes with it, and entries go with their corrections, never one
    without the other."""
    first = adopt(factories.MinutesFactory(meeting=meeting), world["users"]["chair"])
    services.minutes_correct(actor=world["users"]["chair"], minutes=first, text="x")
    services.entry_correct(
        actor=world["users"]["rep_a"],
        entry=adopted,
        focus_area=adopted.focus_area,
        title=adopted.title,
        period_start=adopted.period_start,
        period_end=adopted.period_end,
        text="Rättad.",
    )

    meeting.delete()
    with pytest.raises(RestrictedError):
        ProgressEntry.objects.filter(pk=adopted.pk).delete()
    ProgressEntry.objects.filter(title="Rapport maj").delete()

    assert not Minutes.objects.exists()
    assert not ProgressEntry.objects.exists()


def test_group_page_offers_no_door_a_record_closes(world, meeting):
    recorded = factories.MeetingFactory(group=world["group"])
    locked = factories.MeetingFactory(group=world["group"])
    adopt(factories.MinutesFactory(meeting=recorded), world["users"]["chair"])
    factories.MinutesFactory(meeting=locked)
    services.records_lock(
        actor=world["users"]["staff"], queryset=Minutes.objects.filter(meeting=locked)
    )

    body = client_for(world, "chair").get("/samordning/grupper/operativ/").content
    html = body.decode()

    base = "/samordning/grupper/operativ/moten/"
    assert f"{base}{meeting.pk}/andra/" in html
    assert f"{base}{meeting.pk}/ta-bort/" in html
    assert f"{base}{recorded.pk}/andra/" in html
    assert f"{base}{recorded.pk}/ta-bort/" not in html
    assert f"{base}{locked.pk}/andra/" not in html
    assert f"{base}{locked.pk}/ta-bort/" not in html
