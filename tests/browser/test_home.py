import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_home_has_no_axe_or_csp_violations(visit, page):
    mandate = factories.MandateFactory()
    factories.FocusAreaFactory(mandate=mandate, title="Förebygga nyrekrytering")
    factories.NewsArticleFactory(title="Kick-off för uppdraget")

    visit("/")

    assert page.locator("h1").inner_text() == mandate.title
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("link", name="Kick-off för uppdraget").count() == 1


def test_home_skip_link_is_first_tab_stop(visit, page):
    factories.MandateFactory()
    visit("/")

    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator(".skip-link").is_visible()


def test_home_reflows_at_320_pixels(visit, page):
    factories.MandateFactory()
    page.set_viewport_size({"width": 320, "height": 640})
    visit("/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_home_works_without_javascript(nojs_context, portal_server, transactional_db):
    factories.MandateFactory()
    factories.NewsArticleFactory(title="Läsbar utan skript")
    page = nojs_context.new_page()

    response = page.goto(portal_server + "/")

    assert response.status == 200
    page.get_by_role("link", name="Läsbar utan skript").click()
    assert page.locator("h1").inner_text() == "Läsbar utan skript"


def test_axe_harness_reports_a_known_violation(page):
    """The harness must be able to fail: an image without alt text is caught."""
    from tests.browser.conftest import run_axe

    page.set_content(
        '<html lang="sv"><body><main><img src="x.png"></main></body></html>'
    )

    assert "image-alt" in {violation["id"] for violation in run_axe(page)}


def test_cached_pages_never_hide_the_language_switch_or_a_sign_in(
    nojs_context, page, portal_server, login, transactional_db
):
    """Pages come from the portal's cache and the browser may keep them
    (public, max-age): after the language switch or a sign-in, a link back to
    a page read before must not bring the browser's Swedish or anonymous copy
    (Vary: Cookie makes it ask again)."""
    factories.MandateFactory()
    reader = nojs_context.new_page()
    home = reader.goto(portal_server + "/")
    assert home.headers["cache-control"].startswith("public, max-age=")
    reader.goto(portal_server + "/kakor/")

    reader.get_by_role("button", name="In English").click()
    assert reader.locator("html").get_attribute("lang") == "en"
    reader.locator("a.site-name").click()
    assert reader.locator("html").get_attribute("lang") == "en"

    user = factories.UserFactory()
    page.goto(portal_server + "/nyheter/")
    login(user, factories.TEST_PASSWORD)
    page.locator(".site-nav").get_by_role("link", name="Nyheter").click()
    assert page.get_by_role("button", name="Logga ut").count() == 1
