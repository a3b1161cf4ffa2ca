"""The Swedish 503 page when the database or the cache cannot be reached.

`portal.views.server_error` (Django's handler500) answers with it for every
`django.db.OperationalError` / `InterfaceError` (the database refused or
dropped the connection, or did not answer in time) and every Redis
connection error or timeout, wherever it was raised: in a view, or in a
middleware such as the session's or the user's, which read the database.
The page is rendered from the template alone: no context processors, no
session, no user, no query. `Retry-After` asks clients to come back soon;
the answer is never stored by browsers or proxies.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 10


def unavailable_errors():
    """The exception classes that say a backing service is unreachable.

    Redis's are looked up, not imported: a worker whose cache is not Redis
    never loads the client (6 MB), and where it was never loaded, none of
    its errors can have been raised."""
    return (OperationalError, InterfaceError, *cache_errors())


def cache_errors():
    """Redis's connection error and timeout, or nothing where the client was
    never loaded (no Redis cache: none of its errors can be raised)."""
    redis_errors = sys.modules.get("redis.exceptions")
    if redis_errors is None:
        return ()
    return (redis_errors.ConnectionError, redis_errors.TimeoutError)


def is_unavailable(exception):
    """Whether the exception, or one it was raised from or during, says a
    backing service could not be reached."""
    errors = unavailable_errors()
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, errors):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def service_unavailable():
    template = loader.get_template("503.html")
    response = HttpResponse(
        template.render({"portal_name": settings.PORTAL_NAME}), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
    return response
