"""Unpublished content never reaches the public, through any channel."""

import datetime
import io

import icalendar
import pytest
from django.db import connection
from django.test import Client
from lxml import etree
from pypdf import PdfReader

from portal.sitemaps import SITEMAPS
from programme.models import NewsArticle
from tests import factories

FUTURE = datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def content(db):
    """Published content and unpublished content carrying marker words."""
    mandate = factories.MandateFactory()
    area = factories.FocusAreaFactory(mandate=mandate, slug="omrade")
    public_session = factories.SessionFactory(title="Öppen session synligmarkor")
    hidden_session = factories.SessionFactory(
        title="Dold session hemligmarkorett", published=False
    )
    speaker = factories.SpeakerFactory(name="Dold talare hemligmarkortva")
    hidden_in_public = factories.PresentationFactory(
        session=public_session,
        title="Opublicerad presentation hemligmarkortre",
        published=False,
    )
    hidden_in_public.speakers.add(speaker)
    hidden_in_public.focus_areas.add(area)
    in_hidden_session = factories.PresentationFactory(
        session=hidden_session, title="Presentation i dold session hemligmarkorfyra"
    )
    public_presentation = factories.PresentationFactory(
        session=public_session, title="Synlig presentation synligmarkor"
    )
    public_presentation.focus_areas.add(area)
    draft = factories.NewsArticleFactory(
        title="Utkast hemligmarkorfem", status=NewsArticle.Status.DRAFT
    )
    scheduled = factories.NewsArticleFactory(
        title="Schemalagd hemligmarkorsex", publish_at=FUTURE
    )
    for article in (draft, scheduled):
        article.focus_areas.add(area)
    published = factories.NewsArticleFactory(title="Publicerad synligmarkor")
    published.related_sessions.add(hidden_session)
    return {
        "hidden_session": hidden_session,
        "hidden_in_public": hidden_in_public,
        "in_hidden_session": in_hidden_session,
        "speaker": speaker,
        "draft": draft,
        "scheduled": scheduled,
        "public_session": public_session,
    }


MARKERS = [
    "hemligmarkorett",
    "hemligmarkortva",
    "hemligmarkortre",
    "hemligmarkorfyra",
    "hemligmarkorfem",
    "hemligmarkorsex",
]


def public_channel_urls(content):
    session = content["public_session"]
    return [
        "/",
        "/nyheter/",
        "/nyheter/?fokusomrade=omrade",
        "/nyheter/feed/",
        "/uppdraget/",
        "/uppdraget/omrade/",
        "/presentationer/",
        session.get_absolute_url(),
        f"/presentationer/{session.slug}/kalender.ics",
        "/presentationer/kommande.ics",
        "/sitemap.xml",
        *[f"/sitemap-{section}.xml" for section in SITEMAPS],
        "/sok/?q=hemligmarkorett",
        "/sok/?q=hemligmarkortre",
        "/sok/?q=hemligmarkorfem",
        "/sok/?q=hemligmarkortva",
        "/sok/?q=session",
        "/sok/?q=presentation",
        f"/nyheter/{NewsArticle.objects.published().get().slug}/",
        f"/nyheter/{NewsArticle.objects.published().get().slug}/pdf/",
    ]


def test_unpublished_markers_never_reach_anonymous_visitors(content):
    client = Client()
    for url in public_channel_urls(content):
        response = client.get(url)

        assert response.status_code == 200, url
        body = response.content
        if response["Content-Type"] == "application/pdf":
            body = "".join(
                page.extract_text() for page in PdfReader(io.BytesIO(body)).pages
            ).encode()
        # The search page repeats the query itself; it must find nothing.
        echoed = url.partition("?q=")[2]
        if echoed in MARKERS:
            assert response.context["page"].paginator.count == 0, url
        for marker in MARKERS:
            if marker != echoed:
                assert marker.encode() not in body, (url, marker)


def test_unpublished_direct_urls_answer_404(content):
    client = Client()
    hidden = [
        content["hidden_session"].get_absolute_url(),
        f"/presentationer/{content['hidden_session'].slug}/kalender.ics",
        content["hidden_in_public"].get_absolute_url(),
        content["hidden_in_public"].get_absolute_url() + "bilder.pdf",
        content["in_hidden_session"].get_absolute_url(),
        content["speaker"].get_absolute_url(),
        content["draft"].get_absolute_url(),
        content["scheduled"].get_absolute_url(),
        f"/nyheter/{content['draft'].slug}/pdf/",
    ]
    for url in hidden:
        assert client.get(url).status_code == 404, url


