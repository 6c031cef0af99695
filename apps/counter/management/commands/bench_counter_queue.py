"""How a department work queue behaves as it fills: listing and moving a step at 1k, 10k, 100k queued.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/civicportal_benchcounter REDIS_URL=redis://127.0.0.1:6379/6 \\
        python manage.py migrate && python manage.py bench_counter_queue

Use a scratch database. It makes (once, then tops up) a bench procedure whose first step sits in a
bench department and whose second step is in another, and bulk-inserts applications whose first
step waits in the first department's queue until the queue holds each size in `--sizes`. At each
size it times, `--repeat` times each:

* the first page of the queue through the selector (`work_queue`, keyset, 50 rows) and as the
  clerk's whole HTML page through Django's test client (middleware, session, template);
* a deep page (the cursor of the row at 90 % of the queue);
* moving a step: claim, then complete (which queues the next department's step, writes the
  timeline and the applicant's notification), each in its own transaction with row locks.

It prints JSON with the median and p95 of each, in milliseconds. Listing must stay within 200 ms
and every figure must stay flat as the queue grows: the queue is read by one index range
(`counter_queue_idx`, partial on open steps), never counted or offset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.mfa import give_totp
from apps.accounts.models import Department, User
from apps.accounts.roles import Role
from apps.accounts.services import grant_role
from apps.counter.choices_procedures import OPEN_STEP_STATUSES, ApplicationStatus, Channel, StepStatus
from apps.counter.models import Application, ApplicationStep, Procedure, ProcedureStep
from apps.counter.selectors.applications import encode_cursor, work_queue
from apps.counter.services import routing

PREFIX = "BENCHQ-"
QUEUE_DEPARTMENT = "bench-queue-first"
NEXT_DEPARTMENT = "bench-queue-second"
PROCEDURE = "bench-queue"
TARGET_MS = 200.0
BATCH = 5000


def _ms(work: Callable[[], object], repeat: int) -> dict[str, float]:
    """Median and p95 of `repeat` timed runs, after one untimed run (cold caches, first query plans)."""
    work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median": round(statistics.median(times), 2),
            "p95": round(times[max(0, round(0.95 * len(times) + 0.5) - 1)], 2)}


class Command(BaseCommand):
    help = "Time a department work queue's listing and step moves at growing sizes (see the module docstring)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sizes", default="1000,10000,100000", help="Queue sizes, comma-separated, rising.")
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, sizes: str, repeat: int, **options) -> None:
        try:
            wanted = sorted({int(s) for s in sizes.split(",") if s.strip()})
        except ValueError:
            raise CommandError("--sizes takes whole numbers separated by commas, e.g. 1000,10000,100000") from None
        if not wanted or wanted[0] < 60 or repeat < 1:
            raise CommandError("Each size must be at least 60 (a page and some moves) and --repeat at least 1.")
        first, procedure, clerk, applicant = self._setup()
        client = Client()
        give_totp(clerk)  # staff roles need a second factor to open their pages (apps/accounts/mfa.py)
        client.force_login(clerk)
        url = f"{reverse('counter:work_queue')}?department={first.pk}"
        results = []
        for size in wanted:
            filled = self._fill(procedure, first, applicant, size)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE counter_applicationstep; ANALYZE counter_application")
            deep_row = (ApplicationStep.objects.filter(department=first, status__in=OPEN_STEP_STATUSES)
                        .order_by("queued_at", "id")[int(size * 0.9)])
            deep = encode_cursor(deep_row)

            def first_page() -> None:
                steps, _cursor = work_queue(user=clerk, department_id=first.pk)
                assert len(steps) == 50

            def deep_page(deep: str = deep) -> None:
                steps, _cursor = work_queue(user=clerk, department_id=first.pk, after=deep)
                assert steps

            def page() -> None:
                response = client.get(url)
                assert response.status_code == 200

            movable = list(ApplicationStep.objects.filter(department=first, status=StepStatus.QUEUED)
                           .order_by("queued_at", "id").values_list("id", flat=True)[size // 2: size // 2 + repeat + 1])
            claims, completes = iter(movable), iter(movable)
            open_now = ApplicationStep.objects.filter(department=first, status__in=OPEN_STEP_STATUSES).count()
            results.append({
                # A reused database may already hold more than `size`: `open_steps` is what was measured.
                "queued": size, "open_steps": open_now, "inserted_now": filled,
                "first_page_ms": _ms(first_page, repeat),
                "deep_page_ms": _ms(deep_page, repeat),
                "first_page_html_ms": _ms(page, repeat),
                "claim_ms": _ms(lambda c=claims: routing.claim(step_id=next(c), staff=clerk), len(movable) - 1),
                "complete_ms": _ms(lambda c=completes: routing.complete(step_id=next(c), staff=clerk),
                                   len(movable) - 1),
            })
            self.stderr.write(f"  {size} queued: done")
        worst_listing = max(max(r["first_page_ms"]["p95"], r["deep_page_ms"]["p95"]) for r in results)
        self.stdout.write(json.dumps({
            "benchmark": "counter_queue",
            "measured_at": timezone.now().isoformat(timespec="seconds"),
            "machine": {"platform": platform.platform(), "python": platform.python_version(),
                        "cpus": os.cpu_count(), "database": connection.vendor},
            "page_size": 50, "repeat": repeat, "target_listing_ms": TARGET_MS,
            "listing_within_target": worst_listing <= TARGET_MS,
            "sizes": results,
        }, indent=2))

    @transaction.atomic
    def _setup(self):
        first, _ = Department.objects.get_or_create(code=QUEUE_DEPARTMENT, defaults={"name": "ベンチ第一課"})
        second, _ = Department.objects.get_or_create(code=NEXT_DEPARTMENT, defaults={"name": "ベンチ第二課"})
        procedure, _ = Procedure.objects.get_or_create(slug=PROCEDURE, defaults={
            "name": "ベンチ手続", "department": first, "online": True, "is_active": False})
        ProcedureStep.objects.get_or_create(procedure=procedure, order=1, defaults={"department": first,
                                                                                    "name": "受付確認"})
        ProcedureStep.objects.get_or_create(procedure=procedure, order=2, defaults={"department": second,
                                                                                    "name": "決定"})
        clerk, created = User.objects.get_or_create(email="bench-queue-clerk@example.invalid")
        if created:
            grant_role(user=clerk, role=Role.RESIDENT)
            grant_role(user=clerk, role=Role.CITY_STAFF, department=first)
        applicant, created = User.objects.get_or_create(email="bench-queue-applicant@example.invalid")
        if created:
            grant_role(user=applicant, role=Role.RESIDENT)
        return first, procedure, clerk, applicant

    def _fill(self, procedure: Procedure, first: Department, applicant: User, size: int) -> int:
        """Top the queue up to `size` open steps with bulk inserts; returns how many were added."""
        second = Department.objects.get(code=NEXT_DEPARTMENT)
        have = ApplicationStep.objects.filter(department=first, status__in=OPEN_STEP_STATUSES).count()
        made = Application.objects.filter(receipt_number__startswith=PREFIX).count()
        start = timezone.now() - dt.timedelta(days=30)
        added = 0
        while have + added < size:
            count = min(BATCH, size - have - added)
            now = timezone.now()
            with transaction.atomic():
                applications = Application.objects.bulk_create(
                    Application(receipt_number=f"{PREFIX}{made + i:08d}", procedure=procedure, applicant=applicant,
                                channel=Channel.ONLINE, answers={"n": made + i}, status=ApplicationStatus.IN_PROGRESS,
                                submitted_at=now)
                    for i in range(count))
                steps = []
                for offset, application in enumerate(applications):
                    queued_at = start + dt.timedelta(seconds=(made + offset) * 7)
                    steps.append(ApplicationStep(application=application, order=1, department=first, name="受付確認",
                                                 status=StepStatus.QUEUED, queued_at=queued_at,
                                                 due_at=queued_at + dt.timedelta(days=3)))
                    steps.append(ApplicationStep(application=application, order=2, department=second, name="決定"))
                ApplicationStep.objects.bulk_create(steps)
            made += count
            added += count
        return added
