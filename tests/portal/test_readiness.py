"""/readyz: 200 only when the database, the cache, the migrations and the
task queue are fine; otherwise 503 with a short reason per check."""

import datetime
import json
import time

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from redis.exceptions import ConnectionError as RedisConnectionError

from portal.password_reset import password_reset_send
from tests.outages import forget_database_failures, unreachable_database

pytestmark = pytest.mark.django_db


class UnreachableCache(LocMemCache):
    """A cache whose server refuses every connection."""

    def _refuse(self, *args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 10.1.2.3:6379.")

    add = get = set = delete = incr = clear = _refuse


class ForgetfulCache(LocMemCache):
    """A cache that accepts values and returns none of them."""

    def get(self, key, default=None, version=None):
        return default


def readyz(client=None):
    client = client or Client()
    started = time.monotonic()
    response = client.get("/readyz")
    return response, json.loads(response.content), time.monotonic() - started


def failed(body):
    return {
        name: check["reason"]
        for name, check in body["checks"].items()
        if not check["ok"]
    }


def test_ready_answers_200_ok_and_is_never_cached():
    response, body, _elapsed = readyz()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "cache": {"ok": True},
            "migrations": {"ok": True},
            "tasks": {"ok": True},
        },
    }
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_readyz_is_plain_http_like_healthz(settings):
    """Probes speak plain http to the app server, even with HTTPS on."""
    settings.SECURE_SSL_REDIRECT = True

    assert Client().get("/readyz").status_code == 200
    assert Client().get("/nyheter/").status_code == 301


def test_database_down_answers_503_fast_without_details():
    forget_database_failures()
    client = Client()
    client.get("/healthz")

    with unreachable_database():
        response, body, elapsed = readyz(client)
    forget_database_failures()

    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert failed(body) == {
        "database": "unavailable (OperationalError)",
        "migrations": "database unavailable",
        "tasks": "database unavailable",
    }
    assert elapsed < 2
    for detail in ("127.0.0.1", "port", "nonexistent", "sqlite3", "refused"):
        assert detail not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_cache_refusing_answers_503_without_its_address(settings):
    settings.CACHES = {
        "default": {"BACKEND": "tests.portal.test_readiness.UnreachableCache"}
    }

    response, body, _elapsed = readyz()

    assert response.status_code == 503
    assert failed(body) == {"cache": "unavailable (ConnectionError)"}
    assert "10.1.2.3" not in response.content.decode()


def test_cache_losing_values_answers_503(settings):
    settings.CACHES = {
        "default": {"BACKEND": "tests.portal.test_readiness.ForgetfulCache"}
    }

    response, body, _elapsed = readyz()

    assert response.status_code == 503
    assert failed(body) == {"cache": "value not returned"}


def test_unapplied_migration_answers_503():
    latest = MigrationRecorder.Migration.objects.filter(app="portal").latest("id")
    latest.delete()  # as if the code were deployed before `migrate` ran

    response, body, _elapsed = readyz()

    assert response.status_code == 503
    assert failed(body) == {"migrations": "1 unapplied"}


def test_migration_plan_is_what_is_checked(monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("m", False)] * 3
    )

    response, body, _elapsed = readyz()

    assert response.status_code == 503
    assert failed(body) == {"migrations": "3 unapplied"}


def queued_task(*, waited, run_after=None):
    result = password_reset_send.using(run_after=run_after).enqueue([])
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - waited
    )
    return result


def test_task_waiting_longer_than_the_limit_answers_503(settings):
    settings.READYZ_MAX_TASK_WAIT_SECONDS = 600
    queued_task(waited=datetime.timedelta(seconds=30))
    assert readyz()[0].status_code == 200

    queued_task(waited=datetime.timedelta(seconds=700))
    response, body, _elapsed = readyz()

    assert response.status_code == 503
    (reason,) = failed(body).values()
    assert reason.startswith("oldest queued task waited 7")
    assert reason.endswith("s (limit 600 s)")


def test_deferred_task_counts_from_when_it_is_due(settings):
    settings.READYZ_MAX_TASK_WAIT_SECONDS = 600
    now = timezone.now()
    # Queued long ago for later: not late.
    queued_task(
        waited=datetime.timedelta(days=1), run_after=now + datetime.timedelta(hours=1)
    )
    assert readyz()[0].status_code == 200

    # Due 20 minutes ago and still waiting: late.
    queued_task(
        waited=datetime.timedelta(days=1),
        run_after=now - datetime.timedelta(minutes=20),
    )
    response, body, _elapsed = readyz()

    assert response.status_code == 503
    assert list(failed(body)) == ["tasks"]


def test_finished_tasks_do_not_count(settings):
    settings.READYZ_MAX_TASK_WAIT_SECONDS = 600
    old = queued_task(waited=datetime.timedelta(hours=2))
    DBTaskResult.objects.filter(id=old.id).update(status="SUCCESSFUL")

    assert readyz()[0].status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statement timeout is PostgreSQL's"
)
def test_database_check_is_bounded_by_a_statement_timeout():
    from portal import health

    # Inside the test's transaction the setting outlives the check's own
    # (inner) transaction, which lets the test read what the check set.
    with connection.cursor() as cursor:
        health.check_database()
        cursor.execute("SHOW statement_timeout")
        inside_check = cursor.fetchone()[0]

    assert inside_check == "2s"
    assert health.STATEMENT_TIMEOUT_MS == 2000
