"""Real-browser harness: Debian's Chromium driven by Playwright, checked by axe-core.

The live server passes /static/ straight to the application so WhiteNoise
serves the collected, hashed files exactly as in production. axe-core comes
from the npm package pinned in package-lock.json and is injected through the
DevTools protocol, which the page's CSP does not govern. Every page a test
visits through `visit()` is checked for WCAG 2.1 A/AA violations and for CSP
violations. Every response any page in a test receives is collected: a
resource a page asks for (a stylesheet, an icon, an image) that answers 404
fails the test, whichever page asked.
"""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import modify_settings
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an event loop in the test thread; the ORM calls
# the tests make there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


def _identity(handler):
    return handler


@pytest.fixture(scope="session")
def portal_server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        overrides = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        thread = LiveServerThread(
            "127.0.0.1", static_handler=_identity, connections_override=overrides
        )
        thread.daemon = True
        for conn in overrides.values():
            conn.inc_thread_sharing()
        hosts = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
        hosts.enable()
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        thread.terminate()
        hosts.disable()
        for conn in overrides.values():
            conn.dec_thread_sharing()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class MissingResources:
    """The 404s of the resources pages asked for, across a test's contexts.

    A navigation that answers 404 is left out: a test that opens a missing
    page on purpose checks that status itself. Everything a page loads by
    itself (styles, images, the icons in a stylesheet, fonts) counts.
    """

    def __init__(self):
        self.found = []

    def watch(self, context):
        context.on("response", self._record)

    def _record(self, response):
        if response.status == 404 and not response.request.is_navigation_request():
            self.found.append(
                f"{response.url} (asked for by {response.frame.url or '?'})"
            )

    def take(self):
        found, self.found = self.found, []
        return found


@pytest.fixture
def missing_resources():
    """Fails the test at teardown if any page asked for a resource that
    answered 404."""
    missing = MissingResources()
    yield missing
    assert missing.take() == [], "resources that answered 404"


@pytest.fixture
def browser_context(browser, missing_resources):
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    context.add_init_script(CSP_RECORDER)
    missing_resources.watch(context)
    yield context
    context.close()


@pytest.fixture
def nojs_context(browser, missing_resources):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    missing_resources.watch(context)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


def run_axe(page):
    """Run axe-core on the current page; return its violations."""
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return result["violations"]


def describe_violations(violations):
    return json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in violations
        ],
        ensure_ascii=False,
        indent=2,
    )


@pytest.fixture
def visit(page, portal_server, transactional_db, missing_resources):
    """Open a path, assert status, no axe violations, no CSP violations and
    no resource answering 404."""

    def _visit(path, *, status=200, target=None):
        target = target or page
        response = target.goto(portal_server + path)
        assert response is not None
        assert response.status == status, f"{path} answered {response.status}"
        target.wait_for_load_state("load")
        missing = missing_resources.take()
        assert missing == [], f"resources on {path} that answered 404: {missing}"
        violations = run_axe(target)
        assert violations == [], describe_violations(violations)
        csp = target.evaluate("window.__cspViolations || []")
        assert csp == [], f"CSP violations on {path}: {csp}"
        return response

    return _visit


@pytest.fixture
def login(page, portal_server):
    """Sign in through the portal's real forms: the password, then a code
    from an authenticator app made for this sign-in."""
    from tests.factories import TOTPDeviceFactory, totp_code

    def _login(user, password):
        device = TOTPDeviceFactory(user=user)
        page.goto(portal_server + "/logga-in/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", password)
        page.click("input[type=submit]")
        page.wait_for_url("**/logga-in/tvastegs/**")
        page.fill("input[name=code]", totp_code(device))
        page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_load_state()

    return _login
