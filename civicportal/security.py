"""Response headers that Django's SecurityMiddleware does not set."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy(*, allow_inline_scripts: bool = False) -> str:
    """Everything from our own origin; map tiles from the configured tile host only."""
    img_sources = " ".join(["'self'", "data:", *settings.CSP_IMG_HOSTS])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'" + (" 'unsafe-inline'" if allow_inline_scripts else ""),
            # Leaflet positions tiles and markers with inline style attributes.
            "style-src 'self' 'unsafe-inline'",
            f"img-src {img_sources}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()
        # django-leaflet's admin map widget writes inline scripts; the admin is staff-only.
        self.admin_policy = content_security_policy(allow_inline_scripts=True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = self.admin_policy if request.path.startswith("/admin/") else self.policy
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        return response


def over_rate_limit(scope: str, ident: str, *, limit: int, period: int = 60) -> bool:
    """Count one hit for `ident` in a fixed window; True once the window holds more than `limit`.

    For public write pages that DRF's throttles do not cover (they guard the API only).
    The counter lives in the shared cache, so every web process sees the same count.
    """
    import hashlib
    import time

    from django.core.cache import cache

    window = int(time.time()) // period
    key = f"ratelimit:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        return False


# The widest integer every database here stores (PostgreSQL bigint, SQLite INTEGER).
_ID_RANGE = range(-(2**63), 2**63)


class OutOfRangeIdMiddleware:
    """`<int:...>` in a URL accepts any digits; an id no database column can hold is simply not
    found (404), instead of an overflow error deep in the database driver (500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        values = [*view_args, *view_kwargs.values()]
        if any(isinstance(v, int) and v not in _ID_RANGE for v in values):
            from civicportal.errors import not_found

            return not_found(request)
        return None
