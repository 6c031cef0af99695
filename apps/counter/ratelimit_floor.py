"""A small per-person (or per-address when signed out) limit on inquiries and reports, against floods.

Counted in the cache: a window of an hour, counted from the first post in it.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600
LIMITS = {"signed_in": 30, "anonymous": 10}


def _key(request: HttpRequest, kind: str) -> tuple[str, int]:
    if request.user.is_authenticated:
        return f"counter:rate:{kind}:user:{request.user.pk}", LIMITS["signed_in"]
    return f"counter:rate:{kind}:addr:{request.META.get('REMOTE_ADDR', '')}", LIMITS["anonymous"]


def allow(request: HttpRequest, kind: str) -> bool:
    """True (and counted) while the sender is under the limit for `kind`."""
    key, limit = _key(request, kind)
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit
