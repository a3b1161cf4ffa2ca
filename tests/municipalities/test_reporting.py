"""Dashboard, status, indicators with suppression, CSV and the PDF report."""

import csv
import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from municipalities.models import (
    FocusAreaStatus,
    IndicatorReport,
    Membership,
    SharingLevel,
    WorkingGroup,
)
from tests import factories
from tests.municipalities.conftest import PAST, client_for, make_entry

OCTOBER = datetime.date(2022, 10, 1)


def report(municipality, period=OCTOBER, kind="month", **values):
    defaults = dict.fromkeys(IndicatorReport.INDICATORS, 0)
    defaults.update(values)
    return IndicatorReport.objects.create(
        municipality=municipality, period_kind=kind, period_start=period, **defaults
    )


@pytest.fixture
def counts(world):
    """A has 12 inquiries and 8 cases; B has 3 cases; C 9 cases."""
    town_c = factories.MunicipalityFactory(name="Kommun Ö")
    report(world["town_a"], inquiries=12, cases_opened=8, cases_with_intervention=3)
    report(world["town_b"], inquiries=3, cases_opened=3, cases_with_intervention=1)
    report(town_c, inquiries=9, cases_opened=9, cases_with_intervention=6)
    return town_c


def table_of(response):
    return {
        municipality.name: cells
        for municipality, cells in response.context["table"].rows
    }


def test_representative_sees_own_exact_and_others_suppressed(world, counts):
    response = client_for(world, "rep_a").get("/samordning/indikatorer/")

    rows = table_of(response)
    assert rows["Kommun A"][:3] == ["12", "8", "3"]
    assert rows["Kommun B"][:3] == ["färre än 5", "färre än 5", "färre än 5"]
    # Total minus A, C and Ö would give B's 3 back. Hiding C's 0 with it
    # protects nothing (a "–" is 0 or at least 5), hiding Ö's 9 does: B + Ö
    # = 12 fits every B from 1 to 4. For interventions B + Ö = 7 would rule
    # out B = 3 and 4, so that total is hidden instead.
    assert rows["Kommun C"][:3] == ["0", "0", "0"]
    assert rows["Kommun Ö"][:3] == ["–", "–", "6"]
    assert response.context["table"].totals[:3] == ["24", "20", "–"]


def test_staff_see_all_exact_counts(world, counts):
    response = client_for(world, "staff").get("/samordning/indikatorer/")

    rows = table_of(response)
    assert rows["Kommun B"][:3] == ["3", "3", "1"]
    assert rows["Kommun Ö"][:3] == ["9", "9", "6"]


def test_partner_sees_every_small_count_suppressed(world, counts):
    rows = table_of(client_for(world, "partner").get("/samordning/indikatorer/"))

    assert rows["Kommun A"][2] == "färre än 5"
    assert rows["Kommun B"][:3] == ["färre än 5", "färre än 5", "färre än 5"]
    # A's 8 cases are hidden so that the total 20 cannot give B's 3 back.
    assert rows["Kommun A"][:2] == ["12", "–"]


def test_indicator_csv_suppresses_like_the_page(world, counts):
    response = client_for(world, "rep_b").get("/samordning/export/indikatorer.csv")

    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Period", "Periodtyp", "Kommun"]
    by_name = {row[2]: row[3:6] for row in rows[1:]}
    assert by_name["Kommun B"] == ["3", "3", "1"]
    assert by_name["Kommun A"] == ["12", "8", "färre än 5"]
    # A's 3 interventions are small; with the total 10 shown, the reader's own
    # 1 and Ö's 6 would give 3 back. C's 0 would protect nothing, so Ö's 6 is
    # hidden: A + Ö = 9 fits every A from 1 to 4.
    assert by_name["Kommun C"][2] == "0"
    assert by_name["Kommun Ö"][2] == "–"
    assert by_name["Totalt"][2] == "10"


