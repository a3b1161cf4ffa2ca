"""PostgreSQL, and a page answers at once while the server is unreachable.

A request may try to connect several times (the session, the user, the view,
saving the session); each try waits up to `connect_timeout` (2 s, libpq's
minimum) when the server does not answer. After a failed connection this
backend refuses new connections to that server for `FAIL_FAST_SECONDS`
without trying, so a visitor gets the Swedish 503 (`portal.views.server_error`)
after at most one wait, and a server that is down is not hammered. The first
connection after the pause tries the server again, so the portal recovers by
itself within a second of the server's return.
"""

import threading
import time

from django.db.backends.postgresql import base

FAIL_FAST_SECONDS = 1.0

_lock = threading.Lock()
_unreachable_until = {}


def _server(conn_params):
    return (
        conn_params.get("host"),
        conn_params.get("port"),
        conn_params.get("dbname"),
    )


def _pool_exhausted(error):
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # the pool extra is not installed
        return False
    return isinstance(error, PoolTimeout)


def reset():
    """Forget every failure (tests)."""
    with _lock:
        _unreachable_until.clear()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        server = _server(conn_params)
        with _lock:
            until = _unreachable_until.get(server, 0.0)
        if time.monotonic() < until:
            raise base.Database.OperationalError(
                "the database server was unreachable a moment ago"
            )
        try:
            connection = super().get_new_connection(conn_params)
        except base.Database.OperationalError as error:
            if _pool_exhausted(error):
                # Every pooled connection is busy (DB_POOL): the server is
                # fine, so this is no reason to refuse the next request.
                raise
            with _lock:
                _unreachable_until[server] = time.monotonic() + FAIL_FAST_SECONDS
            raise
        with _lock:
            _unreachable_until.pop(server, None)
        return connection
