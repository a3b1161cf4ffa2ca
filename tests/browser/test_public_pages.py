"""Every public page type: zero axe-core violations, zero CSP violations,
and usable with JavaScript turned off."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from municipalities.models import FocusAreaStatus
from portal.demo import load_demo
from programme.models import NewsArticle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PUBLIC_PAGES = [
    "/",
    "/nyheter/",
    "/nyheter/?fokusomrade=stod-till-avhoppare",
    "/nyheter/kick-off-for-uppdraget/",
    "/nyheter/med-bild/",
    "/uppdraget/",
    "/uppdraget/stod-till-avhoppare/",
    "/kommuner/",
    "/kommuner/jarfalla/",
    "/arbetsgrupper/",
    "/arbetsgrupper/operativ-arbetsgrupp/",
    "/presentationer/",
    "/presentationer/kick-off-2022/",
    "/presentationer/kick-off-2022/vagen-ut-ur-natverken/",
    "/talare/juri-escobar/",
    "/sok/?q=avhoppare",
    "/sok/?q=zzzz",
    "/sok/?q=" + "x" * 120,
    "/sok/",
    "/nyhetsbrev/",
    "/tillganglighet/",
    "/kakor/",
    "/kontakt/",
    "/personuppgifter/",
]


@pytest.fixture
def demo_site(transactional_db):
    """The demo (with its openly shared stages, drawn on /kommuner/) and an
    article with an image."""
    load_demo(with_logins=False)
    assert FocusAreaStatus.objects.public().count() >= 6
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    article = NewsArticle(
        title="Nyhet med bild",
        slug="med-bild",
        lead="Ingress",
        body="Text",
        image_alt="En blå yta",
        status=NewsArticle.Status.PUBLISHED,
    )
    article.image.save("bild.png", SimpleUploadedFile("bild.png", buffer.getvalue()))
    article.save()


def test_every_public_page_passes_axe_and_csp(visit, demo_site):
    """All pages under one demo load (loading it per page cost 12 s); every
    page is checked and the failures are reported together, by path."""
    problems = {}
    for path in PUBLIC_PAGES:
        try:
            visit(path)
        except AssertionError as error:
            problems[path] = str(error)

    assert problems == {}


def test_not_found_page_passes_axe(visit, demo_site):
    visit("/finns-inte/", status=404)


def test_public_pages_at_320_pixels_reflow(visit, page, demo_site):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ["/", "/kommuner/", "/presentationer/kick-off-2022/", "/nyheter/"]:
        visit(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)


def test_public_site_works_without_javascript(nojs_context, portal_server, demo_site):
    page = nojs_context.new_page()
    page.goto(portal_server + "/")

    page.get_by_role("link", name="Presentationer", exact=True).click()
    page.get_by_role("link", name="Kick-off för uppdraget om avhoppare").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner bilderna").first.click()
    assert download.value.suggested_filename == "vagen-ut-ur-natverken.pdf"

    page.goto(portal_server + "/nyheter/")
    page.select_option("#id_fokusomrade", "stod-till-avhoppare")
    page.get_by_role("button", name="Filtrera").click()
    assert "fokusomrade=stod-till-avhoppare" in page.url
    assert page.get_by_role("link", name="Kick-off för uppdraget").count() == 1

    page.fill("#site-search-q", "avhoppare")
    page.get_by_role("button", name="Sök", exact=True).click()
    assert page.locator("h1").inner_text() == "Sök"
    assert page.get_by_role("status").count() == 1

    page.goto(portal_server + "/")
    page.get_by_role("button", name="In English").click()
    assert page.locator("html").get_attribute("lang") == "en"


def test_video_is_not_loaded_before_the_click(page, portal_server, demo_site):
    from presentations.models import Presentation

    Presentation.objects.filter(slug="vagen-ut-ur-natverken").update(
        video_url="https://video.example.org/watch/123"
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(portal_server + "/presentationer/kick-off-2022/vagen-ut-ur-natverken/")

    assert page.get_by_role("link", name="Öppna videon").count() == 1
    assert [url for url in requested if not url.startswith(portal_server)] == []


def test_every_public_page_works_without_javascript(
    nojs_context, portal_server, demo_site
):
    page = nojs_context.new_page()
    for path in PUBLIC_PAGES:
        response = page.goto(portal_server + path)

        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert page.locator("main").count() == 1, path