def test_indicator_form_refuses_non_whole_and_negative_numbers(world):
    client = client_for(world, "rep_a")
    data = {
        "period_kind": "month",
        "period_start": "2022-10-01",
        "inquiries": "1.5",
        "cases_opened": "-2",
        "cases_with_intervention": "abc",
        "prevention_activities": "4",
        "people_reached": "40",
    }

    response = client.post("/samordning/indikatorer/rapportera/", data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    for name in ("inquiries", "cases_opened", "cases_with_intervention"):
        assert errors[name] == ["Ange ett heltal, 0 eller större."]
    assert response.context["form"]["people_reached"].value() == "40"
    assert not IndicatorReport.objects.exists()


def test_indicator_form_saves_for_own_municipality_only(world):
    client = client_for(world, "rep_a")
    data = {
        "period_kind": "quarter",
        "period_start": "2022-10-01",
        "inquiries": "12",
        "cases_opened": "8",
        "cases_with_intervention": "8",
        "prevention_activities": "4",
        "people_reached": "40",
        "municipality": world["town_b"].pk,
    }

    response = client.post("/samordning/indikatorer/rapportera/", data)

    assert response.status_code == 302
    assert response["Location"] == "/samordning/indikatorer/?period=2022-K4"
    assert IndicatorReport.objects.get().municipality == world["town_a"]
    assert (
        client_for(world, "partner")
        .get("/samordning/indikatorer/rapportera/")
        .status_code
        == 403
    )


def test_status_set_by_own_representative_with_history(world):
    client = client_for(world, "rep_a")
    url = f"/samordning/lage/{world['town_a'].slug}/{world['area'].slug}/"

    client.post(url, {"stage": "mapping", "comment": "Start", "sharing_level": "own"})
    client.post(url, {"stage": "planning", "comment": "", "sharing_level": "open"})
    other = client_for(world, "rep_b").post(
        url, {"stage": "follow_up", "sharing_level": "open"}
    )

    status = FocusAreaStatus.objects.get()
    assert other.status_code == 403
    assert (status.stage, status.updated_by) == ("planning", world["users"]["rep_a"])
    assert [h.stage for h in status.history.order_by("history_date")] == [
        "mapping",
        "planning",
    ]


def test_only_open_status_reaches_public_pages(world, client):
    status = FocusAreaStatus.objects.create(
        municipality=world["town_a"],
        focus_area=world["area"],
        stage="implementing",
        sharing_level=SharingLevel.MANDATE,
    )
    body = client.get("/kommuner/").content.decode()
    assert "Genomförande" not in body

    # Saved as every path that changes a status does (a bulk update would
    # send no signal, and the cached page would stay as it was).
    status.sharing_level = SharingLevel.OPEN
    status.save()
    assert "Genomförande" in client.get("/kommuner/").content.decode()


def test_dashboard_stale_notice_after_configured_days(world, settings):
    settings.STATUS_STALE_DAYS = 30
    start = timezone.now()
    # A mandate that runs through the test's days.
    world["area"].mandate.start_date = start.date() - datetime.timedelta(days=10)
    world["area"].mandate.save()
    with time_machine.travel(start, tick=False):
        FocusAreaStatus.objects.create(
            municipality=world["town_a"], focus_area=world["area"], stage="planning"
        )
    client = client_for(world, "rep_a")

    with time_machine.travel(start + datetime.timedelta(days=30), tick=False):
        fresh = client.get("/samordning/").content.decode()
    with time_machine.travel(start + datetime.timedelta(days=31, hours=1), tick=False):
        client = client_for(world, "rep_a")
        stale = client.get("/samordning/").content.decode()

    assert "inte uppdaterat på över 30 dagar" not in fresh
    assert "inte uppdaterat på över 30 dagar" in stale


def test_dashboard_never_flags_a_stage_that_was_never_reported(world, settings):
    """ "Inte redovisat" is no stale stage: there is nothing to update yet."""
    settings.STATUS_STALE_DAYS = 30
    factories.FocusAreaFactory(mandate=world["area"].mandate, title="Annat område")
    with time_machine.travel(datetime.date(2022, 5, 1), tick=False):
        FocusAreaStatus.objects.create(
            municipality=world["town_a"], focus_area=world["area"], stage="planning"
        )

    with time_machine.travel(datetime.date(2022, 9, 1), tick=False):
        page = client_for(world, "rep_a").get("/samordning/").content.decode()

    body = page.split('id="my-status"', 1)[1].split("</section>", 1)[0]
    assert body.count("Inte redovisat") == 1
    # The one stage that was set, four months ago, is flagged; the other not.
    assert body.count("inte uppdaterat på över 30 dagar") == 1


def test_dashboard_judges_a_stage_at_the_end_of_an_ended_mandate(world, settings):
    """After the mandate (2022-04-01 – 2023-03-31) nobody updates a stage: a
    stage kept up until the end is not stale years later, one left alone
    for months before the end is."""
    settings.STATUS_STALE_DAYS = 90
    with time_machine.travel(datetime.date(2023, 3, 1), tick=False):
        FocusAreaStatus.objects.create(
            municipality=world["town_a"], focus_area=world["area"], stage="planning"
        )
    client = client_for(world, "rep_a")
    with time_machine.travel(datetime.date(2026, 11, 1), tick=False):
        kept_up = client.get("/samordning/").content.decode()

    FocusAreaStatus.objects.update(
        updated_at=datetime.datetime(2022, 11, 1, 9, tzinfo=datetime.UTC)
    )
    with time_machine.travel(datetime.date(2026, 11, 1), tick=False):
        client = client_for(world, "rep_a")
        left_alone = client.get("/samordning/").content.decode()

    assert "inte uppdaterat på över 90 dagar" not in kept_up
    assert "inte uppdaterat på över 90 dagar" in left_alone


def test_report_form_defaults_to_the_mandates_months(world):
    """An ended mandate's report opens on its own twelve months, not on the
    last twelve calendar months; a running one on its start until today."""
    client = client_for(world, "staff")
    with time_machine.travel(datetime.date(2026, 11, 25), tick=False):
        ended = client.get("/samordning/rapport/").context["form"]
    world["area"].mandate.start_date = datetime.date(2026, 6, 1)
    world["area"].mandate.save()
    with time_machine.travel(datetime.date(2026, 11, 25), tick=False):
        client = client_for(world, "staff")
        running = client.get("/samordning/rapport/").context["form"]

    assert (ended.initial["start"], ended.initial["end"]) == (
        datetime.date(2022, 4, 1),
        datetime.date(2023, 3, 31),
    )
    assert (running.initial["start"], running.initial["end"]) == (
        datetime.date(2026, 6, 1),
        datetime.date(2026, 11, 25),
    )


def test_indicator_pages_open_on_the_newest_period_inside_the_mandate(world):
    report(world["town_a"], period=datetime.date(2023, 3, 1), inquiries=7)
    report(world["town_a"], period=datetime.date(2023, 2, 1), inquiries=6)
    # Reported after the mandate ended: still listed, not the default.
    report(world["town_a"], period=datetime.date(2024, 5, 1), inquiries=5)
    client = client_for(world, "staff")

    for url in ["/samordning/indikatorer/", "/samordning/jamforelse/"]:
        response = client.get(url)
        assert response.context["period"].token == "2023-03", url
        assert response.context["form"].initial["period"] == "2023-03", url
    assert client.get("/samordning/indikatorer/?period=2024-05").context[
        "period"
    ].token == ("2024-05")


def test_dashboard_shows_only_what_the_policy_allows(world, entries):
    factories.SessionFactory()
    group = world["group"]
    group.actions.create(what="Min åtgärd", owner=world["users"]["partner"])
    world["other_group"].actions.create(what="Annan grupps åtgärd")

    body = client_for(world, "partner").get("/samordning/").content.decode()

    assert "Min åtgärd" in body
    assert "Annan grupps åtgärd" not in body
    assert "markorownreleased" not in body
    assert "markorgroupreleased" in body
    assert "markoropenembargoed" not in body


def test_comparison_for_staff_and_strategic_group_only(world, counts):
    strategic = factories.WorkingGroupFactory(kind=WorkingGroup.Kind.STRATEGIC)
    Membership.objects.create(
        user=world["users"]["rep_b"], group=strategic, municipality=world["town_b"]
    )

    assert (
        client_for(world, "partner").get("/samordning/jamforelse/").status_code == 403
    )
    staff = client_for(world, "staff").get("/samordning/jamforelse/?period=2022-10")
    member = client_for(world, "rep_b").get("/samordning/jamforelse/?period=2022-10")

    assert staff.status_code == member.status_code == 200
    assert table_of(member)["Kommun A"][2] == "färre än 5"
    assert table_of(staff)["Kommun A"][2] == "3"


def test_entries_csv_neutralises_formulas_and_follows_policy(world, entries):
    make_entry(
        world,
        level=SharingLevel.MANDATE,
        release_at=PAST,
        title="=HYPERLINK(1)",
        text="+46 @SUM(A1) -x",
    )

    response = client_for(world, "rep_b").get("/samordning/export/lagesrapporter.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    titles = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in titles
    assert "'+46 @SUM(A1) -x" in [row[8] for row in rows[1:]]
    assert not any("markorown" in title or "embargoed" in title for title in titles)
    assert any("markoropenreleased" in title for title in titles)


def pdf_pages(response):
    reader = PdfReader(io.BytesIO(response.content))
    return [page.extract_text() for page in reader.pages]


def test_report_pdf_contains_exactly_what_the_user_may_see(world, entries, counts):
    response = client_for(world, "rep_b").get(
        "/samordning/rapport/?start=2023-12-01&end=2024-12-31"
    )

    assert response.status_code == 200
    pages = pdf_pages(response)
    text = " ".join(pages)
    assert "markoropenreleased" in text
    assert "markormandatereleased" in text
    for hidden in ["markorgroupreleased", "markorownreleased", "markoropenembargoed"]:
        assert hidden not in text
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in page
        assert "Delningsnivå:" in page
        assert "rep_b@example.se" in page


def test_report_pdf_label_is_the_narrowest_level(world, entries):
    own = client_for(world, "rep_a").get(
        "/samordning/rapport/?start=2023-12-01&end=2024-12-31"
    )
    assert "Delningsnivå: Egen kommun" in pdf_pages(own)[0]


def test_report_pdf_suppresses_counts(world, counts):
    response = client_for(world, "partner").get(
        "/samordning/rapport/?start=2022-01-01&end=2022-12-31"
    )

    text = " ".join(pdf_pages(response))
    assert "färre än 5" in text


def test_report_renders_a_year_for_eight_municipalities(world, private_media):
    towns = [world["town_a"], world["town_b"]] + [
        factories.MunicipalityFactory() for _ in range(6)
    ]
    for town in towns:
        for month in range(1, 13):
            report(
                town,
                period=datetime.date(2022, month, 1),
                inquiries=month,
                cases_opened=month,
                prevention_activities=2,
                people_reached=30,
            )
    author = world["users"]["staff"]
    for town in towns:
        for month in range(1, 13):
            from municipalities.models import ProgressEntry

            ProgressEntry.objects.create(
                group=world["group"],
                municipality=town,
                focus_area=world["area"],
                title=f"{town.name} {month}",
                period_start=datetime.date(2022, month, 1),
                period_end=datetime.date(2022, month, 28),
                text="Arbete. " * 40,
                sharing_level="mandate",
                release_at=PAST,
                author=author,
            )

    response = client_for(world, "staff").get(
        "/samordning/rapport/?start=2022-01-01&end=2022-12-31"
    )

    pages = pdf_pages(response)
    assert len(pages) > 10
    assert all(f"av {len(pages)}" in page for page in pages)


REPORT_URL = "/samordning/rapport/?start=2023-12-01&end=2024-12-31"
NARROW = "Välj en kortare period, ett fokusområde eller färre kommuner och försök igen."


def test_report_of_a_very_long_period_is_refused_in_swedish_with_the_form_kept(
    world, entries
):
    # The testers' case: a 4 MB entry made every report of its period take
    # 53 s. With the default limits (a million characters) a report holding
    # that much text is refused before WeasyPrint starts: here the newest
    # entries it gives in full, each as long as an entry may be.
    from municipalities.coordination.reporting import REPORT_ENTRY_LIMIT
    from municipalities.models import ProgressEntry
    from portal.fields import TEXT_MAX_COORDINATION

    author = world["users"]["rep_a"]
    sentence = "Lång text om arbetet. "
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            group=world["group"],
            municipality=author.municipality,
            focus_area=world["area"],
            title=f"Lång rapport {n}",
            period_start=datetime.date(2024, 1, 1),
            period_end=datetime.date(2024, 1, 31),
            text=sentence * (TEXT_MAX_COORDINATION // len(sentence)),
            sharing_level=SharingLevel.OPEN,
            release_at=PAST,
            author=author,
        )
        for n in range(REPORT_ENTRY_LIMIT + 10)
    )

    response = client_for(world, "rep_a").get(REPORT_URL)

    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Innehållet är för omfattande för en PDF-fil. " + NARROW in page
    assert response.context["form"]["start"].value() == "2023-12-01"
    assert response.context["form"]["end"].value() == "2024-12-31"


def test_report_over_a_small_input_limit_is_refused(world, entries, settings):
    settings.PDF_MAX_INPUT_CHARS = 1000

    response = client_for(world, "rep_a").get(REPORT_URL)

    assert response.status_code == 422
    assert "Innehållet är för omfattande för en PDF-fil." in response.content.decode()


def test_report_that_takes_too_long_is_stopped_with_a_swedish_page(
    world, entries, settings
):
    settings.PDF_TIMEOUT_SECONDS = 0.001

    response = client_for(world, "rep_a").get(REPORT_URL)

    assert response.status_code == 503
    page = response.content.decode()
    assert (
        "Det tog för lång tid att skapa PDF-filen och den avbröts. " + NARROW
    ) in page
    assert response.context["form"]["start"].value() == "2023-12-01"


def test_report_form_errors_keep_input(world):
    response = client_for(world, "rep_a").get(
        "/samordning/rapport/?start=2022-12-01&end=2022-01-01"
    )

    assert response.status_code == 400
    assert response.context["form"].errors["end"]
    assert response.context["form"]["start"].value() == "2022-12-01"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # One of each is the session's second-step device, one the section
        # navigation's list of groups.
        ("/samordning/", 20),
        ("/samordning/indikatorer/", 17),
        ("/samordning/jamforelse/?period=2022-10", 18),
        ("/samordning/lage/", 13),
        ("/samordning/export/indikatorer.csv", 11),
    ],
)
def test_reporting_page_queries_do_not_grow(
    world, private_media, django_assert_num_queries, url, expected
):
    def grow(n):
        for _ in range(n):
            town = factories.MunicipalityFactory()
            report(town, inquiries=2)
            FocusAreaStatus.objects.create(
                municipality=town, focus_area=world["area"], sharing_level="mandate"
            )
            make_entry(world, level="mandate", release_at=PAST, title="R")

    def read():
        # A streamed download reads while it is sent: count it all.
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        return response.status_code

    client = client_for(world, "staff")
    grow(2)
    with django_assert_num_queries(expected):
        assert read() == 200
    grow(20)
    with django_assert_num_queries(expected):
        assert read() == 200


