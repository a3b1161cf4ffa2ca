"""Whether the mandate is closed: read cheaply, for every page.

The portal serves one mandate at a time, the latest by start date
(`Mandate.objects.first()`, as the home page and the dashboard read it).
Once programme staff close it (`municipalities.coordination.services.
mandate_close`), the coordination area is read-only
(`municipalities.coordination.policies.area_closed`) and every public page
says that the mandate has ended.

Pages read the state from the shared cache, so the notice costs no query:
a mandate's save or deletion writes the state afresh (at once and again
after the commit), and it expires after CACHE_SECONDS in any case. The
write lock does not trust the cache alone: every coordination service reads
the database (`current(fresh=True)`) before it writes.
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_delete, post_save

from portal.unavailable import cache_errors
from programme.models import Mandate

CACHE_KEY = "programme:mandate-closure:v1"
CACHE_SECONDS = 600
OPEN = "open"  # what the cache holds while the mandate is not closed


@dataclass(frozen=True)
class Closure:
    """The closed mandate's title and when it was closed."""

    title: str
    closed_at: datetime.datetime


def _read():
    row = (
        Mandate.objects.order_by("-start_date", "id")
        .values("title", "closed_at")
        .first()
    )
    if row is None or row["closed_at"] is None:
        return None
    return Closure(title=row["title"], closed_at=row["closed_at"])


def _read_locked():
    """As `_read`, holding the row until the caller's transaction ends.

    On PostgreSQL a shared row lock: writes do not wait for each other, but
    the closing (which takes the row FOR UPDATE) waits for every write in
    flight, and a write that starts meanwhile waits for the closing and then
    sees it. SQLite runs one write transaction at a time (BEGIN IMMEDIATE),
    so a plain read inside the transaction is as exact."""
    if connection.vendor != "postgresql":
        return _read()
    table = connection.ops.quote_name(Mandate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT title, closed_at FROM {table} "  # noqa: S608 (no input)
            "ORDER BY start_date DESC, id LIMIT 1 FOR SHARE"
        )
        row = cursor.fetchone()
    if row is None or row[1] is None:
        return None
    return Closure(title=row[0], closed_at=row[1])


def remember():
    """Read the state from the database into the cache; return it."""
    closure = _read()
    with contextlib.suppress(*cache_errors()):
        cache.set(CACHE_KEY, closure or OPEN, CACHE_SECONDS)
    return closure


def current(*, fresh=False):
    """The current mandate's `Closure`, or None while it is open (or there
    is none). `fresh` reads the database instead of the cache; inside a
    transaction it also holds the row against a concurrent closing until
    the transaction ends (`_read_locked`)."""
    if fresh:
        return _read_locked() if connection.in_atomic_block else _read()
    try:
        cached = cache.get(CACHE_KEY)
    except cache_errors():
        # An unreachable Redis must not take the pages down: read the
        # database (one query) as long as it is away.
        return _read()
    if cached is not None:
        return None if cached == OPEN else cached
    try:
        return remember()
    except DatabaseError:
        # Only the public notice asks without `fresh`: a page that needs no
        # database (sign-in, the 404) still answers while it is away, and
        # every write reads the database itself (`fresh=True`).
        return None


def _mandate_changed(**kwargs):
    remember()
    transaction.on_commit(remember)


def connect():
    """Called by the app's ready()."""
    post_save.connect(_mandate_changed, sender=Mandate, dispatch_uid="closure-save")
    post_delete.connect(_mandate_changed, sender=Mandate, dispatch_uid="closure-delete")
