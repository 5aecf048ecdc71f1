"""Requests per minute and client (``API_RATE_LIMIT``), counted in Django's cache.

A fixed window of one minute per client: the first request of a minute opens the
window, each request counts, and a request beyond the limit is refused until the
window ends (``Retry-After``). With the default local-memory cache each server process
counts for itself; several processes need a shared cache (``CACHES``) for one limit.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 60


def rate_limit_hit(*, client_id: int) -> int | None:
    """Count one request of the client; the seconds to wait when it is over the limit, else None."""
    now = timezone.now().timestamp()
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{client_id}:{window}"
    # add() is atomic where the cache is (memcached, redis, local memory under its lock).
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count <= settings.API_RATE_LIMIT:
        return None
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