def strategic_member(world, key):
    group = factories.WorkingGroupFactory(kind=WorkingGroup.Kind.STRATEGIC)
    user = world["users"][key]
    Membership.objects.create(user=user, group=group, municipality=user.municipality)
    return client_for(world, key)


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]


def test_monthly_and_quarterly_reports_are_never_summed(world):
    # October's monthly report and Q4's quarterly report cover the same
    # month; adding them would count October twice.
    report(world["town_a"], inquiries=7)
    report(world["town_b"], inquiries=30)
    report(world["town_a"], kind="quarter", inquiries=20)
    report(world["town_b"], kind="quarter", inquiries=40)
    staff = client_for(world, "staff")

    month = staff.get("/samordning/indikatorer/?period=2022-10")
    quarter = staff.get("/samordning/jamforelse/?period=2022-K4")
    exported = csv_rows(staff.get("/samordning/export/indikatorer.csv"))
    # A fixed clock: the PDF's "created at" must not contain a summed figure.
    with time_machine.travel(
        datetime.datetime(2023, 2, 1, 9, 5, tzinfo=datetime.UTC), tick=False
    ):
        pdf_response = staff.get("/samordning/rapport/?start=2022-10-01&end=2022-12-31")
    pdf = " ".join(pdf_pages(pdf_response))

    assert table_of(month)["Kommun A"][0] == "7"
    assert month.context["table"].totals[0] == "37"
    assert table_of(quarter)["Kommun A"][0] == "20"
    assert quarter.context["table"].totals[0] == "60"
    assert {(row[0], row[1], row[2]): row[3] for row in exported} == {
        ("2022-10-01", "Månad", "Kommun A"): "7",
        ("2022-10-01", "Månad", "Kommun B"): "30",
        ("2022-10-01", "Månad", "Kommun C"): "0",
        ("2022-10-01", "Månad", "Totalt"): "37",
        ("2022-10-01", "Kvartal", "Kommun A"): "20",
        ("2022-10-01", "Kvartal", "Kommun B"): "40",
        ("2022-10-01", "Kvartal", "Kommun C"): "0",
        ("2022-10-01", "Kvartal", "Totalt"): "60",
    }
    assert "Oktober 2022" in pdf
    assert "Kvartal 4 2022" in pdf
    for summed in ("27", "70", "97"):
        assert summed not in pdf


