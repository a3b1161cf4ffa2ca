"""The PostgreSQL connection pool (DB_POOL): its settings, and a run of
part of the suite with it on PostgreSQL."""

import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections

from .test_settings import run_settings

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://app:pw@db.example.se:5432/portal"
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


def test_settings_db_pool_is_off_by_default():
    result = run_settings(
        {"SECRET_KEY": "x" * 50, "DATABASE_URL": PG},
        "'pool' in settings.DATABASES['default']['OPTIONS']",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_settings_db_pool_sized_from_environment():
    result = run_settings(
        {
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": PG,
            "DB_POOL": "true",
            "DB_POOL_MIN_SIZE": "2",
            "DB_POOL_MAX_SIZE": "8",
            "DB_POOL_TIMEOUT": "5.5",
        },
        "(settings.DATABASES['default']['OPTIONS'], "
        "settings.DATABASES['default']['CONN_MAX_AGE'], "
        "settings.DATABASES['default']['CONN_HEALTH_CHECKS'])",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        (
            {
                "connect_timeout": 2,
                "pool": {"min_size": 2, "max_size": 8, "timeout": 5.5},
            },
            0,
            True,
        )
    )


def test_settings_db_pool_defaults_fit_gunicorn_threads():
    result = run_settings(
        {"SECRET_KEY": "x" * 50, "DATABASE_URL": PG, "DB_POOL": "true"},
        "settings.DATABASES['default']['OPTIONS']['pool']",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        {"min_size": 1, "max_size": 4, "timeout": 10.0}
    )


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DATABASE_URL": "sqlite:///x.sqlite3"}, "DB_POOL needs PostgreSQL"),
        ({"CONN_MAX_AGE": "60"}, "DB_POOL and CONN_MAX_AGE exclude each other"),
        ({"DB_POOL_MIN_SIZE": "5", "DB_POOL_MAX_SIZE": "4"}, "DB_POOL needs 0 <="),
        ({"DB_POOL_MAX_SIZE": "0", "DB_POOL_MIN_SIZE": "0"}, "DB_POOL needs 0 <="),
        ({"DB_POOL_TIMEOUT": "0"}, "DB_POOL needs 0 <="),
    ],
)
def test_settings_db_pool_refuses_invalid_configuration(environment, message):
    result = run_settings(
        {"SECRET_KEY": "x" * 50, "DATABASE_URL": PG, "DB_POOL": "true", **environment},
        "settings.DATABASES",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the pool is PostgreSQL's")
@pytest.mark.timeout(600)
def test_db_pool_suite_runs_on_postgresql_with_the_pool():
    """Part of the suite in a pytest of its own, with DB_POOL on and a pool
    of two: the permission matrix (many requests, transactions, audit
    rows) and the pool's own check below. Its own database name, so that
    its test database meets no other run's."""
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(
        DB_POOL="true",
        DB_POOL_MIN_SIZE="1",
        DB_POOL_MAX_SIZE="2",
        # Generous: on a busy machine a new connection can take seconds.
        DB_POOL_TIMEOUT="15",
        DATABASE_URL=urlunsplit(url._replace(path=url.path + "_pool")),
    )

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-q",
            "--create-db",
            "tests/municipalities/test_permission_matrix.py",
            "tests/portal/test_db_pool.py::test_db_pool_lends_connections_and_bounds_them",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary
    assert "skipped" not in summary


@pytest.mark.skipif(
    "pool" not in settings.DATABASES["default"].get("OPTIONS", {}),
    reason="runs inside test_db_pool_suite_runs_on_postgresql_with_the_pool",
)
@pytest.mark.django_db(transaction=True)
def test_db_pool_lends_connections_and_bounds_them(monkeypatch):
    connection.close()  # this thread's connection goes back to the pool
    pool = connection.pool
    assert pool is not None
    assert (pool.min_size, pool.max_size) == (1, 2)

    # Two threads hold the pool's two connections; a third waits the pool's
    # timeout and is refused with Django's OperationalError.
    held = threading.Barrier(3)
    release = threading.Event()
    outcome = {}

    def hold(name):
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome[name] = cursor.fetchone()[0]
                held.wait(timeout=10)
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holders = [threading.Thread(target=hold, args=(n,)) for n in ("a", "b")]
    for thread in holders:
        thread.start()
    held.wait(timeout=10)

    def third():
        try:
            connections["default"].ensure_connection()
        except OperationalError as error:
            outcome["third"] = type(error)
        finally:
            connections.close_all()

    monkeypatch.setattr(pool, "timeout", 1.0)  # no need to wait the full 15 s
    waiting = threading.Thread(target=third)
    waiting.start()
    waiting.join(timeout=10)
    release.set()
    for thread in holders:
        thread.join(timeout=10)

    assert outcome["a"] != outcome["b"]
    assert outcome["third"] is OperationalError
    # Given back: the next request gets a connection again.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
