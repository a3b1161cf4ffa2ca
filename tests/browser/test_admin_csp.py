"""The admin runs under the same strict CSP as the public site."""

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ADMIN_PAGES = [
    "/admin/",
    "/admin/programme/newsarticle/",
    "/admin/programme/newsarticle/add/",
    "/admin/presentations/session/add/",
    "/admin/presentations/presentation/add/",
    "/admin/programme/mandate/",
    "/admin/portal/auditevent/",
    "/admin/municipalities/progressentry/add/",
]


def test_admin_pages_have_no_csp_violations(
    page, portal_server, transactional_db, login
):
    # Transactional tests flush the database, data-migration groups included.
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    factories.NewsArticleFactory(title="Synlig i listan")
    login(staff, factories.TEST_PASSWORD)

    for path in ADMIN_PAGES:
        response = page.goto(portal_server + path)

        assert response.status == 200, path
        if path != "/admin/":
            # The admin's external scripts ran (jquery.init defines `django`).
            assert page.evaluate("typeof django === 'object'"), path
        assert page.evaluate("window.__cspViolations") == [], path


def test_admin_prepopulates_slug_under_strict_csp(
    page, portal_server, transactional_db, login
):
    user = factories.UserFactory(is_staff=True, is_superuser=True)
    login(user, factories.TEST_PASSWORD)
    page.goto(portal_server + "/admin/presentations/speaker/add/")

    page.locator("#id_name").press_sequentially("Juri Escobar")

    assert page.input_value("#id_slug") == "juri-escobar"
    assert page.evaluate("window.__cspViolations") == []