def test_overlapping_periods_cannot_be_subtracted(world, counts):
    # October = (September to October) - September: only possible if both
    # tables can be asked for. Only whole, reported periods can.
    report(world["town_a"], period=datetime.date(2022, 9, 1), inquiries=15)
    client = strategic_member(world, "rep_b")

    september_to_october = client.get(
        "/samordning/jamforelse/?start=2022-09-01&end=2022-10-31"
    )
    september = client.get("/samordning/jamforelse/?start=2022-09-01&end=2022-09-30")
    as_range = client.get("/samordning/jamforelse/?period=2022-09-01/2022-10-31")

    form = september.context["form"]
    assert list(form.fields) == ["period"]
    assert [
        token
        for _group, choices in form.fields["period"].choices
        for token, _label in choices
    ] == ["2022-10", "2022-09"]
    # Dates are not parameters: both ask for nothing and get the newest month.
    for response in (september_to_october, september):
        assert response.status_code == 200
        assert response.context["period"].token == "2022-10"
    assert table_of(september_to_october) == table_of(september)
    assert '<option value="2022-10" selected>' in september.content.decode()
    assert as_range.status_code == 400
    assert as_range.context["table"] is None
    assert as_range.context["form"].errors["period"] == [
        "Välj en av de rapporterade perioderna i listan."
    ]
    listed = client.get("/samordning/indikatorer/?start=2022-09-01&end=2022-10-31")
    assert listed.context["period"].token == "2022-10"


