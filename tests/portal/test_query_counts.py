"""Every public page type runs the same number of queries with 5 and 200 objects."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.usefixtures("without_page_cache")


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def world(db):
    mandate = factories.MandateFactory()
    areas = factories.FocusAreaFactory.create_batch(2, mandate=mandate)
    session = factories.SessionFactory(title="Den stora sessionen", slug="stor")
    speaker = factories.SpeakerFactory(slug="talaren")
    group = factories.WorkingGroupFactory(mandate=mandate, slug="gruppen")
    municipality = factories.MunicipalityFactory(slug="kommunen")
    article = factories.NewsArticleFactory(slug="artikeln")
    article.focus_areas.add(*areas)
    article.municipalities.add(municipality)
    article.related_sessions.add(session)
    mandate.staff.add(factories.PersonFactory())
    return {
        "mandate": mandate,
        "areas": areas,
        "session": session,
        "speaker": speaker,
        "group": group,
        "municipality": municipality,
        "article": article,
    }


def grow(world, n):
    """Add n of every kind of object the pages list."""
    areas = world["areas"]
    for _ in range(n):
        article = factories.NewsArticleFactory(body="avhopparna " * 3)
        article.focus_areas.add(*areas)
        article.municipalities.add(world["municipality"])
        article.related_sessions.add(world["session"])
        factories.SessionFactory(title="avhopparna session")
        presentation = factories.PresentationFactory(
            session=world["session"], summary="avhopparna"
        )
        presentation.speakers.add(world["speaker"], factories.SpeakerFactory())
        presentation.focus_areas.add(*areas)
        municipality = factories.MunicipalityFactory()
        world["group"].municipalities.add(municipality)
        for area in areas:
            factories.FocusAreaStatusFactory(
                municipality=municipality, focus_area=area, sharing_level="open"
            )
        factories.MilestoneFactory(mandate=world["mandate"], focus_area=areas[0])
        world["mandate"].staff.add(factories.PersonFactory())


PAGES = {
    "/": 4,
    "/nyheter/": 6,
    "/nyheter/?fokusomrade=FA&kommun=kommunen": 8,
    "/nyheter/artikeln/": 4,
    "/nyheter/feed/": 1,
    "/uppdraget/": 4,
    "/uppdraget/FA/": 5,
    "/kommuner/": 3,
    "/kommuner/kommunen/": 5,
    "/arbetsgrupper/": 3,
    "/arbetsgrupper/gruppen/": 3,
    "/presentationer/": 2,
    "/presentationer/stor/": 3,
    "/talare/talaren/": 2,
    "/sok/?q=avhopparna": 4,
    "/sitemap.xml": 22,
}


def test_public_page_queries_do_not_grow_with_data(client, world):
    """One world grown from 5 to 200 of everything, every page counted at
    both sizes: building 200 rows once instead of once per page keeps the
    test a second long. The comparison is per page, so a failure names it."""
    urls = {url: url.replace("FA", world["areas"][0].slug) for url in PAGES}
    grow(world, 5)
    small = {url: query_count(client, real) for url, real in urls.items()}

    grow(world, 195)
    large = {url: query_count(client, real) for url, real in urls.items()}

    assert small == PAGES
    assert large == PAGES


def test_presentation_page_queries_do_not_grow(client, world):
    presentation = factories.PresentationFactory(session=world["session"])
    for _ in range(5):
        presentation.speakers.add(factories.SpeakerFactory())
    small = query_count(client, presentation.get_absolute_url())
    for _ in range(195):
        presentation.speakers.add(factories.SpeakerFactory())

    large = query_count(client, presentation.get_absolute_url())

    assert (small, large) == (3, 3)


def test_pagination_is_elided_for_many_pages(rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(10_000), 1).get_page(5000)

    html = render_to_string("portal/partials.html#pagination", {"page": page})

    assert html.count('class="page-link"') == 11
    assert "sida=4999" in html
    assert "sida=5001" in html
    assert 'sida=1"' in html
    assert "sida=10000" in html
    assert "sida=2500" not in html
