"""Every public page type runs the same number of queries with 1, 3 and 30
of everything: rows, sessions, speakers, focus areas, municipalities and
working groups all grow between the counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.sitemaps import SITEMAPS
from tests import factories

pytestmark = pytest.mark.usefixtures("without_page_cache")


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def world(db):
    mandate = factories.MandateFactory()
    areas = [factories.FocusAreaFactory(mandate=mandate, slug="omradet")]
    session = factories.SessionFactory(title="Den stora sessionen", slug="stor")
    speaker = factories.SpeakerFactory(slug="talaren")
    presentation = factories.PresentationFactory(session=session, slug="foredraget")
    presentation.speakers.add(speaker)
    group = factories.WorkingGroupFactory(mandate=mandate, slug="gruppen")
    municipality = factories.MunicipalityFactory(slug="kommunen")
    group.municipalities.add(municipality)
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
        "presentation": presentation,
        "group": group,
        "municipality": municipality,
        "article": article,
        "size": 0,
    }


def grow(world, size):
    """Grow every kind of object the public pages show to `size` of each."""
    for _ in range(size - world["size"]):
        area = factories.FocusAreaFactory(mandate=world["mandate"])
        world["areas"].append(area)
        article = factories.NewsArticleFactory(body="avhopparna " * 3)
        article.focus_areas.add(*world["areas"][:2])
        article.municipalities.add(world["municipality"])
        article.related_sessions.add(world["session"])
        factories.SessionFactory(title="avhopparna session")
        presentation = factories.PresentationFactory(
            session=world["session"], summary="avhopparna"
        )
        presentation.speakers.add(world["speaker"], factories.SpeakerFactory())
        presentation.focus_areas.add(world["areas"][0])
        world["presentation"].speakers.add(factories.SpeakerFactory())
        world["presentation"].focus_areas.add(area)
        municipality = factories.MunicipalityFactory()
        world["group"].municipalities.add(municipality)
        other_group = factories.WorkingGroupFactory(mandate=world["mandate"])
        other_group.municipalities.add(municipality, world["municipality"])
        for status_area in (world["areas"][0], area):
            factories.FocusAreaStatusFactory(
                municipality=municipality, focus_area=status_area, sharing_level="open"
            )
        factories.FocusAreaStatusFactory(
            municipality=world["municipality"], focus_area=area, sharing_level="open"
        )
        factories.MilestoneFactory(mandate=world["mandate"], focus_area=area)
        world["mandate"].staff.add(factories.PersonFactory())
    world["size"] = size


PAGES = {
    "/": 4,
    "/nyheter/": 6,
    "/nyheter/?sida=2": 6,
    "/nyheter/?fokusomrade=omradet&kommun=kommunen": 8,
    "/nyheter/artikeln/": 4,
    "/nyheter/feed/": 1,
    "/uppdraget/": 4,
    "/uppdraget/omradet/": 6,
    "/kommuner/": 3,
    "/kommuner/kommunen/": 5,
    "/arbetsgrupper/": 3,
    "/arbetsgrupper/gruppen/": 3,
    "/presentationer/": 2,
    "/presentationer/stor/": 3,
    "/presentationer/stor/foredraget/": 3,
    "/presentationer/stor/kalender.ics": 1,
    "/presentationer/kommande.ics": 1,
    "/talare/talaren/": 3,
    "/sok/?q=avhopparna": 4,
    # The index reads each section's highest key and the fixed pages' eight
    # dates (to count them); a section's page reads the highest key, then
    # its rows, and the fixed pages' section their dates.
    "/sitemap.xml": 15,
    "/sitemap-sidor.xml": 8,
    **{f"/sitemap-{section}.xml": 2 for section in SITEMAPS if section != "sidor"},
    "/robots.txt": 0,
}


def test_public_page_queries_do_not_grow_with_data(client, world):
    """One world grown from 1 to 3 to 30 of everything, every page counted at
    each size: building the rows once instead of once per page keeps the
    test a few seconds long. The comparison is per page, so a failure names
    it."""
    counts = {}
    for size in (1, 3, 30):
        grow(world, size)
        counts[size] = {url: query_count(client, url) for url in PAGES}

    for size in counts:
        wrong = {u: (n, PAGES[u]) for u, n in counts[size].items() if n != PAGES[u]}
        assert wrong == {}, (size, wrong)


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
    assert 'aria-label="Sidnumrering"' in html
    assert html.count('aria-current="page"') == 1