@pytest.mark.parametrize(
    "period",
    [
        "garbage",
        "0001-01",
        "9999-K4",
        "9999-12",
        "2022-13",
        "2022-K5",
        "\x00",
        "2022-10\x00",
        "2022-10-01",
        "x" * 5000,
    ],
)
@pytest.mark.parametrize("url", ["/samordning/indikatorer/", "/samordning/jamforelse/"])
def test_malformed_period_is_a_form_error(world, counts, period, url):
    client = strategic_member(world, "rep_b")

    response = client.get(url, {"period": period})

    assert response.status_code == 400
    if "\x00" in period:
        # Refused before the view by RejectControlCharactersMiddleware.
        assert "Förfrågan kunde inte behandlas" in response.content.decode()
        return
    assert response.context["table"] is None
    assert response.context["form"].errors["period"] == [
        "Välj en av de rapporterade perioderna i listan."
    ]
    body = response.content.decode()
    assert "Välj en av de rapporterade perioderna i listan." in body
    assert "\x00" not in body


OUT_OF_RANGE = "Ange ett datum från 1900-01-01 till och med 2100-12-31."


@pytest.mark.parametrize(
    ("start", "end", "status", "refused"),
    [
        ("0001-01-01", "0001-12-31", 400, {"start", "end"}),
        ("9999-01-01", "9999-12-31", 400, {"start", "end"}),
        ("1899-12-31", "1900-12-31", 400, {"start"}),
        ("2100-01-01", "2101-01-01", 400, {"end"}),
        ("1900-01-01", "1900-12-31", 200, set()),
        ("2100-01-01", "2100-12-31", 200, set()),
        ("\x00", "2022-12-31", 400, set()),
        ("2022-01-01", "2022-12-31\x00", 400, set()),
        ("garbage", "2022-12-31", 400, set()),
        ("0000-01-01", "2022-12-31", 400, set()),
        ("10000-01-01", "10000-12-31", 400, set()),
    ],
)
def test_report_period_at_the_edges_of_the_calendar(
    world, counts, start, end, status, refused
):
    response = client_for(world, "rep_b").get(
        "/samordning/rapport/", {"start": start, "end": end}
    )

    assert response.status_code == status
    if "\x00" in start + end:
        # Refused before the view by RejectControlCharactersMiddleware.
        assert "Förfrågan kunde inte behandlas" in response.content.decode()
    elif status == 400:
        errors = response.context["form"].errors
        assert errors
        assert {
            name for name, messages in errors.items() if OUT_OF_RANGE in messages
        } == refused
        if refused:
            assert OUT_OF_RANGE in response.content.decode()


