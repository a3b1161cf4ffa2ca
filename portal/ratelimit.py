"""Rate limits for the public forms that send mail or take up a link.

One helper for every limit outside sign-in (which django-axes throttles):
each request counts one hit on every counter it names, in the configured
cache, so app servers sharing a cache (Redis in production, `CACHE_URL`)
share the counts. A counter is a fixed window that starts at its first hit.
Keys hold a digest of the value, never the address or email itself.

Every counter is counted even when another is already over its limit, so
someone who keeps trying keeps being counted everywhere.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache

HOUR = 60 * 60


class RateLimited(Exception):
    """Too many requests for one of the counters."""


@dataclass(frozen=True)
class Counter:
    """`limit` requests per `window` seconds for one value of one kind,
    e.g. Counter("client", "10.0.0.1", 10)."""

    kind: str
    value: str
    limit: int
    window: int = HOUR


def _key(scope, counter):
    digest = hashlib.sha256(str(counter.value).encode()).hexdigest()
    return f"ratelimit:{scope}:{counter.kind}:{digest}"


def _count(key, window):
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def hit(scope, *counters):
    """Count one request on each counter; raise RateLimited when any of them
    is now over its limit."""
    over = [
        _count(_key(scope, counter), counter.window) > counter.limit
        for counter in counters
    ]
    if any(over):
        raise RateLimited(scope)
