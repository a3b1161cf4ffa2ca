"""The reporting rhythm: a group's schedule gives its periods and due dates;
units with a reporting seat that have not reported for the last due period
are flagged on the dashboard, the group page and the comparison view (as
far as the reader may know it), actions past their due date are marked, and
none of it adds a query per row."""

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup

from municipalities.coordination import rhythm
from municipalities.models import (
    Action,
    IndicatorReport,
    Membership,
    ReportingSchedule,
    WorkingGroup,
)
from portal.models import AuditEvent
from tests import factories
from tests.municipalities.conftest import client_for

D = datetime.date
# The factories' mandate runs April 2022 – March 2023.
JUNE_11 = datetime.datetime(2022, 6, 11, 10, tzinfo=datetime.UTC)


def schedule_for(group, **fields):
    return factories.ReportingScheduleFactory(group=group, **fields)


def entry(world, user_key, period_start, group=None, **extra):
    user = world["users"][user_key]
    return factories.ProgressEntryFactory(
        **extra,
        group=group or world["group"],
        author=user,
        municipality=user.municipality,
        organisation=user.organisation,
        focus_area=world["area"],
        period_start=period_start,
        period_end=period_start.replace(day=28),
    )


def indicators(municipality, start, kind="month"):
    values = dict.fromkeys(IndicatorReport.INDICATORS, 1)
    return IndicatorReport.objects.create(
        municipality=municipality, period_kind=kind, period_start=start, **values
    )


def text_of(response):
    """The page's text, spaced as read: one space between words, none
    before punctuation (get_text puts one between every two tags)."""
    text = BeautifulSoup(response.content.decode(), "html.parser").get_text(" ")
    return re.sub(r" ([,:.)])", r"\1", " ".join(text.split()))


# --- periods ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2022, 5, 5), None),  # March 2022 is before the mandate
        (D(2022, 5, 11), "2022-04"),
        (D(2022, 6, 10), "2022-04"),  # May is due today, not yet overdue
        (D(2022, 6, 11), "2022-05"),
        (D(2023, 4, 11), "2023-03"),
        (D(2026, 11, 25), "2023-03"),  # after the mandate: its last period
    ],
)
def test_last_due_period_of_a_monthly_schedule(db, today, expected):
    schedule = schedule_for(factories.WorkingGroupFactory(), due_day=10)

    period = rhythm.last_due_period(schedule, today)

    assert (period.token if period else None) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2022, 4, 20), None),  # March's turn, before the mandate
        (D(2022, 5, 4), None),
        (D(2022, 5, 5), "2022-04"),  # five days before 10 May
        (D(2022, 6, 4), "2022-04"),
        (D(2022, 6, 5), "2022-05"),
        (D(2023, 4, 5), "2023-03"),
        (D(2023, 5, 5), None),  # April 2023 is after the mandate
    ],
)
def test_reminder_period_opens_five_days_before_the_due_date(db, today, expected):
    schedule = schedule_for(factories.WorkingGroupFactory(), due_day=10)

    period = rhythm.reminder_period(schedule, today)

    assert (period.token if period else None) == expected


def test_quarterly_schedule_is_due_after_the_quarter(db):
    schedule = schedule_for(
        factories.WorkingGroupFactory(),
        frequency=ReportingSchedule.Frequency.QUARTERLY,
        due_day=15,
    )

    assert rhythm.last_due_period(schedule, D(2022, 7, 15)) is None
    period = rhythm.last_due_period(schedule, D(2022, 7, 16))
    assert (period.token, rhythm.due_date(schedule, period)) == (
        "2022-K2",
        D(2022, 7, 15),
    )
    assert rhythm.reminder_period(schedule, D(2022, 10, 10)).token == "2022-K3"


# --- who owes what ------------------------------------------------------------


def by_unit(dues):
    return {due.unit_name: (due.missing_entry, due.missing_indicators) for due in dues}


def test_units_with_a_reporting_seat_owe_and_reporting_clears_them(world):
    schedule = schedule_for(world["group"], indicators=True)
    town_c = world["users"]["chair"].municipality
    entry(world, "rep_a", D(2022, 5, 1))
    indicators(world["town_a"], D(2022, 5, 1))
    indicators(town_c, D(2022, 4, 1), kind="quarter")  # holds May
    entry(world, "rep_a", D(2022, 4, 1), group=world["other_group"])  # not here

    dues = rhythm.statuses([schedule], D(2022, 6, 11))

    # A: the representative (the former member's seat runs until 2023);
    # Polisen: its writing partner (the read-only partner reports nothing,
    # and an organisation owes no indicators); C: the chair. The
    # deactivated user's seat counts for nothing.
    assert by_unit(dues) == {
        "Kommun A": (False, False),
        "Polisen": (True, False),
        town_c.name: (True, False),
    }
    assert {due.period.token for due in dues} == {"2022-05"}
    assert {due.due_on for due in dues} == {D(2022, 6, 10)}


