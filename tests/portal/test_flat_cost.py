"""What keeps a page's cost flat as the data grows: the demo's growth
command, paged sitemaps, bounded pagination, the stored search document,
the bounded report and the streamed exports (query counts per page type are
in the test_query_counts files)."""

import csv
import datetime
import io
import math

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from lxml import etree
from pypdf import PdfReader

import portal.pagination
import portal.search
from municipalities.coordination import reporting
from municipalities.models import (
    Action,
    Decision,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    ProgressEntry,
    SharingLevel,
)
from portal import growth, sitemaps
from presentations.models import Presentation, Session, Speaker
from programme.models import NewsArticle
from tests import factories
from tests.municipalities.conftest import PAST, client_for, make_entry

# Pages are read afresh: rows here change with update() and bulk loads, which
# the page cache (tested in test_public_cache.py) is not told about.
pytestmark = pytest.mark.usefixtures("without_page_cache")

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


# --- grow_demo ----------------------------------------------------------------


@pytest.fixture
def demo(db):
    """What seed_demo leaves that growing needs, made with factories (the
    real seeder also renders example slides, which takes seconds)."""
    mandate = factories.MandateFactory()
    areas = factories.FocusAreaFactory.create_batch(2, mandate=mandate)
    towns = factories.MunicipalityFactory.create_batch(3)
    police = factories.OrganisationFactory()
    for kind in ("strategic", "operational"):
        group = factories.WorkingGroupFactory(mandate=mandate, kind=kind)
        group.municipalities.set(towns)
        group.organisations.set([police])
    kept = factories.NewsArticleFactory(slug="riktig-nyhet")
    return {"areas": areas, "towns": towns, "kept": kept}


def counts():
    return {
        "news": NewsArticle.objects.count(),
        "sessions": Session.objects.count(),
        "presentations": Presentation.objects.count(),
        "speakers": Speaker.objects.count(),
        "entries": ProgressEntry.objects.count(),
        "meetings": Meeting.objects.count(),
        "decisions": Decision.objects.count(),
        "actions": Action.objects.count(),
        "indicators": IndicatorReport.objects.count(),
        "status changes": FocusAreaStatus.history.count(),
    }


def test_grow_demo_fills_every_table_to_the_size_and_again_adds_nothing(demo, settings):
    settings.DEBUG = True

    call_command("grow_demo", rows=12, stdout=io.StringIO())
    first = counts()
    call_command("grow_demo", rows=12, stdout=io.StringIO())

    assert first == dict.fromkeys(first, 12)
    assert counts() == first
    # Every status a municipality can have, and history beyond it.
    assert FocusAreaStatus.objects.count() == 6
    generated = NewsArticle.objects.exclude(pk=demo["kept"].pk)
    assert not generated.exclude(title__startswith="[Exempeldata]").exists()
    assert not ProgressEntry.objects.exclude(title__startswith=growth.MARK).exists()
    # Every sharing level and unit a reader can meet.
    assert set(ProgressEntry.objects.values_list("sharing_level", flat=True)) == set(
        SharingLevel
    )
    assert ProgressEntry.objects.filter(organisation__isnull=False).exists()


def test_grow_demo_pages_answer_and_show_only_public_rows(demo, settings, client):
    settings.DEBUG = True
    call_command("grow_demo", rows=40, stdout=io.StringIO())
    drafts = NewsArticle.objects.exclude(status="published")
    hidden = Session.objects.filter(published=False)

    listed = "".join(
        client.get("/nyheter/", {"sida": page}).content.decode()
        for page in (1, 2, 3, 4)
    )

    for draft in drafts:
        assert draft.title not in listed
        assert client.get(draft.get_absolute_url()).status_code == 404
    for session in hidden:
        assert client.get(session.get_absolute_url()).status_code == 404


def test_grow_demo_remove_takes_away_only_what_it_made(demo, settings):
    settings.DEBUG = True
    call_command("grow_demo", rows=5, stdout=io.StringIO())

    call_command("grow_demo", remove=True, stdout=io.StringIO())

    assert list(NewsArticle.objects.all()) == [demo["kept"]]
    assert counts() | {"news": 0} == dict.fromkeys(counts(), 0)
    assert not factories.UserFactory._meta.model.objects.filter(
        email__endswith=growth.GENERATED_DOMAIN
    ).exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "Ange --size realistic, --size large eller --rows N."),
        ({"rows": 0}, "--rows ska vara ett tal från 1 till 1000000."),
        ({"rows": 1_000_001}, "--rows ska vara ett tal från 1 till 1000000."),
    ],
)
def test_grow_demo_refuses_bad_arguments_in_swedish(demo, settings, options, message):
    settings.DEBUG = True

    with pytest.raises(CommandError, match=message):
        call_command("grow_demo", **options)


