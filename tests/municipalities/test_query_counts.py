"""Every page type of the coordination area runs the same number of queries
with 1, 3 and 30 of everything, for each kind of reader: entries of every
sharing level, meetings, decisions, actions, statuses and their history,
indicator reports across as many months, municipalities and working groups
all grow between the counts. Downloads are read to the end inside the
count (a streamed CSV queries while it is sent)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from municipalities.models import CalendarToken, Membership, SharingLevel
from tests import factories
from tests.municipalities.conftest import PAST, client_for, make_entry

LEVELS = list(SharingLevel)


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def grown(world, private_media):
    users = world["users"]
    entry = make_entry(world, level="open", release_at=PAST, title="Rapport fast")
    token = CalendarToken.objects.create(user=users["rep_a"], group=world["group"])
    world |= {
        "entry": entry,
        "attachment": entry.attachments.get(),
        "token": token.token,
        "size": 0,
    }
    return world


def grow(world, size):
    users = world["users"]
    group, area = world["group"], world["area"]
    for n in range(world["size"], size):
        town = factories.MunicipalityFactory()
        group.municipalities.add(town)
        other_area = factories.FocusAreaFactory(mandate=area.mandate)
        new_group = factories.WorkingGroupFactory(mandate=area.mandate)
        Membership.objects.create(
            user=users["rep_a"],
            group=new_group,
            municipality=users["rep_a"].municipality,
        )
        month = datetime.date(2018 + n // 12, n % 12 + 1, 1)
        for unit in (world["town_a"], world["town_b"], town):
            factories.IndicatorReportFactory(
                municipality=unit,
                period_start=month,
                inquiries=n % 7,
                cases_opened=n % 5,
                cases_with_intervention=n % 3 if n % 5 >= n % 3 else 0,
            )
        for status_area in (area, other_area):
            factories.FocusAreaStatusFactory(
                municipality=town, focus_area=status_area, sharing_level="mandate"
            )
        status, _ = world["town_a"].statuses.get_or_create(
            focus_area=area, defaults={"sharing_level": "mandate"}
        )
        status.comment = f"Läge {n}"
        status.save()
        for author, level in (
            ("rep_a", LEVELS[n % 4]),
            ("rep_b", SharingLevel.MANDATE),
            ("partner_writer", SharingLevel.GROUP),
        ):
            factories.ProgressEntryFactory(
                group=group if author != "rep_b" else world["other_group"],
                author=users[author],
                focus_area=area if n % 2 else other_area,
                title=f"Rapport {n} {author}",
                period_start=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
                period_end=datetime.date(2024, 2, 1) + datetime.timedelta(days=n),
                sharing_level=level,
                release_at=PAST,
            )
        meeting = factories.MeetingFactory(
            group=group,
            starts_at=datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC)
            + datetime.timedelta(days=n),
            created_by=users["chair"],
        )
        decision = factories.DecisionFactory(
            group=group, meeting=meeting, created_by=users["chair"]
        )
        factories.ActionFactory(group=group, decision=decision, owner=users["rep_a"])
        world["entry"].text = f"Ändrad {n}."
        world["entry"].save()
    world["size"] = size


def pages(world):
    entry = world["entry"].get_absolute_url()
    town, area = world["town_a"].slug, world["area"].slug
    return {
        "dashboard": "/samordning/",
        "group": "/samordning/grupper/operativ/",
        "group calendar": f"/samordning/grupper/operativ/kalender/{world['token']}.ics",
        "entries": "/samordning/lagesrapporter/",
        "entries page 2": "/samordning/lagesrapporter/?grupp=operativ&sida=2",
        "entry search": "/samordning/lagesrapporter/?q=Rapport",
        "entry": entry,
        "entry history": f"{entry}historik/",
        "entry feed": "/samordning/lagesrapporter/flode/",
        "attachment": world["attachment"].get_absolute_url(),
        "status": "/samordning/lage/",
        "status form": f"/samordning/lage/{town}/{area}/",
        "indicators": "/samordning/indikatorer/",
        "indicators of a month": "/samordning/indikatorer/?period=2018-01",
        "comparison": "/samordning/jamforelse/",
        "entries CSV": "/samordning/export/lagesrapporter.csv",
        "statuses CSV": "/samordning/export/lage.csv",
        "indicators CSV": "/samordning/export/indikatorer.csv",
        "report": "/samordning/rapport/?start=2018-01-01&end=2018-06-30",
    }


# What each reader may open (the others answer 403, tested elsewhere).
NOT_FOR = {
    "staff": {"group calendar"},
    "rep_a": {"comparison"},
    "partner": {"group calendar", "status", "status form", "comparison", "report"},
}
EXPECTED = {
    "staff": {
        "dashboard": 20,
        "group": 19,
        "entries": 12,
        "entries page 2": 12,
        "entry search": 12,
        "entry": 13,
        "entry history": 13,
        "entry feed": 10,
        "attachment": 10,
        "status": 13,
        "status form": 14,
        "indicators": 14,
        "indicators of a month": 14,
        "comparison": 18,
        "entries CSV": 10,
        "statuses CSV": 10,
        "indicators CSV": 11,
        "report": 22,
    },
    # A member's doors read their seats; a representative's entry page
    # also asks whether they may edit it.
    "rep_a": {
        "dashboard": 28,
        "group": 27,
        "group calendar": 13,
        "entries": 18,
        "entries page 2": 18,
        "entry search": 18,
        "entry": 21,
        "entry history": 19,
        "entry feed": 11,
        "attachment": 12,
        "status": 20,
        "status form": 22,
        "indicators": 23,
        "indicators of a month": 23,
        "entries CSV": 12,
        "statuses CSV": 13,
        "indicators CSV": 14,
        "report": 27,
    },
    "partner": {
        "dashboard": 27,
        "group": 27,
        "entries": 18,
        "entries page 2": 18,
        "entry search": 18,
        "entry": 20,
        "entry history": 19,
        "entry feed": 11,
        "attachment": 12,
        "indicators": 23,
        "indicators of a month": 23,
        "entries CSV": 12,
        "statuses CSV": 13,
        "indicators CSV": 14,
    },
}


@pytest.mark.parametrize("reader", ["staff", "rep_a", "partner"])
def test_coordination_page_queries_do_not_grow_with_data(grown, reader):
    client = client_for(grown, reader)
    urls = {
        name: url for name, url in pages(grown).items() if name not in NOT_FOR[reader]
    }
    counts = {}
    for size in (1, 3, 30):
        grow(grown, size)
        counts[size] = {name: query_count(client, url) for name, url in urls.items()}

    for size, measured in counts.items():
        wrong = {
            name: (count, EXPECTED[reader][name])
            for name, count in measured.items()
            if count != EXPECTED[reader][name]
        }
        assert wrong == {}, (reader, size, wrong)
