"""Throttling that cannot be side-stepped: sign-in per client address across
accounts, password-reset mail per email and per client, and answers that are
the same for known and unknown accounts."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal import ratelimit
from tests import factories
from tests.tasks import run_queued_tasks

RESET = "/konto/aterstall/"


def login(email, password, ip, **headers):
    return Client().post(
        "/logga-in/",
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
        **headers,
    )


def hide_addresses(content):
    """The page without its CSRF token and the address typed into the form."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb"[a-z]+@example\.se", b"ADDRESS", content)


def reset(email, ip="10.0.0.1"):
    return Client().post(RESET, {"email": email}, REMOTE_ADDR=ip)


# --- sign-in: one address, many accounts -------------------------------------


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_locked_at_twenty():
    assert settings.LOGIN_CLIENT_FAILURE_LIMIT == 20
    assert settings.AXES_FAILURE_LIMIT == 5
    user = factories.UserFactory(email="riktig@example.se")
    tried = [factories.UserFactory().email for _ in range(10)]
    tried += [f"Okand{number}@Example.se" for number in range(10)]
    # One wrong password against twenty accounts, known and unknown, with a
    # new browser, user agent and forwarded address each time: one failure
    # per account, so the lock of an account from an address never fires.
    answers = [
        login(
            email,
            "Sommar2024!",
            "10.1.1.1",
            HTTP_USER_AGENT=f"agent-{number}",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        ).status_code
        for number, email in enumerate(tried)
    ]
    # Accounts never tried, even with the right password, from that address:
    right = login(user.email, factories.TEST_PASSWORD, "10.1.1.1")
    other = factories.UserFactory(email="annan@example.se")
    untouched = login(other.email, factories.TEST_PASSWORD, "10.1.1.1")
    elsewhere = login(user.email, factories.TEST_PASSWORD, "10.1.1.2")

    assert answers == [200] * 19 + [429]
    assert (right.status_code, untouched.status_code) == (429, 429)
    assert "_auth_user_id" not in right.wsgi_request.session
    assert "För många inloggningsförsök" in right.content.decode()
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_address_lock_ends_after_the_cool_off_and_follows_the_setting(settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 3
    user = factories.UserFactory(email="riktig@example.se")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        answers = [
            login(f"p{n}@example.se", "fel", "10.1.1.1").status_code for n in range(3)
        ]
        locked = login(user.email, factories.TEST_PASSWORD, "10.1.1.1")
    minute = datetime.timedelta(minutes=1)
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME - minute, tick=False):
        still = login(user.email, factories.TEST_PASSWORD, "10.1.1.1")
    later = start + settings.AXES_COOLOFF_TIME + minute
    with time_machine.travel(later, tick=False):
        after = login(user.email, factories.TEST_PASSWORD, "10.1.1.1")

    assert answers == [200, 200, 429]
    assert (locked.status_code, still.status_code) == (429, 429)
    assert after.status_code == 302


@pytest.mark.django_db
def test_pair_lock_still_comes_first_at_five():
    user = factories.UserFactory(email="offer@example.se")
    answers = [login(user.email, "fel", "10.1.1.1").status_code for _ in range(5)]
    other = factories.UserFactory(email="annan@example.se")

    assert answers == [200, 200, 200, 200, 429]
    # Five failures are far from the address limit: others still sign in.
    assert login(other.email, factories.TEST_PASSWORD, "10.1.1.1").status_code == 302


# --- password reset ----------------------------------------------------------


@pytest.mark.django_db
def test_reset_answers_the_same_for_every_kind_of_address(mailoutbox):
    factories.UserFactory(email="kand@example.se")
    factories.UserFactory(email="avstangd@example.se", is_active=False)
    unusable = factories.UserFactory(email="utan@example.se")
    unusable.set_unusable_password()
    unusable.save()
    addresses = [
        "kand@example.se",
        "KAND@example.se",
        "okand@example.se",
        "avstangd@example.se",
        "utan@example.se",
    ]

    answers = {}
    for number, address in enumerate(addresses):
        with CaptureQueriesContext(connection) as queries:
            response = reset(address, ip=f"10.2.0.{number}")
        answers[address] = (
            response.status_code,
            response["Location"],
            response.content,
            len(queries),
        )

    assert len(set(answers.values())) == 1, answers
    assert next(iter(answers.values()))[:2] == (302, "/konto/aterstall/skickat/")
    # Nothing was sent while answering, and every request queued one task.
    assert mailoutbox == []
    assert DBTaskResult.objects.count() == len(addresses)
    assert run_queued_tasks() == len(addresses)
    assert [message.to for message in mailoutbox] == [["kand@example.se"]] * 2


