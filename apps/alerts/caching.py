"""Cache keys of the banner and the disaster page, emptied whenever an alert or shelter changes."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

DISASTER_VERSION_KEY = "alerts:disaster:version"


def disaster_version() -> int:
    version = cache.get(DISASTER_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(DISASTER_VERSION_KEY, version, None)
    return version


def invalidate() -> None:
    from apps.alerts.selectors import BANNER_KEY

    def run() -> None:
        cache.delete(BANNER_KEY)
        try:
            cache.incr(DISASTER_VERSION_KEY)
        except ValueError:
            cache.set(DISASTER_VERSION_KEY, 2, None)

    transaction.on_commit(run)


def on_change(sender, **kwargs) -> None:
    invalidate()