def sitemap_paths(client):
    """Every address the sitemap index leads to, through each section."""
    index = etree.fromstring(client.get("/sitemap.xml").content)
    paths = set()
    for section in index.findall("s:sitemap/s:loc", SITEMAP_NS):
        response = client.get(section.text.split("testserver", 1)[1])
        assert response.status_code == 200, section.text
        tree = etree.fromstring(response.content)
        paths |= {
            loc.text.split("testserver", 1)[1]
            for loc in tree.findall("s:url/s:loc", SITEMAP_NS)
        }
    return paths


def test_sitemap_parses_and_lists_only_public_urls(content):
    paths = sitemap_paths(Client())

    assert content["public_session"].get_absolute_url() in paths
    assert NewsArticle.objects.published().get().get_absolute_url() in paths
    assert "/uppdraget/omrade/" in paths
    assert content["hidden_session"].get_absolute_url() not in paths
    assert content["draft"].get_absolute_url() not in paths
    assert content["speaker"].get_absolute_url() not in paths


def test_session_ical_parses_with_the_session(content):
    session = content["public_session"]

    response = Client().get(f"/presentationer/{session.slug}/kalender.ics")

    assert response["Content-Type"] == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == session.title
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == session.ends_at.replace(microsecond=0)


def test_upcoming_ical_lists_only_upcoming_public_sessions(content):
    factories.SessionFactory(
        title="Gammal session",
        starts_at=datetime.datetime(2022, 4, 29, 7, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2022, 4, 29, 10, tzinfo=datetime.UTC),
    )

    response = Client().get("/presentationer/kommande.ics")

    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert summaries == [content["public_session"].title]


def test_staff_preview_shows_unpublished_article(content, editor_client):
    response = editor_client.get(content["draft"].get_absolute_url())

    assert response.status_code == 200
    assert "hemligmarkorfem" in response.content.decode()


@pytest.mark.django_db
def test_search_finds_published_content_with_highlight():
    factories.NewsArticleFactory(
        title="Stöd till avhopparna", body="Kommunerna stödjer avhopparna."
    )

    response = Client().get("/sok/", {"q": "avhopparna"})

    assert response.status_code == 200
    hits = list(response.context["page"].object_list)
    assert [hit.title for hit in hits] == ["Stöd till avhopparna"]
    assert "<mark>" in str(hits[0].excerpt)


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stemming needs PostgreSQL; CI runs the suite on it first",
)
def test_search_stems_swedish_on_postgresql():
    factories.NewsArticleFactory(
        title="Nytt stöd", lead="Ingress.", body="Arbetet med avhopparna fortsätter."
    )

    hits = Client().get("/sok/", {"q": "avhoppare"}).context["page"].object_list

    # The Swedish dictionary stems both words to the same lexeme.
    assert [hit.title for hit in hits] == ["Nytt stöd"]


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the substring fallback is SQLite's"
)
def test_search_on_sqlite_matches_substrings_without_stemming():
    factories.NewsArticleFactory(
        title="Nytt stöd", lead="Ingress.", body="Arbetet med avhopparna fortsätter."
    )

    stemmed = Client().get("/sok/", {"q": "avhoppare"}).context["page"]
    substring = Client().get("/sok/", {"q": "avhopparna"}).context["page"]

    assert list(stemmed.object_list) == []
    assert [hit.title for hit in substring.object_list] == ["Nytt stöd"]


@pytest.mark.django_db
def test_search_empty_and_too_long_queries_explain_themselves():
    client = Client()

    empty = client.get("/sok/")
    too_long = client.get("/sok/", {"q": "a" * 101})
    nothing = client.get("/sok/", {"q": "zzzzqqq"})

    assert "Skriv ett eller flera ord" in empty.content.decode()
    assert "högst 100 tecken" in too_long.content.decode()
    assert "Inga träffar för ”zzzzqqq”" in nothing.content.decode()


def test_robots_points_to_sitemap(client, settings):
    settings.SITE_URL = "https://portal.example.se"

    response = client.get("/robots.txt")

    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /samordning/",
        "Sitemap: https://portal.example.se/sitemap.xml",
    ]


@pytest.mark.django_db
def test_pages_carry_canonical_and_open_graph(client, settings):
    settings.SITE_URL = "https://portal.example.se"
    factories.MandateFactory()

    body = client.get("/uppdraget/").content.decode()

    assert '<link rel="canonical" href="https://portal.example.se/uppdraget/">' in body
    assert (
        '<meta property="og:url" content="https://portal.example.se/uppdraget/">'
        in (body)
    )


@pytest.mark.django_db
def test_swedish_unless_english_chosen(client):
    factories.MandateFactory()

    default = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/")

    assert default["Content-Language"] == "sv"
    assert switched.status_code == 302
    assert english["Content-Language"] == "en"


@pytest.mark.django_db
def test_404_page_is_swedish(client):
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_500_page_renders_without_request_context(rf):
    from portal.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()
