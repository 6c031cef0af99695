"""Start a real Celery worker process against the same broker and test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_environment() -> dict[str, str]:
    """The test process's environment, pointed at the test database the suite created."""
    env = dict(os.environ)
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict.get("USER") or "postgres"
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgis://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    else:
        env["DATABASE_URL"] = f"spatialite:///{settings_dict['NAME']}"
    return env


@contextmanager
def running_worker(
    *, queues: str = "celery,emergency", name: str = "test", env: dict | None = None
) -> Iterator[subprocess.Popen]:
    """A worker that is answering pings when the block starts and is stopped after it."""
    from civicportal.celery import app

    # Tasks queued by earlier tests (whose rows are gone) must not reach this worker.
    with app.connection_for_write() as connection:
        for queue in queues.split(","):
            with contextlib.suppress(Exception):
                connection.default_channel.queue_purge(queue)
    command = [
        sys.executable, "-m", "celery", "-A", "civicportal", "worker",
        "--pool=solo", "--loglevel=warning", "-Q", queues, "-n", f"{name}-{os.getpid()}@%h",
        "--without-gossip", "--without-mingle",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**worker_environment(), **(env or {})})
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with code {process.returncode}")
            result = app.send_task("civicportal.ping", queue=queues.split(",")[0])
            try:
                if result.get(timeout=2) == "pong":
                    break
            except Exception:
                if time.monotonic() > deadline:
                    raise
        yield process
    finally:
        # Cold shutdown: the tests wait for nothing the worker still holds.
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
