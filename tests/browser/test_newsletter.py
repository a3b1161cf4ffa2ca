"""Newsletter pages in Chromium: axe-core on the form, its errors, confirmation."""

import re

import pytest
from django.core import mail

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_subscribe_error_state_and_confirmation_pass_axe(
    visit, page, portal_server, settings
):
    from django.core.cache import cache

    cache.clear()
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    mail.outbox = []
    factories.FocusAreaFactory(title="Stöd till avhoppare")
    visit("/nyhetsbrev/")

    page.locator("main").get_by_role("button", name="Prenumerera").click()
    assert page.locator("main .invalid-feedback").count() >= 2
    from tests.browser.conftest import run_axe

    assert run_axe(page) == []

    page.locator("main #id_email").fill("ny@example.se")
    page.locator("main #id_consent").check()
    page.locator("main").get_by_role("button", name="Prenumerera").click()
    assert page.locator("h1").inner_text() == "Kolla din e-post"
    assert run_axe(page) == []

    assert mail.outbox == []  # the page only queues the mail
    from tests.tasks import run_queued_tasks

    assert run_queued_tasks() == 1
    (message,) = mail.outbox
    link = re.search(r"https?://[^\s]+/nyhetsbrev/bekrafta/[^\s/]+/", message.body)[0]
    visit("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert page.locator("h1").inner_text() == "Tack! Prenumerationen är bekräftad"


def test_footer_subscription_works_without_javascript(
    nojs_context, portal_server, transactional_db
):
    from django.core.cache import cache

    cache.clear()
    factories.MandateFactory()
    page = nojs_context.new_page()
    page.goto(portal_server + "/")

    page.fill("#footer-newsletter-email", "fot@example.se")
    page.check("#footer-newsletter-consent")
    page.locator("footer").get_by_role("button", name="Prenumerera").click()

    assert page.locator("h1").inner_text() == "Kolla din e-post"
