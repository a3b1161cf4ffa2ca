"""Form controls keep their drawing: the select's chevron, the checked radio's
dot and the checked box's tick come from our own static icons, and load.

Bootstrap draws them from data: URLs, which the CSP blocks; portal.css points
them at files in static/img/icons/. A relative url() put in one of
Bootstrap's custom properties resolved against Bootstrap's stylesheet and
answered 404, and every select lost its chevron without any check noticing.
"""

import re

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BACKGROUND = "el => getComputedStyle(el).backgroundImage"


def drawn_icon(page, selector, portal_server):
    """The URL of the icon an element is drawn with; it must load as SVG."""
    background = page.locator(selector).evaluate(BACKGROUND)
    assert background != "none", f"{selector} has no background image"
    match = re.fullmatch(r'url\("([^"]+)"\)', background)
    assert match, background
    url = match[1]
    assert url.startswith(portal_server + "/static/img/icons/"), url
    response = page.request.get(url)
    assert response.status == 200, url
    assert response.headers["content-type"].startswith("image/svg+xml"), url
    return url


def test_select_radio_and_checkbox_are_drawn(visit, page, portal_server):
    factories.FocusAreaFactory(title="Stöd till avhoppare")
    factories.MunicipalityFactory(name="Järfälla")
    visit("/nyheter/")
    select_icon = drawn_icon(page, "#id_fokusomrade", portal_server)

    visit("/nyhetsbrev/")
    radio = page.locator("main input[type=radio][value=areas]")
    radio.check()
    radio_icon = drawn_icon(page, "main input[type=radio][value=areas]", portal_server)
    page.locator("main #id_consent").check()
    box_icon = drawn_icon(page, "main #id_consent", portal_server)
    unchecked = page.locator("main input[type=radio][value=all]").evaluate(BACKGROUND)

    assert "/select." in select_icon
    assert "/radio." in radio_icon
    assert "/check." in box_icon
    # An unchecked radio has no dot.
    assert unchecked == "none"
