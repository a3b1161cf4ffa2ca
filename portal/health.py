"""Readiness: may this instance take traffic?

(`/healthz`, in `portal.views`, is the liveness probe and touches nothing.)
`/readyz` answers 200 when this instance can serve: the database answers a
trivial query, the cache stores and returns a value, no migration is waiting,
and the oldest task due in the queue has waited less than
`READYZ_MAX_TASK_WAIT_SECONDS` (the worker is running). Otherwise 503, with
one short reason per failed check. The answer names no person, host,
address or error message (those go to the log), and is never cached.

Each check is bounded: the database by `connect_timeout` and, on
PostgreSQL, a statement timeout; Redis by its socket timeouts
(`CACHE_SOCKET_TIMEOUT`). When the database is down the checks that need it
are not tried.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Min, Q
from django.http import JsonResponse
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

STATEMENT_TIMEOUT_MS = 2000


class NotReady(Exception):
    """A check failed; the message is safe to show."""


def check_database():
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise NotReady("unexpected answer")


def check_cache():
    key = f"readyz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise NotReady("value not returned")
    finally:
        cache.delete(key)


def pending_migrations():
    """Migrations in the code that the database has not applied."""
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def check_migrations():
    plan = pending_migrations()
    if plan:
        raise NotReady(f"{len(plan)} unapplied")


def oldest_task_wait(now):
    """How long the oldest task that is due has waited, or None."""
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    never_deferred = get_date_max()
    oldest = ready.aggregate(
        queued=Min("enqueued_at", filter=Q(run_after=never_deferred)),
        deferred=Min(
            "run_after", filter=Q(run_after__lte=now) & ~Q(run_after=never_deferred)
        ),
    )
    due_since = [moment for moment in oldest.values() if moment is not None]
    return now - min(due_since) if due_since else None


def check_tasks():
    limit = datetime.timedelta(seconds=settings.READYZ_MAX_TASK_WAIT_SECONDS)
    wait = oldest_task_wait(timezone.now())
    if wait is not None and wait > limit:
        raise NotReady(
            f"oldest queued task waited {int(wait.total_seconds())} s "
            f"(limit {int(limit.total_seconds())} s)"
        )


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "migrations": check_migrations,
    "tasks": check_tasks,
}
NEED_DATABASE = {"migrations", "tasks"}


def run_checks():
    """{name: (ok, reason)} for every check."""
    results = {}
    for name, check in CHECKS.items():
        if name in NEED_DATABASE and not results["database"][0]:
            results[name] = (False, "database unavailable")
            continue
        try:
            check()
        except NotReady as problem:
            results[name] = (False, str(problem))
        except Exception as error:
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = (False, f"unavailable ({type(error).__name__})")
        else:
            results[name] = (True, "")
    return results


@never_cache
def readyz(request):
    results = run_checks()
    ready = all(ok for ok, _reason in results.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {
            name: {"ok": True} if ok else {"ok": False, "reason": reason}
            for name, (ok, reason) in results.items()
        },
    }
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
    return response
