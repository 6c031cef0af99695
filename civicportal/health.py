"""The checks behind /healthz: database, broker and cache, and a live worker."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

WORKER_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    milliseconds: int


def _timed(name: str, probe) -> Check:
    started = time.monotonic()
    try:
        detail = probe()
        ok = True
    except Exception as exc:  # Any failure is a finding, never a 500.
        detail = f"{type(exc).__name__}: {exc}"[:300]
        ok = False
    return Check(name, ok, detail, int((time.monotonic() - started) * 1000))


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker() -> str:
    from civicportal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return str(conn.transport_cls)


def _cache() -> str:
    key = "healthz:probe"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("value written to the cache could not be read back")
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _worker() -> str:
    from civicportal.tasks import ping

    result = ping.apply_async(expires=WORKER_TIMEOUT_SECONDS * 5)
    try:
        answer = result.get(timeout=WORKER_TIMEOUT_SECONDS, interval=0.05)
    finally:
        result.forget()
    if answer != "pong":
        raise RuntimeError(f"unexpected answer {answer!r}")
    return "pong"


def run_checks() -> list[Check]:
    checks = [_timed("database", _database), _timed("cache", _cache), _timed("broker", _broker)]
    # Without a broker the ping can never arrive: say so rather than wait.
    if checks[-1].ok:
        checks.append(_timed("worker", _worker))
    else:
        checks.append(Check("worker", False, "not checked: the broker is down", 0))
    return checks