def test_a_unit_owes_nothing_once_its_seats_have_ended(world):
    schedule = schedule_for(world["group"])
    Membership.objects.filter(user__municipality=world["town_a"]).update(
        end_date=D(2022, 5, 31)
    )

    dues = rhythm.statuses([schedule], D(2022, 6, 11))

    assert "Kommun A" not in by_unit(dues)


def test_a_secretary_does_not_make_a_unit_owe(world):
    schedule = schedule_for(world["group"])
    town = factories.MunicipalityFactory(name="Kommun S")
    factories.MembershipFactory(
        user=factories.UserFactory(municipality=town),
        group=world["group"],
        municipality=town,
        role=Membership.Role.SECRETARY,
    )

    assert "Kommun S" not in by_unit(rhythm.statuses([schedule], D(2022, 6, 11)))


def test_a_quarter_is_covered_by_its_report_or_all_three_months(world):
    schedule = schedule_for(
        world["group"], frequency="quarter", indicators=True, due_day=15
    )
    town_c = world["users"]["chair"].municipality
    for month in (4, 5, 6):
        indicators(world["town_a"], D(2022, month, 1))
    for month in (4, 5):
        indicators(town_c, D(2022, month, 1))

    dues = by_unit(rhythm.statuses([schedule], D(2022, 7, 16)))

    assert dues["Kommun A"][1] is False
    assert dues[town_c.name][1] is True


# --- where the flags show ---------------------------------------------------------


@pytest.fixture
def june(world):
    """Operativ reports monthly by the 10th; on 11 June 2022 only Kommun A
    has reported May."""
    schedule_for(world["group"])
    entry(world, "rep_a", D(2022, 5, 1))
    with time_machine.travel(JUNE_11, tick=False):
        yield world


def test_staff_dashboard_lists_every_unit_behind(june):
    text = text_of(client_for(june, "staff").get("/samordning/"))

    assert "Försenad rapportering" in text
    assert f"{june['group'].name}, Polisen: maj 2022, senast 10 juni 2022" in text
    town_c = june["users"]["chair"].municipality.name
    assert f"{june['group'].name}, {town_c}: maj 2022" in text
    assert f"{june['group'].name}, Kommun A" not in text


def test_members_see_only_their_own_units_reporting(june):
    rep = text_of(client_for(june, "rep_a").get("/samordning/"))
    chair = text_of(client_for(june, "chair").get("/samordning/"))
    group_page = text_of(client_for(june, "rep_a").get("/samordning/grupper/operativ/"))

    assert "Vår rapportering" in rep
    assert "maj 2022, senast 10 juni 2022 – Inlämnad" in rep
    assert "Försenad: lägesrapport saknas" in chair
    town_c = june["users"]["chair"].municipality.name
    assert "Kommun A Inlämnad" in group_page
    assert town_c not in group_page.split("Rapportering", 1)[1].split("Möten")[0]
    # The read-only partner sees how its organisation stands; another
    # group's member, whose group has no schedule, sees nothing.
    partner = text_of(client_for(june, "partner").get("/samordning/"))
    assert "Polisen" not in partner.split("Vår rapportering")[0]
    assert "Försenad: lägesrapport saknas" in partner
    assert "Vår rapportering" not in text_of(
        client_for(june, "rep_b").get("/samordning/")
    )


def test_staff_group_page_shows_every_unit(june):
    text = text_of(client_for(june, "staff").get("/samordning/grupper/operativ/"))
    town_c = june["users"]["chair"].municipality.name

    assert "Varje månad, senast den 10 i månaden efter perioden." in text
    assert "Rapporter för maj 2022 (senast 10 juni 2022)" in text
    assert "Kommun A Inlämnad" in text
    assert f"{town_c} Försenad: lägesrapport saknas" in text
    assert "Polisen Försenad: lägesrapport saknas" in text


@pytest.fixture
def strategic_rep_b(world):
    group = factories.WorkingGroupFactory(kind=WorkingGroup.Kind.STRATEGIC)
    factories.MembershipFactory(
        user=world["users"]["rep_b"],
        group=group,
        municipality=world["town_b"],
        start_date=D(2022, 1, 1),
    )
    return group


def comparison_flags(client):
    soup = BeautifulSoup(
        client.get("/samordning/jamforelse/").content.decode(), "html.parser"
    )
    heading = next(
        h for h in soup.find_all("h2") if h.get_text() == "Försenad rapportering"
    )
    table = heading.find_next_sibling()
    if table.name != "table":
        return {}
    return {
        row.th.get_text(" ", strip=True): row.td.get_text(" ", strip=True)
        for row in table.select("tbody tr")
    }


