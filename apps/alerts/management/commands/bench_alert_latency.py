"""Time from approval to the CAP document and feed entry being served, and to the first resident
delivery, with a real Celery worker. Prints JSON. Target: both ≤ 2 s.

Each run: a bench resident lives in a bench area; a member of staff drafts an evacuation order
for it and another approves; the clock starts when `approve` is called. The CAP document and the
feed are fetched through the full Django stack (test client) until they carry the alert; the
first delivery is the first ledger row of the alert's message marked sent. Then the alert is
cancelled (also measured). Everything made is removed afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.accounts.roles import Role
from apps.accounts.services import grant_role, update_profile
from apps.alerts.defaults import ensure_event_types
from apps.alerts.models import Alert
from apps.alerts.services import compose, publishing
from apps.alerts.services.areas import AreaChoice
from apps.notifications.choices import DONE_STATUSES
from apps.notifications.models import Delivery

ROOT = Path(__file__).resolve().parents[4]
POLL = 0.01
GIVE_UP = 60.0
BENCH_EMAIL = "bench-alerts-{}@example.invalid"


def _until(condition) -> float | None:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > GIVE_UP:
            return None
        time.sleep(POLL)
    return time.perf_counter()


@contextlib.contextmanager
def quiet_worker(env: dict[str, str]):
    """One worker (solo pool, both queues) on this database and broker; its output kept off
    stdout, where only the JSON goes."""
    from civicportal.celery import app

    with app.connection_for_write() as broker:  # tasks of an earlier, aborted run must not count
        for queue in ("celery", "emergency"):
            with contextlib.suppress(Exception):
                broker.default_channel.queue_purge(queue)
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "civicportal", "worker", "--pool=solo", "--loglevel=warning",
         "-Q", "emergency,celery", "-n", f"benchalerts-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise CommandError("The Celery worker exited.")
            try:
                if app.send_task("civicportal.ping", queue="celery").get(timeout=2) == "pong":
                    break
            except Exception:
                if time.monotonic() > deadline:
                    raise CommandError("The Celery worker did not start within a minute.") from None
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Command(BaseCommand):
    help = "Measure approval → CAP/feed and approval → first resident delivery with a real worker; prints JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--residents", type=int, default=200, help="Residents in the bench area.")

    def handle(self, *args, runs: int, residents: int, **options) -> None:
        if runs < 1 or residents < 1:
            raise CommandError("--runs and --residents must be positive.")
        try:
            from tests.support.worker import worker_environment
        except ImportError as exc:
            raise CommandError(f"bench_alert_latency needs the test tools ({exc.name}).") from None
        ensure_event_types()
        people = self._people(residents)
        client = Client()
        results: list[dict] = []
        try:
            with quiet_worker(worker_environment()):
                for _run in range(runs):
                    results.append(self._one(client, people))
        finally:
            self._clean(people)
        cap_s = [r["cap_and_feed_s"] for r in results if r["cap_and_feed_s"] is not None]
        first_s = [r["first_delivery_s"] for r in results if r["first_delivery_s"] is not None]
        cancel_s = [r["cancel_first_delivery_s"] for r in results if r["cancel_first_delivery_s"] is not None]

        def stats(values: list[float]) -> dict:
            return {"p50": round(statistics.median(values), 3) if values else None,
                    "max": round(max(values), 3) if values else None, "n": len(values)}

        self.stdout.write(json.dumps({
            "benchmark": "alert_latency",
            "date": timezone.now().isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "database": connection.vendor,
                        "broker": settings.CELERY_BROKER_URL.split(":")[0], "debug": settings.DEBUG},
            "runs": runs, "residents_in_area": residents, "worker": "1 process, solo pool, queues celery+emergency",
            "approval_to_cap_and_feed_s": stats(cap_s),
            "approval_to_first_delivery_s": stats(first_s),
            "cancel_approval_to_first_delivery_s": stats(cancel_s),
            "approve_call_s": stats([r["approve_call_s"] for r in results]),
            "timed_out": sum(1 for r in results if r["first_delivery_s"] is None),
            "target_s": 2.0,
        }, indent=2))

    def _people(self, residents: int) -> dict:
        department, _new = Department.objects.get_or_create(code="bench-alerts", defaults={"name": "ベンチ防災課"})
        staff = []
        for index in ("drafter", "approver"):
            user, _created = User.objects.get_or_create(email=BENCH_EMAIL.format(index))
            grant_role(user=user, role=Role.CITY_STAFF, department=department)
            staff.append(user)
        area = MultiPolygon(Polygon.from_bbox((139.0, 35.0, 139.01, 35.01)), srid=4326)
        ids = []
        for number in range(residents):
            user, _created = User.objects.get_or_create(email=BENCH_EMAIL.format(f"r{number}"))
            update_profile(user=user, home_location=Point(139.005, 35.005, srid=4326), district=None)
            ids.append(user.id)
        return {"drafter": staff[0], "approver": staff[1], "area": area, "residents": ids, "department": department}

    def _one(self, client: Client, people: dict) -> dict:
        content = compose.AlertContent(
            event_type="evacuation", urgency="Immediate", severity="Severe", certainty="Likely", evacuation_level=4,
            headline="【ベンチ】避難指示", description="ベンチマーク", instruction="避難してください",
            area=AreaChoice(polygon=people["area"].geojson))
        alert = compose.draft(user=people["drafter"], content=content)
        start = time.perf_counter()
        alert = publishing.approve(alert=alert, approver=people["approver"])
        approved = time.perf_counter()
        cap_at = _until(lambda: client.get(f"/alerts/{alert.pk}/cap.xml").status_code == 200
                        and alert.identifier.encode() in client.get("/alerts/feed.atom").content)
        first_at = _until(lambda: Delivery.objects.filter(message_id=alert.message_id,
                                                          status__in=DONE_STATUSES).exists())
        cancel = compose.draft_cancel(user=people["drafter"], original=alert)
        cancel_start = time.perf_counter()
        cancel = publishing.approve(alert=cancel, approver=people["approver"])
        cancel_at = _until(lambda: Delivery.objects.filter(message_id=cancel.message_id,
                                                           status__in=DONE_STATUSES).exists())
        return {
            "approve_call_s": approved - start,
            "cap_and_feed_s": cap_at - start if cap_at else None,
            "first_delivery_s": first_at - start if first_at else None,
            "cancel_first_delivery_s": cancel_at - cancel_start if cancel_at else None,
        }

    def _clean(self, people: dict) -> None:
        alerts = Alert.objects.filter(created_by__in=[people["drafter"], people["approver"]])
        message_ids = [m for m in alerts.values_list("message_id", flat=True) if m]
        from apps.notifications.models import Message

        for alert in alerts.exclude(replaces=None).order_by("-id"):
            alert.delete()
        alerts.delete()
        Message.objects.filter(id__in=message_ids).delete()
        User.objects.filter(email__startswith="bench-alerts-").delete()
