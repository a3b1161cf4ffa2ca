"""Every public page says when it was last updated, from real modification
times, and who answers for it; old content says so; the sitemap carries the
same dates."""

import datetime
import re

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from lxml import etree

from municipalities.models import (
    FocusAreaStatus,
    Municipality,
    Organisation,
    SharingLevel,
    WorkingGroup,
)
from portal import freshness
from portal.demo import load_demo
from presentations.models import Presentation, Session, Speaker
from programme.models import FocusArea, Mandate, Milestone, NewsArticle, Person
from tests import factories

# Pages are read afresh: these tests change dates with update(), which the
# page cache (tested in test_public_cache.py) is not told about.
pytestmark = pytest.mark.usefixtures("without_page_cache")

BUMPED = datetime.datetime(2031, 7, 15, 12, tzinfo=datetime.UTC)
FRESHNESS = re.compile(
    r'<div class="page-freshness">.*?Senast uppdaterad <time datetime="'
    r'(\d{4}-\d{2}-\d{2})">([^<]+)</time>.*?Ansvarig: FoU Nordväst, ([^(<,]+)',
    re.S,
)
OWNER_ONLY = re.compile(
    r'<div class="page-freshness">\s*<p[^>]*>\s*Ansvarig: FoU Nordväst, ([^(<,]+)'
)


def bump(queryset):
    """Date one row the page shows in 2031: the page must show that date."""
    assert queryset.exists()
    queryset.model.objects.filter(pk=queryset.first().pk).update(updated_at=BUMPED)


# Each data page type: a path, the row whose modification the page must
# reflect, and the owner it names.
DATA_PAGES = [
    ("/", lambda: Mandate.objects.all(), "projektledningen"),
    (
        "/nyheter/",
        lambda: NewsArticle.objects.filter(slug="slutrapporten-ar-klar"),
        "redaktionen",
    ),
    (
        "/nyheter/kick-off-for-uppdraget/",
        lambda: NewsArticle.objects.filter(slug="kick-off-for-uppdraget"),
        "redaktionen",
    ),
    ("/uppdraget/", lambda: Milestone.objects.all(), "projektledningen"),
    ("/uppdraget/", lambda: Person.objects.all(), "projektledningen"),
    (
        "/uppdraget/stod-till-avhoppare/",
        lambda: FocusArea.objects.filter(slug="stod-till-avhoppare"),
        "projektledningen",
    ),
    (
        "/uppdraget/stod-till-avhoppare/",
        lambda: FocusAreaStatus.objects.public().filter(
            focus_area__slug="stod-till-avhoppare"
        ),
        "projektledningen",
    ),
    ("/kommuner/", lambda: FocusAreaStatus.objects.public(), "projektledningen"),
    (
        "/kommuner/jarfalla/",
        lambda: Municipality.objects.filter(slug="jarfalla"),
        "projektledningen",
    ),
    ("/arbetsgrupper/", lambda: WorkingGroup.objects.all(), "projektledningen"),
    (
        "/arbetsgrupper/operativ-arbetsgrupp/",
        lambda: Organisation.objects.filter(slug="fryshuset"),
        "projektledningen",
    ),
    (
        "/presentationer/",
        lambda: Session.objects.filter(slug="kick-off-2022"),
        "redaktionen",
    ),
    (
        "/presentationer/kick-off-2022/",
        lambda: Speaker.objects.filter(slug="juri-escobar"),
        "redaktionen",
    ),
    (
        "/presentationer/kick-off-2022/vagen-ut-ur-natverken/",
        lambda: Presentation.objects.filter(slug="vagen-ut-ur-natverken"),
        "redaktionen",
    ),
    (
        "/talare/juri-escobar/",
        lambda: Speaker.objects.filter(slug="juri-escobar"),
        "redaktionen",
    ),
    (
        "/kontakt/",
        lambda: Person.objects.filter(name="Jörgen Larsson"),
        "projektledningen",
    ),
]
TEXT_PAGES = [
    ("/tillganglighet/", "portal/accessibility.html", "webbplatsens förvaltning"),
    ("/kakor/", "portal/cookies.html", "webbplatsens förvaltning"),
    ("/personuppgifter/", "portal/privacy.html", "webbplatsens förvaltning"),
    ("/sok/?q=avhoppare", "portal/search.html", "webbplatsens förvaltning"),
    ("/nyhetsbrev/", "programme/newsletter/subscribe.html", "redaktionen"),
]


def freshness_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    match = FRESHNESS.search(response.content.decode())
    assert match, f"{path} has no 'Senast uppdaterad' with an owner"
    return datetime.date.fromisoformat(match[1]), match[2], match[3].strip()


@pytest.mark.django_db
def test_every_public_page_type_shows_its_update_date_and_owner():
    """On the demo, each page type shows a real date and an owner; dating
    one row the page shows in 2031 moves the page's date to 2031."""
    load_demo(with_logins=False)
    client = Client()
    today = timezone.localdate()
    for path, _rows, owner in DATA_PAGES:
        date, _shown, named = freshness_of(client, path)
        assert datetime.date(2026, 1, 1) <= date <= today, path
        assert named == owner, path

    moved = {}
    for path, rows, _owner in DATA_PAGES:
        # One row at a time, undone after: the page must follow that row.
        with transaction.atomic():
            bump(rows())
            date, shown, _named = freshness_of(client, path)
            transaction.set_rollback(True)
        moved[path, rows().model.__name__] = (date, shown)

    assert moved == dict.fromkeys(moved, (BUMPED.date(), "15 juli 2031"))
    for path, template, owner in TEXT_PAGES:
        date, _shown, named = freshness_of(client, path)
        assert (date, named) == (freshness.text_date(template), owner), path