def test_page_csv_and_pdf_publish_the_same_table(world, counts):
    client = strategic_member(world, "rep_b")

    page = client.get("/samordning/indikatorer/?period=2022-10")
    compared = client.get("/samordning/jamforelse/?period=2022-10")
    exported = csv_rows(client.get("/samordning/export/indikatorer.csv"))
    pdf = pdf_pages(client.get("/samordning/rapport/?start=2022-10-01&end=2022-10-31"))

    table = page.context["table"]
    published = [[m.name, *cells] for m, cells in table.rows]
    published.append(["Totalt", *table.totals])
    flat = [cell for row in published for cell in row]
    assert "färre än 5" in flat
    assert "–" in flat
    assert compared.context["table"].rows == table.rows
    assert compared.context["table"].totals == table.totals
    assert [row[2:] for row in exported if row[:2] == ["2022-10-01", "Månad"]] == (
        published
    )
    # Long names wrap inside their cell, so compare with whitespace evened out.
    pdf_text = " ".join(" ".join(pdf).split())
    for row in published:
        assert " ".join(row) in pdf_text


@pytest.mark.parametrize("periods", [1, 3, 12])
def test_indicator_csv_queries_do_not_grow_with_periods(
    world, django_assert_num_queries, periods
):
    towns = [world["town_a"], world["town_b"], factories.MunicipalityFactory()]
    for month in range(1, periods + 1):
        for n, town in enumerate(towns):
            report(town, period=datetime.date(2022, month, 1), inquiries=n + month)
    client = client_for(world, "rep_a")

    with django_assert_num_queries(14):
        rows = csv_rows(client.get("/samordning/export/indikatorer.csv"))

    # Every participating municipality (Kommun C too) and a total, per period.
    assert len(rows) == periods * (len(towns) + 2)