@pytest.mark.django_db
def test_reset_mail_is_limited_per_email_address(mailoutbox):
    assert settings.PASSWORD_RESET_LIMIT_PER_EMAIL == 3
    factories.UserFactory(email="kand@example.se")

    # From a new client each time, in any letter case.
    known = [
        reset(address, ip=f"10.3.0.{number}").status_code
        for number, address in enumerate(
            [
                "kand@example.se",
                "Kand@example.se",
                " KAND@EXAMPLE.SE",
                "kand@example.se",
            ]
        )
    ]
    unknown = [reset("okand@example.se", ip=f"10.4.0.{number}") for number in range(4)]
    run_queued_tasks()

    assert known == [302, 302, 302, 429]
    assert [response.status_code for response in unknown] == [302, 302, 302, 429]
    assert len(mailoutbox) == 3
    # The refusal is the same page for an account and for no account.
    refused_known = reset("kand@example.se", ip="10.5.0.1")
    assert refused_known.status_code == 429
    assert "För många försök" in refused_known.content.decode()
    assert hide_addresses(refused_known.content) == hide_addresses(unknown[3].content)


@pytest.mark.django_db
def test_reset_mail_is_limited_per_client(mailoutbox):
    assert settings.PASSWORD_RESET_LIMIT_PER_CLIENT == 10
    factories.UserFactory(email="kand@example.se")

    answers = [
        reset(f"person{number}@example.se", ip="10.6.0.1").status_code
        for number in range(10)
    ]
    refused = reset("kand@example.se", ip="10.6.0.1")
    elsewhere = reset("kand@example.se", ip="10.6.0.2")
    run_queued_tasks()

    assert answers == [302] * 10
    assert refused.status_code == 429
    assert elsewhere.status_code == 302
    assert [message.to for message in mailoutbox] == [["kand@example.se"]]


@pytest.mark.django_db
def test_reset_limits_follow_the_settings(settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 2

    assert reset("a@example.se", ip="10.7.0.1").status_code == 302
    assert reset("a@example.se", ip="10.7.0.2").status_code == 429
    assert reset("b@example.se", ip="10.7.0.3").status_code == 302
    assert reset("c@example.se", ip="10.7.0.3").status_code == 302
    assert reset("d@example.se", ip="10.7.0.3").status_code == 429


@pytest.mark.django_db
def test_reset_link_is_built_on_site_url_not_the_host_header(settings, mailoutbox):
    settings.ALLOWED_HOSTS = ["testserver", "elak.example"]
    factories.UserFactory(email="kand@example.se")

    Client().post(RESET, {"email": "kand@example.se"}, HTTP_HOST="elak.example")
    run_queued_tasks()

    (message,) = mailoutbox
    assert settings.SITE_URL + "/konto/aterstall/" in message.body
    assert "elak.example" not in message.body


# --- the counter itself ------------------------------------------------------


def test_counter_window_starts_at_first_hit_and_ends_after_an_hour():
    counter = ratelimit.Counter("client", "10.8.0.1", 2)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ratelimit.hit("test", counter)
    with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
        ratelimit.hit("test", counter)
        with pytest.raises(ratelimit.RateLimited):
            ratelimit.hit("test", counter)
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        ratelimit.hit("test", counter)


def test_every_counter_counts_even_when_another_is_over():
    busy = ratelimit.Counter("client", "10.8.0.2", 1)
    ratelimit.hit("test", busy)
    for _ in range(3):
        with pytest.raises(ratelimit.RateLimited):
            ratelimit.hit("test", busy, ratelimit.Counter("email", "x@example.se", 3))
    # The email was counted three times while the client was over its limit.
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("test", ratelimit.Counter("email", "x@example.se", 3))


def test_counter_keys_hold_no_address():
    ratelimit.hit("test", ratelimit.Counter("email", "hemlig@example.se", 5))

    keys = list(cache._cache)  # the local-memory cache of the tests
    assert keys
    assert not any("hemlig" in key or "example" in key for key in keys)