def test_grow_demo_refuses_an_unknown_size(demo, settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="invalid choice: 'huge'"):
        call_command("grow_demo", "--size", "huge")


def test_grow_demo_refuses_without_debug_or_without_the_demo(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="körs bara i utveckling"):
        call_command("grow_demo", rows=3)

    settings.DEBUG = True
    with pytest.raises(CommandError, match=r"kör manage\.py seed_demo först"):
        call_command("grow_demo", rows=3)


# --- The sitemap --------------------------------------------------------------


def test_sitemap_pages_hold_every_public_article_once_and_no_draft(
    db, monkeypatch, client
):
    monkeypatch.setattr(sitemaps.PagedSitemap, "limit", 3)
    published = [factories.NewsArticleFactory() for _ in range(7)]
    draft = factories.NewsArticleFactory(status="draft")
    published.append(factories.NewsArticleFactory())

    index = etree.fromstring(client.get("/sitemap.xml").content)
    pages = [
        loc.text.split("testserver", 1)[1]
        for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS)
        if "sitemap-nyheter" in loc.text
    ]
    found = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        tree = etree.fromstring(response.content)
        found += [
            loc.text.split("testserver", 1)[1]
            for loc in tree.findall("s:url/s:loc", SITEMAP_NS)
        ]
        assert len(tree.findall("s:url", SITEMAP_NS)) <= 3

    # A page per three keys, up to the highest (keys need not start at 1).
    last = math.ceil(max(a.pk for a in [*published, draft]) / 3)
    assert pages == [
        "/sitemap-nyheter.xml",
        *[f"/sitemap-nyheter.xml?p={n}" for n in range(2, last + 1)],
    ]
    assert sorted(found) == sorted(a.get_absolute_url() for a in published)
    assert draft.get_absolute_url() not in found
    for bad in (str(last + 1), "0", "-1", "x", "1e3"):
        assert client.get("/sitemap-nyheter.xml", {"p": bad}).status_code == 404
    assert client.get("/sitemap-okand.xml").status_code == 404


def test_robots_points_to_the_sitemap_index(client, settings):
    settings.SITE_URL = "https://portal.example.se"

    lines = client.get("/robots.txt").content.decode().splitlines()

    assert "Sitemap: https://portal.example.se/sitemap.xml" in lines


# --- Pagination ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["abc", "-1", "0", "1e3", "99999999999999999999999", "", "2.5"]
)
def test_bad_page_numbers_answer_a_page(client, value):
    factories.NewsArticleFactory.create_batch(12)

    for url in ("/nyheter/", "/presentationer/", "/sok/?q=Nyhet"):
        response = client.get(url, {"sida": value})

        assert response.status_code == 200, (url, value)


@pytest.mark.django_db
def test_a_long_list_stops_after_its_last_page_and_says_so(client, monkeypatch):
    monkeypatch.setattr(portal.pagination, "MAX_PAGES", 2)
    articles = factories.NewsArticleFactory.create_batch(25)

    first = client.get("/nyheter/")
    beyond = client.get("/nyheter/", {"sida": 3})

    page = first.context["page"]
    assert (page.paginator.num_pages, page.paginator.truncated) == (2, True)
    assert "Listan visar de första 20 av många." in first.content.decode()
    assert "Fler än 20 nyheter" in first.content.decode()
    # Past the end: the last page the list shows, the 11th to 20th newest.
    assert beyond.context["page"].number == 2
    shown = beyond.content.decode()
    assert f'href="{articles[5].get_absolute_url()}"' in shown
    assert f'href="{articles[4].get_absolute_url()}"' not in shown


@pytest.mark.django_db
def test_a_short_list_says_nothing_of_more(client):
    factories.NewsArticleFactory.create_batch(3)

    response = client.get("/nyheter/")

    assert response.context["page"].paginator.truncated is False
    assert "av många" not in response.content.decode()
    assert "3 nyheter" in response.content.decode()


