"""The second step in Chromium: a passkey made by Chromium's virtual
authenticator enrols and then signs in; the pages pass axe-core."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from portal.models import AuditEvent
from tests import factories
from tests.browser.conftest import describe_violations, run_axe

pytestmark = pytest.mark.browser


@pytest.fixture
def localhost(portal_server, settings, transactional_db):
    """Passkeys need a host name (an IP address is no relying party)."""
    origin = portal_server.replace("127.0.0.1", "localhost")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [origin]
    return origin


@pytest.fixture
def authenticator(page):
    """Chromium's software authenticator: a platform passkey that verifies
    the user without asking."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def password_step(page, origin, user):
    page.goto(origin + "/logga-in/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def assert_accessible(page):
    violations = run_axe(page)
    assert violations == [], describe_violations(violations)
    assert page.evaluate("window.__cspViolations || []") == []


def test_a_passkey_enrols_and_then_completes_sign_in(page, localhost, authenticator):
    user = factories.participant()

    password_step(page, localhost, user)
    # First sign-in: enrolment is forced before anything else.
    assert "/konto/tvastegs/" in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Registrera en nyckel").click()
    page.wait_for_selector("text=Dina reservkoder")
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    assert page.locator(".recovery-codes li").count() == 10
    assert_accessible(page)
    assert page.goto(localhost + "/samordning/").status == 200

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()
    assert page.goto(localhost + "/samordning/").url.startswith(
        localhost + "/logga-in/"
    )

    password_step(page, localhost, user)
    assert "/logga-in/tvastegs/" in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Använd min nyckel").click()
    page.wait_for_url(localhost + "/samordning/")

    assert page.goto(localhost + "/samordning/").status == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN, actor=user
    ).exists()


def test_authenticator_app_enrolment_works_without_javascript(nojs_context, localhost):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = factories.participant()
    page = nojs_context.new_page()
    password_step(page, localhost, user)

    assert "/konto/tvastegs/" in page.url
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.fill("input[name=code]", factories.totp_code(device))
    page.get_by_role("button", name="Koppla appen").click()

    assert page.locator(".recovery-codes li").count() == 10
    assert page.goto(localhost + "/samordning/").status == 200
