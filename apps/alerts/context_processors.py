"""The alert banner on every page, from the cache: no database query per request."""

from apps.alerts import selectors


def alert_banner(request) -> dict:
    return {"alert_banner": selectors.banner()}
