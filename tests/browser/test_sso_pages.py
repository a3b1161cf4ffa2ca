"""The SSO button and the refusal page in Chromium: axe-core, CSP, no JS."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def sso_on(settings):
    """Configured but never contacted: these pages do not reach a provider."""
    settings.SSO_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "portalen"
    settings.OIDC_RP_CLIENT_SECRET = "hemligt"
    settings.OIDC_PROVIDER_NAME = "Järfällas e-legitimation"
    settings.OIDC_OP_DISCOVERY_URL = (
        "http://127.0.0.1:9/.well-known/openid-configuration"
    )


def test_login_page_with_sso_button_has_no_violations(sso_on, visit, page):
    visit("/logga-in/")

    button = page.get_by_role("link", name="Logga in med Järfällas e-legitimation")
    assert button.get_attribute("href") == "/logga-in/sso/"


def test_sso_refusal_page_has_no_violations(sso_on, visit, page):
    visit("/logga-in/sso/svar/?state=okand&code=x", status=400)

    assert page.locator("h1").inner_text() == "Inloggningen kunde inte genomföras"
    link = page.get_by_role("link", name="Logga in med e-postadress och lösenord")
    assert link.get_attribute("href") == "/logga-in/"


def test_sso_button_works_without_javascript(
    sso_on, nojs_context, portal_server, transactional_db
):
    page = nojs_context.new_page()
    page.goto(portal_server + "/logga-in/")

    page.get_by_role("link", name="Logga in med Järfällas e-legitimation").click()

    # No provider listens on port 9: the start page itself says so.
    assert page.locator("h1").inner_text() == "Inloggningen kunde inte genomföras"