@pytest.mark.django_db
def test_focus_area_and_speaker_pages_page_their_presentations(client):
    area = factories.FocusAreaFactory(slug="omradet")
    speaker = factories.SpeakerFactory(slug="talaren")
    for n in range(25):
        presentation = factories.PresentationFactory(title=f"Föredrag {n:02d}")
        presentation.focus_areas.add(area)
        presentation.speakers.add(speaker)

    for url in ("/uppdraget/omradet/", "/talare/talaren/"):
        first = client.get(url).content.decode()
        second = client.get(url, {"sida": 2}).content.decode()

        shown = [n for n in range(25) if f"Föredrag {n:02d}" in first]
        rest = [n for n in range(25) if f"Föredrag {n:02d}" in second]
        assert (len(shown), len(rest)) == (20, 5), url
        assert 'aria-label="Sidnumrering"' in first


# --- Search -------------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stored search document is PostgreSQL's; CI runs both databases",
)


def hits(query):
    return [hit.title for hit in Client().get("/sok/", {"q": query}).context["page"]]


@pytest.mark.django_db
@postgresql_only
def test_the_search_document_follows_every_change_on_postgresql():
    article = factories.NewsArticleFactory(title="Nytt", body="Om utbildningarna.")
    assert hits("utbildning") == ["Nytt"]  # Swedish stemming

    article.body = "Om avhopparverksamheten."
    article.save()
    assert hits("utbildning") == []
    assert hits("avhopparverksamhet") == ["Nytt"]

    # Rows written without save() (a bulk load, a restore) are found too.
    NewsArticle.objects.bulk_create(
        [
            NewsArticle(
                title="Inläst",
                slug="inlast",
                lead="Ingress.",
                body="Samverkansavtalen.",
                status="published",
                publish_at=PAST,
            )
        ]
    )
    assert hits("samverkansavtal") == ["Inläst"]
    NewsArticle.objects.filter(slug="inlast").update(status="draft")
    assert hits("samverkansavtal") == []


@pytest.mark.django_db
@postgresql_only
def test_search_ranks_only_the_newest_matches_on_postgresql(monkeypatch):
    monkeypatch.setattr(portal.search, "RANKED_CANDIDATES", 2)
    for title in ("Äldst", "Mellan", "Nyast"):
        factories.NewsArticleFactory(title=title, body="Om utbildningarna.")

    assert sorted(hits("utbildning")) == ["Mellan", "Nyast"]


@pytest.mark.django_db
@postgresql_only
def test_the_search_uses_the_gin_index_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gin%'"
            " AND indexdef LIKE '%search_vector%'"
        )
        names = {row[0] for row in cursor.fetchall()}

    assert names == {
        "news_search_gin",
        "session_search_gin",
        "presentation_search_gin",
        "speaker_search_gin",
    }


@pytest.mark.django_db
def test_search_never_finds_what_is_not_public():
    factories.NewsArticleFactory(title="Utkast", body="hemligord", status="draft")
    factories.SessionFactory(title="Dold", description="hemligord", published=False)
    hidden = factories.SessionFactory(title="Dold två", published=False)
    factories.PresentationFactory(session=hidden, title="hemligord föredrag")
    private = factories.SpeakerFactory(name="Hemligord Talare")
    factories.PresentationFactory(published=False).speakers.add(private)

    assert hits("hemligord") == []


# --- The report ---------------------------------------------------------------


def pdf_text(response):
    assert response.status_code == 200, response.content[:500]
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_report_counts_every_visible_entry_and_gives_the_newest_in_full(
    world, private_media, monkeypatch
):
    monkeypatch.setattr(reporting, "REPORT_ENTRY_LIMIT", 2)
    # rep_b sees the mandate-wide and open entries of group "operativ",
    # never its own-municipality or group-only ones.
    for month, level in enumerate(["mandate", "open", "mandate", "own", "group"], 1):
        entry = make_entry(
            world, level=level, release_at=PAST, title=f"Rapport nr{month} {level}"
        )
        entry.period_start = datetime.date(2024, month, 1)
        entry.period_end = datetime.date(2024, month, 20)
        entry.save()

    text = pdf_text(
        client_for(world, "rep_b").get(
            "/samordning/rapport/?start=2024-01-01&end=2024-12-31"
        )
    )

    assert "3 lägesrapporter som du kan se gäller perioden." in text
    assert "de 2 senaste av 3 lägesrapporter" in text
    assert "Rapport nr3 mandate" in text
    assert "Rapport nr2 open" in text
    assert "Rapport nr1 mandate" not in text  # counted, not given in full
    assert "nr4" not in text
    assert "nr5" not in text


