"""The coordination area's section layout: every page, discovered from the
URLconf, carries the section navigation and a trail from Samordning; the
navigation offers only doors the reader may pass; every form page shows the
one error banner."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from municipalities.coordination import urls as coordination_urls
from portal.breadcrumbs import Section, breadcrumbs
from tests.municipalities.conftest import client_for, url_kwargs
from tests.municipalities.test_url_matrix import ALL_IN

# Doors that answer with a file, a feed or a redirect, never a page.
NOT_PAGES = {
    "calendar-link",
    "entry-adopt",
    "minutes-adopt",
    "group-ics",
    "entry-feed",
    "attachment",
    "export-entries",
    "export-statuses",
    "export-indicators",
}
# Pages whose form only filters what is shown; their errors are the fields'.
FILTER_PAGES = {"indicators", "comparison"}
# Form pages and how to send each something invalid.
FORM_PAGES = {
    "entry-create": "post",
    "entry-edit": "post",
    "entry-correct": "post",
    "minutes-edit": "post",
    "minutes-correct": "post",
    "reporting-schedule": "post",
    "meeting-create": "post",
    "meeting-edit": "post",
    "decision-create": "post",
    "decision-edit": "post",
    "action-create": "post",
    "action-edit": "post",
    "status-edit": "post",
    "indicator-form": "post",
    "report": "get",
}
BANNER = "Formuläret innehåller fel."
SECTION_NAV = 'nav[aria-label="Samordningens sidor"]'


def page_names():
    names = {pattern.name for pattern in coordination_urls.urlpatterns}
    return sorted(names - NOT_PAGES)


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def trail(soup):
    crumbs = soup.select('nav[aria-label="Brödsmulor"] li')
    return [crumb.get_text(strip=True) for crumb in crumbs]


def nav_links(soup):
    return {
        link["href"]: link.get("aria-current", "")
        for link in soup.select(f"{SECTION_NAV} a")
    }


def test_breadcrumbs_end_at_the_current_page():
    assert breadcrumbs(("Nyheter", "/nyheter/"), "En nyhet") == [
        ("Nyheter", "/nyheter/"),
        ("En nyhet", ""),
    ]


def test_section_breadcrumbs_start_at_the_root(db):
    section = Section("Samordning", "samordning:dashboard")

    assert section.breadcrumbs() == [("Samordning", "")]
    assert section.breadcrumbs("Indikatorer") == [
        ("Samordning", "/samordning/"),
        ("Indikatorer", ""),
    ]


@pytest.mark.parametrize("name", page_names())
def test_every_coordination_page_has_the_section_nav_and_trail(world, targets, name):
    client = client_for(world, "staff")
    url = reverse(f"samordning:{name}", kwargs=url_kwargs(name, targets, "staff"))

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    soup = soup_of(response)
    assert len(soup.select(SECTION_NAV)) == 1
    assert trail(soup)[:2] == ["Startsida", "Samordning"]
    # The page sits under exactly one item of the navigation.
    assert len([c for c in nav_links(soup).values() if c]) == 1


@pytest.mark.parametrize(
    ("name", "kwargs", "link", "current"),
    [
        ("dashboard", {}, "/samordning/", "page"),
        ("entries", {}, "/samordning/lagesrapporter/", "page"),
        ("entry-create", {}, "/samordning/lagesrapporter/", "true"),
        ("indicator-form", {}, "/samordning/indikatorer/", "true"),
        ("group", {"slug": "operativ"}, "/samordning/grupper/operativ/", "page"),
        (
            "decision-create",
            {"slug": "operativ"},
            "/samordning/grupper/operativ/",
            "true",
        ),
    ],
)
def test_section_nav_marks_the_current_item(world, name, kwargs, link, current):
    client = client_for(world, "staff")

    soup = soup_of(client.get(reverse(f"samordning:{name}", kwargs=kwargs)))

    assert nav_links(soup)[link] == current


@pytest.mark.parametrize(
    ("role", "hidden"),
    [
        ("rep_a", {"/samordning/jamforelse/"}),
        ("partner", {"/samordning/jamforelse/", "/samordning/lage/"}),
        ("staff", set()),
    ],
)
def test_section_nav_hides_doors_the_role_may_not_pass(world, role, hidden):
    client = client_for(world, role)

    links = set(nav_links(soup_of(client.get("/samordning/"))))

    assert links.isdisjoint(hidden)
    assert "/samordning/lagesrapporter/" in links


@pytest.mark.parametrize("role", sorted(ALL_IN))
def test_every_section_nav_link_opens_for_its_reader(world, role):
    client = client_for(world, role)

    links = nav_links(soup_of(client.get("/samordning/")))

    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(
        links, 200
    )


def test_section_nav_lists_only_the_readers_groups(world):
    client = client_for(world, "rep_b")

    links = nav_links(soup_of(client.get("/samordning/")))

    assert "/samordning/grupper/annan/" in links
    assert "/samordning/grupper/operativ/" not in links


def test_every_page_with_a_form_is_a_form_page(world, targets):
    client = client_for(world, "staff")
    with_form = set()
    for name in page_names():
        url = reverse(f"samordning:{name}", kwargs=url_kwargs(name, targets, "staff"))
        if client.get(url).context.get("form") is not None:
            with_form.add(name)

    assert with_form - FILTER_PAGES == set(FORM_PAGES)


@pytest.mark.parametrize(("name", "method"), sorted(FORM_PAGES.items()))
def test_every_form_page_shows_the_error_banner_when_invalid(
    world, targets, name, method
):
    client = client_for(world, "staff")
    url = reverse(f"samordning:{name}", kwargs=url_kwargs(name, targets, "staff"))
    invalid = {"start": "inte-ett-datum"} if method == "get" else {"ogiltig": "1"}

    response = getattr(client, method)(url, invalid)

    assert response.status_code == 400
    banner = soup_of(response).select("main .alert-danger[role=alert]")
    assert len(banner) == 1
    assert banner[0].get_text(strip=True).startswith(BANNER)


def test_newsletter_form_shows_the_error_banner_when_invalid(db, client):
    response = client.post(reverse("newsletter:subscribe"), {"email": "inte"})

    assert response.status_code == 400
    banner = soup_of(response).select("main .alert-danger[role=alert]")
    assert banner[0].get_text(strip=True).startswith(BANNER)
