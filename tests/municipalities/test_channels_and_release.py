"""The sharing rules hold in every channel, and release happens on time."""

import datetime
import zoneinfo

import time_machine
from django.test import Client

from municipalities.models import ProgressEntry, SharingLevel
from tests.municipalities.conftest import ROLES, SHUT_OUT, VIEW, client_for, make_entry

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def channel_urls(marker):
    return [
        "/samordning/",
        "/samordning/lagesrapporter/",
        f"/samordning/lagesrapporter/?q={marker}",
        "/samordning/lagesrapporter/flode/",
        "/samordning/grupper/operativ/",
        "/samordning/export/lagesrapporter.csv",
    ]


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_markers_appear_only_where_the_policy_allows(world, entries):
    for role in ROLES:
        client = client_for(world, role)
        for key, entry in entries.items():
            marker = entry.title.split()[-1]
            allowed = key in VIEW[role]
            for url in channel_urls(marker):
                response = client.get(url)
                if role in ("anonymous", "deactivated"):
                    assert response.status_code == 302, (role, url)
                    continue
                if role in SHUT_OUT:
                    assert response.status_code == 403, (role, url)
                    assert entry.title not in body_of(response)
                    continue
                if response.status_code == 404:
                    # The group page itself is closed to non-members.
                    assert (role, "grupper" in url) == ("rep_b", True)
                    continue
                body = body_of(response)
                if "?q=" in url:
                    # The query itself is echoed (search box, language switch).
                    shown = body.count(f">{entry.title}<") > 0
                else:
                    shown = marker in body
                # Every channel shows exactly what the role may see: absence
                # alone would pass for a channel that showed nothing.
                assert shown is allowed, (role, key, url)


def test_entry_feed_parses_with_visible_entries_only(world, entries):
    import feedparser

    response = client_for(world, "rep_b").get("/samordning/lagesrapporter/flode/")

    feed = feedparser.parse(response.content)
    titles = sorted(entry.title for entry in feed.entries)
    assert titles == sorted(
        entries[key].title for key in [("open", "released"), ("mandate", "released")]
    )


def test_release_happens_exactly_at_stockholm_time_across_dst(world, private_media):
    # The night clocks go forward: 03:00 CEST on 29 March 2026 is 01:00 UTC.
    release_local = datetime.datetime(2026, 3, 29, 3, 0, tzinfo=STOCKHOLM)
    client = client_for(world, "rep_a")
    response = client.post(
        "/samordning/lagesrapporter/ny/",
        {
            "group": world["group"].pk,
            "focus_area": world["area"].pk,
            "title": "Släpps vid sommartid",
            "period_start": "2026-03-01",
            "period_end": "2026-03-28",
            "text": "Utbildning genomförd.",
            "sharing_level": SharingLevel.MANDATE,
            "release_at": "2026-03-29T03:00",
        },
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(title="Släpps vid sommartid")
    assert entry.release_at == release_local
    assert entry.release_at == datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC)

    other = client_for(world, "rep_b")
    # Arithmetic in UTC: one second before 03:00 CEST is 01:59:59 CET on the
    # wall clock, which Python's wall-time arithmetic would get wrong.
    just_before = entry.release_at.astimezone(datetime.UTC) - datetime.timedelta(
        seconds=1
    )
    with time_machine.travel(just_before, tick=False):
        assert other.get(entry.get_absolute_url()).status_code == 404
        assert client.get(entry.get_absolute_url()).status_code == 200
    with time_machine.travel(release_local, tick=False):
        assert other.get(entry.get_absolute_url()).status_code == 200


def test_release_in_autumn_uses_stockholm_offset(world, private_media):
    # 25 October 2026: 02:30 happens twice; the form means the first (CEST).
    release = datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)
    entry = make_entry(
        world, level=SharingLevel.MANDATE, release_at=release, title="Höst"
    )
    other = client_for(world, "rep_b")

    with time_machine.travel(release - datetime.timedelta(seconds=1), tick=False):
        assert other.get(entry.get_absolute_url()).status_code == 404
    with time_machine.travel(release, tick=False):
        assert other.get(entry.get_absolute_url()).status_code == 200
    assert release.astimezone(STOCKHOLM).strftime("%H:%M %Z") == "02:30 CEST"


def test_forged_fields_cannot_change_unit_author_or_group(world, private_media):
    client = client_for(world, "rep_a")
    forged = {
        "group": world["group"].pk,
        "focus_area": world["area"].pk,
        "title": "Förfalskad",
        "period_start": "2024-01-01",
        "period_end": "2024-01-31",
        "text": "Text.",
        "sharing_level": SharingLevel.GROUP,
        "release_at": "2024-02-01T09:00",
        "municipality": world["town_b"].pk,
        "organisation": world["police"].pk,
        "author": world["users"]["staff"].pk,
        "created_at": "2000-01-01T00:00",
    }

    response = client.post("/samordning/lagesrapporter/ny/", forged)

    assert response.status_code == 302
    entry = ProgressEntry.objects.get(title="Förfalskad")
    assert entry.municipality == world["town_a"]
    assert entry.organisation is None
    assert entry.author == world["users"]["rep_a"]

    other_group = client.post(
        "/samordning/lagesrapporter/ny/",
        {**forged, "title": "Fel grupp", "group": world["other_group"].pk},
    )
    assert other_group.status_code == 400
    assert "group" in other_group.context["form"].errors
    bad_level = client.post(
        "/samordning/lagesrapporter/ny/",
        {**forged, "title": "Fel nivå", "sharing_level": "everyone"},
    )
    assert bad_level.status_code == 400
    assert not ProgressEntry.objects.filter(title__in=["Fel grupp", "Fel nivå"])

    edit = client.post(
        entry.get_absolute_url() + "andra/",
        {**forged, "title": "Ändrad", "municipality": world["town_b"].pk},
    )
    assert edit.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.municipality, entry.author) == (
        "Ändrad",
        world["town_a"],
        world["users"]["rep_a"],
    )


def test_forged_group_item_fields_are_ignored(world):
    chair = client_for(world, "chair")

    response = chair.post(
        "/samordning/grupper/operativ/moten/nytt/",
        {
            "starts_at": "2024-05-02T09:00",
            "ends_at": "2024-05-02T10:00",
            "group": world["other_group"].pk,
            "created_by": world["users"]["staff"].pk,
        },
    )

    assert response.status_code == 302
    meeting = world["group"].meetings.get()
    assert meeting.created_by == world["users"]["chair"]
    assert not world["other_group"].meetings.exists()


def test_calendar_link_is_secret_and_revocable(world):
    import icalendar

    partner = client_for(world, "partner")
    chair = client_for(world, "chair")
    chair.post(
        "/samordning/grupper/operativ/moten/nytt/",
        {"starts_at": "2024-05-02T09:00", "ends_at": "2024-05-02T10:00"},
    )
    partner.post("/samordning/grupper/operativ/kalenderlank/")
    page = partner.get("/samordning/grupper/operativ/")
    url = page.context["calendar_url"].split("testserver", 1)[1]

    feed = Client().get(url)
    (event,) = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    partner.post("/samordning/grupper/operativ/kalenderlank/")

    assert feed.status_code == 200
    assert str(event["SUMMARY"]) == f"Möte: {world['group'].name}"
    assert event.decoded("DTSTART").isoformat() == "2024-05-02T07:00:00+00:00"
    assert Client().get(url).status_code == 404
