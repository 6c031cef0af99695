"""Cache keys of the banner and the disaster page, emptied whenever an alert or shelter changes.

Two layers. The shared cache (Redis, or the file cache) holds the rendered page and a version
number bumped on every change. Each web process also keeps what it served in memory and asks
the shared cache for the version at most once a second: under a surge most requests then cost
no network round trip at all, and a change reaches every process within about a second.
"""

from __future__ import annotations

import threading
import time
import uuid

from django.core.cache import cache
from django.db import transaction

DISASTER_VERSION_KEY = "alerts:disaster:version"
LOCAL_SECONDS = 1.0

_lock = threading.Lock()
_local: dict = {"checked_at": 0.0, "version": None, "values": {}}


def disaster_version() -> str:
    """A random token, new on every change (a cleared cache also gives a new one, never an old one)."""
    version = cache.get(DISASTER_VERSION_KEY)
    if version is None:
        cache.add(DISASTER_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(DISASTER_VERSION_KEY)
    return version


def local_get(key: str, max_age: float):
    """A value this process kept, if the shared version has not moved and it is young enough."""
    now = time.monotonic()
    with _lock:
        if now - _local["checked_at"] > LOCAL_SECONDS:
            version = cache.get(DISASTER_VERSION_KEY)
            if version is None and _local["version"] is not None:
                # The shared cache was emptied (a restart, an eviction), nothing changed: what this
                # process holds is still right, and asking the database again on every page of
                # every process at once is what a surge must not cause.
                cache.add(DISASTER_VERSION_KEY, _local["version"], None)
                version = cache.get(DISASTER_VERSION_KEY)
            elif version is None:
                version = disaster_version()
            if version != _local["version"]:
                _local["values"] = {}
                _local["version"] = version
            _local["checked_at"] = now
        entry = _local["values"].get(key)
    if entry is not None and now - entry[0] <= max_age:
        return entry[1]
    return None


def local_set(key: str, value) -> None:
    with _lock:
        _local["values"][key] = (time.monotonic(), value)


def local_version() -> str:
    local_get("", 0)
    return _local["version"] or disaster_version()


def check_shared_now() -> None:
    """Make the next read compare with the shared version at once (instead of within a second)."""
    with _lock:
        _local["checked_at"] = 0.0


def reset_local() -> None:
    with _lock:
        _local.update(checked_at=0.0, version=None, values={})


def invalidate() -> None:
    from apps.alerts.selectors import BANNER_KEY

    def run() -> None:
        cache.delete(BANNER_KEY)
        cache.set(DISASTER_VERSION_KEY, uuid.uuid4().hex, None)
        reset_local()

    transaction.on_commit(run)


def on_change(sender, **kwargs) -> None:
    invalidate()