def test_a_quarter_is_reported_monthly_or_quarterly_never_both(world):
    """Quarter minus two shown months would give the third month exactly."""
    client = client_for(world, "rep_a")
    counts = {
        "inquiries": 3,
        "cases_opened": 2,
        "cases_with_intervention": 1,
        "prevention_activities": 6,
        "people_reached": 40,
    }
    month = client.post(
        "/samordning/indikatorer/rapportera/",
        {"period_kind": "month", "period_start": "2022-05-01", **counts},
    )
    quarter = client.post(
        "/samordning/indikatorer/rapportera/",
        {"period_kind": "quarter", "period_start": "2022-04-01", **counts},
    )
    other_quarter = client.post(
        "/samordning/indikatorer/rapportera/",
        {"period_kind": "quarter", "period_start": "2022-07-01", **counts},
    )

    assert month.status_code == 302
    assert quarter.status_code == 400
    assert "inte båda" in quarter.content.decode()
    assert quarter.context["form"]["inquiries"].value() == "3"  # input kept
    assert other_quarter.status_code == 302
    kinds = set(
        IndicatorReport.objects.filter(municipality=world["town_a"]).values_list(
            "period_kind", "period_start"
        )
    )
    assert kinds == {
        ("month", datetime.date(2022, 5, 1)),
        ("quarter", datetime.date(2022, 7, 1)),
    }
    month_in_reported_quarter = client.post(
        "/samordning/indikatorer/rapportera/",
        {"period_kind": "month", "period_start": "2022-08-01", **counts},
    )
    assert month_in_reported_quarter.status_code == 400
