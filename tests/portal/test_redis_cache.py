"""Redis as the shared cache (`CACHE_URL=redis://…`): the rate limits count
there, so app servers share the counts; an unreachable Redis answers the
Swedish 503 at once, never a 500.

These tests need Redis on 127.0.0.1:6379 (CI has it). Without it they are
skipped on a developer's machine and fail under CI (`CI` set)."""

import os
import socket
import time
import uuid

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from portal import ratelimit
from tests import factories
from tests.outages import CLOSED_PORT

pytestmark = pytest.mark.django_db

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database of its own, and a prefix per test: parallel workers and other
# users of this Redis never see each other's keys.
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/15"


def redis_reachable():
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5):
            return True
    except OSError:
        return False


def redis_settings(location, prefix):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def redis_cache(settings):
    if not redis_reachable():
        why = f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT}"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must run these tests against a real Redis")
        pytest.skip(f"{why} (these tests are required when CI is set)")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = redis_settings(REDIS_URL, prefix)
    yield prefix
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def another_app_server(prefix):
    """A cache object of its own, as in another gunicorn process."""
    return RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})


def test_settings_cache_url_redis_selects_djangos_redis_backend():
    from tests.portal.test_settings import run_settings

    result = run_settings(
        {"SECRET_KEY": "x" * 50, "CACHE_URL": "redis://127.0.0.1:6379/1"},
        "settings.CACHES['default']",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    )


def test_rate_limit_counts_in_redis_and_other_app_servers_see_them(redis_cache):
    factories.FocusAreaFactory()
    answers = [
        Client()
        .post(
            "/nyhetsbrev/",
            {"email": "x@example.se", "topics": "all", "consent": "on"},
            REMOTE_ADDR=f"10.0.0.{index}",
        )
        .status_code
        for index in range(4)
    ]

    assert answers == [302, 302, 302, 429]
    client = cache._cache.get_client()
    (key,) = client.scan_iter(match=f"{redis_cache}:*ratelimit:newsletter:email:*")
    assert 0 < client.ttl(key) <= ratelimit.HOUR
    assert b"x@example.se" not in key
    elsewhere = another_app_server(redis_cache)
    assert elsewhere.get(key.decode().split(":", 2)[2]) == 4


def test_rate_limit_window_counts_from_the_first_hit(redis_cache):
    counter = ratelimit.Counter("client", "10.0.0.9", limit=2, window=1)

    ratelimit.hit("test", counter)
    ratelimit.hit("test", counter)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("test", counter)
    time.sleep(1.1)

    ratelimit.hit("test", counter)  # a new window


def test_readyz_round_trips_through_redis(redis_cache):
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == {"ok": True}


def test_unreachable_redis_answers_503_not_500(settings):
    # Before Redis goes: saving public content replaces the page cache's
    # content version there (portal.public_cache).
    factories.FocusAreaFactory()
    settings.CACHES = redis_settings(f"redis://127.0.0.1:{CLOSED_PORT}/0", "down")
    client = Client(raise_request_exception=False)

    started = time.monotonic()
    signup = client.post(
        "/nyhetsbrev/", {"email": "x@example.se", "topics": "all", "consent": "on"}
    )
    ready = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert signup.status_code == 503
    assert "Portalen är tillfälligt otillgänglig" in signup.content.decode()
    assert ready.status_code == 503
    assert ready.json()["checks"]["cache"] == {
        "ok": False,
        "reason": "unavailable (ConnectionError)",
    }
    assert elapsed < 2