def test_report_label_covers_the_entries_it_only_counts(
    world, private_media, monkeypatch
):
    monkeypatch.setattr(reporting, "REPORT_ENTRY_LIMIT", 1)
    old = make_entry(world, level="own", release_at=PAST, title="Rapport egen")
    old.period_end = datetime.date(2024, 1, 2)
    old.save()
    make_entry(world, level="open", release_at=PAST, title="Rapport öppen")

    text = pdf_text(
        client_for(world, "rep_a").get(
            "/samordning/rapport/?start=2024-01-01&end=2024-12-31"
        )
    )

    assert "Rapport egen" not in text
    assert "Delningsnivå: Egen kommun" in text


# --- The indicator CSV --------------------------------------------------------


def test_indicator_csv_of_many_periods_publishes_each_page_table(world):
    towns = [world["town_a"], world["town_b"], factories.MunicipalityFactory()]
    for month in range(1, 13):
        for n, town in enumerate(towns):
            factories.IndicatorReportFactory(
                municipality=town,
                period_start=datetime.date(2021, month, 1),
                inquiries=(n + month) % 9,
                cases_opened=(n * month) % 6,
                cases_with_intervention=0,
                prevention_activities=month,
                people_reached=3 * n,
            )
    for quarter in (1, 4, 7, 10):
        factories.IndicatorReportFactory(
            municipality=towns[0],
            period_kind="quarter",
            period_start=datetime.date(2022, quarter, 1),
            inquiries=quarter % 5,
        )
    client = client_for(world, "rep_b")

    response = client.get("/samordning/export/indikatorer.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]

    periods = reporting.reported_periods(world["users"]["rep_b"])
    assert len(periods) == 16
    from_pages = []
    for period in sorted(periods, key=lambda p: (p.start, p.kind)):
        table = client.get(
            "/samordning/indikatorer/", {"period": period.token}
        ).context["table"]
        key = [period.start.isoformat(), str(period.kind_label)]
        from_pages += [[*key, m.name, *cells] for m, cells in table.rows]
        from_pages.append([*key, "Totalt", *table.totals])
    assert exported == from_pages
    assert any("färre än 5" in row for row in exported)


# --- The entry form -----------------------------------------------------------


def entry_data(world, **changes):
    return {
        "group": world["group"].pk,
        "focus_area": world["area"].pk,
        "title": "Ny rapport",
        "period_start": "2024-02-01",
        "period_end": "2024-02-29",
        "text": "Två utbildningar genomförda.",
        "sharing_level": "group",
        "release_at": "2024-03-01T09:00",
    } | changes


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"period_end": "2024-01-01"},
            "period_end",
            "Periodens slut kan inte vara före dess början.",
        ),
        ({"group": "other"}, "group", "Välj ett giltigt alternativ."),
        ({"focus_area": "999999"}, "focus_area", "Välj ett giltigt alternativ."),
    ],
)
def test_entry_form_still_refuses_what_the_database_would(
    world, private_media, changes, field, message
):
    if changes.get("group") == "other":
        changes = {"group": world["other_group"].pk}

    response = client_for(world, "rep_a").post(
        "/samordning/lagesrapporter/ny/", entry_data(world, **changes)
    )

    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not ProgressEntry.objects.exists()


def test_staff_entry_needs_one_unit(world, private_media):
    response = client_for(world, "staff").post(
        "/samordning/lagesrapporter/ny/",
        entry_data(
            world, municipality=world["town_a"].pk, organisation=world["police"].pk
        ),
    )

    assert response.status_code == 400
    assert not ProgressEntry.objects.exists()


# --- Upcoming sessions --------------------------------------------------------


@pytest.mark.django_db
def test_home_and_calendar_show_the_soonest_upcoming_sessions(client):
    now = datetime.datetime.now(datetime.UTC)
    factories.SessionFactory(
        title="Redan slut",
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=2),
    )
    for days in (40, 5, 20, 10, 30):
        factories.SessionFactory(
            title=f"Om {days} dagar", starts_at=now + datetime.timedelta(days=days)
        )

    shown = [s.title for s in client.get("/").context["sessions"]]
    calendar = client.get("/presentationer/kommande.ics").content.decode()

    assert shown == ["Om 5 dagar", "Om 10 dagar", "Om 20 dagar"]
    assert calendar.count("BEGIN:VEVENT") == 5
    assert "Redan slut" not in calendar