def test_text_pages_dates_follow_their_templates():
    """A text page's date is the day its template last changed: changing the
    template without its date in portal/freshness.py fails here."""
    stale = {
        name: freshness.template_digest(name)
        for name, (_date, digest) in freshness.TEXT_PAGES.items()
        if freshness.template_digest(name) != digest
    }
    assert stale == {}, (
        "These templates changed: set their date in portal/freshness.py "
        "TEXT_PAGES to today and their digest to the one shown."
    )


@pytest.mark.django_db
def test_a_page_with_nothing_dated_names_only_its_owner(client):
    body = client.get("/nyheter/").content.decode()

    assert "Senast uppdaterad" not in body
    assert OWNER_ONLY.search(body)[1].strip() == "redaktionen"


@pytest.mark.django_db
def test_old_content_says_it_may_be_out_of_date(client, settings):
    settings.CONTENT_STALE_DAYS = 30
    article = factories.NewsArticleFactory(slug="gammal")
    notice = "Innehållet på sidan har inte uppdaterats på över 30 dagar"

    NewsArticle.objects.filter(pk=article.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=20)
    )
    fresh = client.get("/nyheter/gammal/").content.decode()
    NewsArticle.objects.filter(pk=article.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=31)
    )
    old = client.get("/nyheter/gammal/").content.decode()

    assert notice not in fresh
    assert notice in old


@pytest.mark.django_db
def test_owner_email_comes_from_the_setting(client, settings):
    settings.CONTENT_OWNER_EMAIL = "redaktionen@example.se"

    body = client.get("/kakor/").content.decode()

    assert 'Ansvarig: FoU Nordväst, webbplatsens förvaltning, <a href="mailto:' in (
        body
    )
    assert "redaktionen@example.se" in body


@pytest.mark.django_db
def test_accessibility_statement_dates_come_from_the_settings(client, settings):
    settings.ACCESSIBILITY_REVIEWED_ON = datetime.date(2027, 2, 3)
    settings.SITE_PUBLISHED_ON = datetime.date(2026, 1, 5)

    body = client.get("/tillganglighet/").content.decode()

    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd><time datetime=\"([-\d]+)\">", body))
    assert facts == {
        "Bedömningen gjordes": "2027-02-03",
        "Webbplatsen publicerades": "2026-01-05",
        # The statement changes with its review's date.
        "Redogörelsen uppdaterades senast": "2027-02-03",
    }


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.mark.django_db
def test_every_sitemap_entry_has_its_lastmod(client):
    load_demo(with_logins=False)
    jarfalla = Municipality.objects.get(slug="jarfalla")
    FocusAreaStatus.objects.filter(
        municipality=jarfalla, sharing_level=SharingLevel.OPEN
    ).update(updated_at=BUMPED)

    index = etree.fromstring(client.get("/sitemap.xml").content)
    sections = [
        loc.text.split("testserver", 1)[1]
        for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS)
    ]

    entries = {}
    for section in sections:
        tree = etree.fromstring(client.get(section).content)
        entries.update(
            {
                url.findtext("s:loc", namespaces=SITEMAP_NS).split("testserver", 1)[
                    1
                ]: url.findtext("s:lastmod", namespaces=SITEMAP_NS)
                for url in tree.findall("s:url", SITEMAP_NS)
            }
        )
    assert len(entries) > 20
    assert [path for path, lastmod in entries.items() if not lastmod] == []
    article = NewsArticle.objects.get(slug="kick-off-for-uppdraget")
    assert entries[article.get_absolute_url()] == str(
        timezone.localtime(article.updated_at).date()
    )
    # A municipality's page changes with its published stages.
    assert entries["/kommuner/jarfalla/"] == "2031-07-15"
    assert entries["/kommuner/"] == "2031-07-15"
    assert entries["/kakor/"] == str(freshness.text_date("portal/cookies.html"))


@pytest.mark.django_db
def test_datetime_attributes_are_valid_html(client):
    """HTML allows at most three digits of a second's fraction; Django's
    date:"c" wrote six (microseconds)."""
    load_demo(with_logins=False)
    valid = re.compile(
        r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?([+-]\d{2}:\d{2}|Z))?"
    )
    found = {}
    for path in [
        "/",
        "/nyheter/",
        "/nyheter/kick-off-for-uppdraget/",
        "/uppdraget/",
        "/kommuner/jarfalla/",
        "/presentationer/",
        "/presentationer/kick-off-2022/",
        "/presentationer/kick-off-2022/vagen-ut-ur-natverken/",
    ]:
        for value in re.findall(
            r'datetime="([^"]*)"', client.get(path).content.decode()
        ):
            found[value] = path

    assert found
    assert {
        value: path for value, path in found.items() if not valid.fullmatch(value)
    } == {}
