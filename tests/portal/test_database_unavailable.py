"""With the database unreachable every page answers the Swedish 503 at once,
and the portal serves again by itself when the database is back."""

import time

import pytest
from django.db import close_old_connections, connection
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from portal import unavailable
from tests import factories
from tests.outages import (
    TcpRelay,
    default_database,
    forget_database_failures,
    unreachable_database,
)

# Every page that reads the database, for anyone.
PAGES = [
    ("get", "/", None),
    ("get", "/nyheter/", None),
    ("get", "/sok/?q=avhopp", None),
    ("post", "/nyhetsbrev/", {"email": "a@example.se", "consent": "on"}),
    ("post", "/logga-in/", {"username": "a@example.se", "password": "fel-losen"}),
]
# With a session, every page reads it (and the user) from the database.
SIGNED_IN_PAGES = [
    ("get", "/samordning/", None),
    ("get", "/admin/", None),
    ("get", "/logga-in/", None),
    ("get", "/kontakt/", None),
]
SWEDISH_HEADING = "Portalen är tillfälligt otillgänglig"

# Pages rendered every time: a cached anonymous page needs no database
# (tests/portal/test_public_cache.py shows it answered during an outage).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_page_cache")]


@pytest.fixture(autouse=True)
def _no_remembered_failures():
    forget_database_failures()
    yield
    forget_database_failures()


def visitor(signed_in):
    """A client that does not re-raise the exception the portal handled,
    warmed up so that the timing below is the database's, not the first
    import of the URL configuration."""
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(factories.UserFactory())
    assert client.get("/healthz").status_code == 200
    return client


def assert_swedish_503(response):
    body = response.content.decode()
    assert response.status_code == 503
    assert SWEDISH_HEADING in body
    assert '<html lang="sv">' in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("signed_in", "method", "path", "data"),
    [(False, *page) for page in PAGES]
    + [(True, *page) for page in PAGES + SIGNED_IN_PAGES],
)
def test_every_page_answers_swedish_503_fast_when_database_is_unreachable(
    signed_in, method, path, data
):
    client = visitor(signed_in)

    with unreachable_database():
        started = time.monotonic()
        response = getattr(client, method)(path, data)
        elapsed = time.monotonic() - started

    assert_swedish_503(response)
    assert elapsed < 2


def test_pages_that_need_no_database_still_answer():
    client = visitor(signed_in=False)

    with unreachable_database():
        login = client.get("/logga-in/")
        alive = client.get("/healthz")

    assert (login.status_code, alive.status_code) == (200, 200)


def test_portal_serves_again_once_the_database_is_back():
    client = visitor(signed_in=False)
    with unreachable_database():
        assert client.get("/").status_code == 503

    assert client.get("/").status_code == 200


def test_failure_inside_a_middleware_gets_the_503(settings):
    """The session is read by a middleware before any view: a session cookie
    with the database down fails there, and still gets the page."""
    client = visitor(signed_in=True)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"

    with unreachable_database():
        response = client.get("/samordning/")

    assert_swedish_503(response)


def test_503_page_is_english_when_english_was_chosen():
    client = visitor(signed_in=False)
    client.cookies["django_language"] = "en"

    with unreachable_database():
        response = client.get("/")

    assert response.status_code == 503
    assert '<html lang="en">' in response.content.decode()
    assert SWEDISH_HEADING not in response.content.decode()


@pytest.mark.parametrize(
    "exception",
    [
        OperationalError("connection refused"),
        InterfaceError("connection already closed"),
        RedisConnectionError("refused"),
    ],
)
def test_unavailable_services_are_recognised_also_when_wrapped(exception):
    try:
        try:
            raise exception
        except Exception as inner:
            raise ValueError("while rendering") from inner
    except ValueError as outer:
        wrapped = outer

    assert unavailable.is_unavailable(exception)
    assert unavailable.is_unavailable(wrapped)
    assert not unavailable.is_unavailable(ValueError("a bug"))
    assert not unavailable.is_unavailable(None)


def test_a_bug_still_gets_the_500_page(monkeypatch):
    import portal.views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(portal.views.Mandate.objects, "prefetch_related", broken)
    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert SWEDISH_HEADING not in response.content.decode()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the relay forwards to PostgreSQL"
)


def relay_to_database():
    relay = TcpRelay(int(connection.settings_dict["PORT"] or 5432))
    relay.restore()
    return relay


def next_request(client, path="/"):
    """What a real request does first: drop connections found broken."""
    close_old_connections()
    return client.get(path)


@postgresql_only
def test_portal_recovers_within_five_seconds_of_the_database_returning():
    client = visitor(signed_in=False)
    relay = relay_to_database()
    try:
        with default_database(HOST="127.0.0.1", PORT=str(relay.port), CONN_MAX_AGE=60):
            assert next_request(client).status_code == 200
            relay.cut()
            started = time.monotonic()
            down = next_request(client)
            assert time.monotonic() - started < 2
            assert_swedish_503(down)

            relay.restore()
            returned = time.monotonic()
            statuses = []
            while time.monotonic() - returned < 5:
                statuses.append(next_request(client).status_code)
                if statuses[-1] == 200:
                    break
                time.sleep(0.2)
    finally:
        relay.cut()

    assert statuses[-1] == 200
    assert set(statuses[:-1]) <= {503}


@postgresql_only
def test_dead_kept_connection_is_replaced_on_the_next_request():
    """CONN_HEALTH_CHECKS: a kept connection the server dropped (restart) is
    checked before its first use and replaced, so the very next request
    after the outage is served."""
    client = visitor(signed_in=False)
    relay = relay_to_database()
    try:
        with default_database(
            HOST="127.0.0.1", PORT=str(relay.port), CONN_MAX_AGE=60
        ) as database:
            assert next_request(client).status_code == 200
            kept = database.connection
            assert kept is not None
            relay.cut()
            relay.restore()

            response = next_request(client)

            assert response.status_code == 200
            assert database.connection is not kept
    finally:
        relay.cut()


@postgresql_only
def test_after_a_failed_connection_the_next_ones_fail_without_waiting():
    from portal.postgresql import base

    client = visitor(signed_in=False)
    with unreachable_database():
        client.get("/")
        with pytest.raises(OperationalError, match="unreachable a moment ago"):
            connection.ensure_connection()

        time.sleep(base.FAIL_FAST_SECONDS + 0.1)
        with pytest.raises(OperationalError) as tried_again:
            connection.ensure_connection()

    assert "a moment ago" not in str(tried_again.value)