def test_comparison_flags_overdue_municipalities_as_far_as_the_reader_may_know(
    world, strategic_rep_b
):
    schedule_for(world["group"], indicators=True)
    town_c = world["users"]["chair"].municipality
    indicators(world["town_a"], D(2022, 5, 1))
    # Kommun A reported its entry shared with its own unit only: whether it
    # did is not for Kommun B's representative to learn from a flag.
    entry(world, "rep_a", D(2022, 5, 1), sharing_level="own")

    with time_machine.travel(JUNE_11, tick=False):
        staff = comparison_flags(client_for(world, "staff"))
        rep_b = comparison_flags(client_for(world, "rep_b"))

    group = world["group"].name
    assert staff == {
        f"{town_c.name} Försenad": (
            f"{group}, maj 2022 (senast 10 juni 2022): lägesrapport, indikatorer"
        ),
    }
    # Indicators are every participant's to see; entries are not.
    assert rep_b == {
        f"{town_c.name} Försenad": (
            f"{group}, maj 2022 (senast 10 juni 2022): indikatorer"
        ),
    }


def test_comparison_without_entry_flags_for_other_units(world, strategic_rep_b):
    schedule_for(world["group"])  # entries only

    with time_machine.travel(JUNE_11, tick=False):
        assert comparison_flags(client_for(world, "rep_b")) == {}
        assert len(comparison_flags(client_for(world, "staff"))) == 2


# --- actions past their due date ----------------------------------------------------


def test_actions_past_their_due_date_and_not_done_are_marked(world):
    factories.ActionFactory(group=world["group"], what="Sen", due_date=D(2022, 6, 1))
    factories.ActionFactory(
        group=world["group"],
        what="Klar",
        due_date=D(2022, 6, 1),
        status=Action.Status.DONE,
    )
    factories.ActionFactory(group=world["group"], what="I tid", due_date=D(2022, 6, 30))
    factories.ActionFactory(group=world["group"], what="Utan datum", due_date=None)

    with time_machine.travel(JUNE_11, tick=False):
        client = client_for(world, "rep_a")
        group_soup = BeautifulSoup(
            client.get("/samordning/grupper/operativ/").content.decode(), "html.parser"
        )
        dashboard = BeautifulSoup(
            client.get("/samordning/").content.decode(), "html.parser"
        )

    rows = {
        row.td.get_text(" ", strip=True).split(" Ändra")[0]: "Försenad"
        in row.get_text(" ")
        for row in group_soup.select("#actions-heading ~ div table tbody tr")
    }
    assert rows == {"Sen": True, "Klar": False, "I tid": False, "Utan datum": False}
    open_list = {
        item.get_text(" ", strip=True).split(" (")[0]: "Försenad" in item.get_text()
        for item in dashboard.select("#open-actions ~ ul li")
    }
    assert open_list == {"Sen": True, "I tid": False, "Utan datum": False}


# --- the schedule itself ----------------------------------------------------------


def test_the_chair_sets_the_schedule_and_a_member_may_not(world):
    url = "/samordning/grupper/operativ/rapportering/"
    data = {"frequency": "quarter", "due_day": 15, "indicators": "on"}

    assert client_for(world, "rep_a").post(url, data).status_code == 403
    bad = client_for(world, "chair").post(url, {**data, "due_day": 31})
    saved = client_for(world, "chair").post(url, data)

    assert bad.status_code == 400
    assert bad.context["form"]["frequency"].value() == "quarter"
    assert saved.status_code == 302
    schedule = ReportingSchedule.objects.get()
    assert (schedule.group, schedule.frequency, schedule.due_day) == (
        world["group"],
        "quarter",
        15,
    )
    assert schedule.indicators is True
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE,
        object_type="municipalities.ReportingSchedule",
        actor=world["users"]["chair"],
    ).exists()


# --- query counts -----------------------------------------------------------------


def grow(world, n):
    """n more municipalities reporting in the group: a seat each, half of
    them with May's entry and indicators, and an overdue action each."""
    for index in range(n):
        town = factories.MunicipalityFactory()
        user = factories.UserFactory(municipality=town)
        factories.MembershipFactory(
            user=user, group=world["group"], municipality=town, start_date=D(2022, 1, 1)
        )
        if index % 2:
            factories.ProgressEntryFactory(
                group=world["group"],
                author=user,
                focus_area=world["area"],
                period_start=D(2022, 5, 1),
            )
            indicators(town, D(2022, 5, 1))
        factories.ActionFactory(group=world["group"], due_date=D(2022, 6, 1))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # The schedules, the reporting seats, the entries and the indicator
        # reports of the last due period: four, whatever the rows.
        ("/samordning/", 23),
        ("/samordning/grupper/operativ/", 21),
        ("/samordning/jamforelse/", 21),
    ],
)
def test_overdue_flags_add_no_query_per_row(
    world, django_assert_num_queries, url, expected
):
    schedule_for(world["group"], indicators=True)
    with time_machine.travel(JUNE_11, tick=False):
        client = client_for(world, "staff")
        grow(world, 2)
        with django_assert_num_queries(expected):
            small = client.get(url)
        grow(world, 20)
        with django_assert_num_queries(expected):
            large = client.get(url)

    assert (small.status_code, large.status_code) == (200, 200)
    assert text_of(large).count("Försenad") > text_of(small).count("Försenad")
