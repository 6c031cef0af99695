"""Open311 GET requests over many resident reports: how long one listing takes.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/civicportal_benchopen311 \\
        python manage.py migrate && python manage.py bench_open311 --reports 100000

Use a scratch database. It creates once (then reuses) `--reports` reports spread over the last
year across the bench services, then times GET /open311/v2/requests.json and .xml through
Django's test client (in-process: the view, the query and the rendering; no HTTP server),
with no filter (the newest 1000 of the last 90 days), with status=closed, with one
service_code, and one request by id. Prints JSON with the median and p95 per case.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from apps.accounts.models import Department
from apps.counter.models import ReportService, ReportStatus, ResidentReport

PREFIX = "bench-open311"
CHUNK = 5000


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (a reported figure is one that happened)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


class Command(BaseCommand):
    help = "Time Open311 GET requests listings over many reports (see the module docstring)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reports", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=20, help="Timed requests per case.")

    def handle(self, *args, reports: int, runs: int, **options) -> None:
        if reports < 1 or runs < 1:
            raise CommandError("--reports and --runs must be positive.")
        made = self._population(reports)
        client = Client(HTTP_HOST="localhost")
        newest = ResidentReport.objects.order_by("-id").values_list("id", flat=True).first()
        cases = {
            "list_json": ("/open311/v2/requests.json", {}),
            "list_xml": ("/open311/v2/requests.xml", {}),
            "status_closed_json": ("/open311/v2/requests.json", {"status": "closed"}),
            "one_service_json": ("/open311/v2/requests.json", {"service_code": f"{PREFIX}-1"}),
            "one_request_json": (f"/open311/v2/requests/{newest}.json", {}),
        }
        results = {}
        for name, (url, params) in cases.items():
            client.get(url, params)  # warm the caches once
            timings, rows = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(url, params)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{name}: HTTP {response.status_code}: {response.content[:200]!r}")
                rows = len(response.json()) if url.endswith(".json") else response.content.count(b"<request>")
            results[name] = {"rows": rows, "median_ms": round(statistics.median(timings), 1),
                             "p95_ms": round(percentile(timings, 0.95), 1)}
        self.stdout.write(json.dumps({
            "benchmark": "open311_get_requests",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "database": connection.vendor,
            "reports_in_database": ResidentReport.objects.count(),
            "reports_made_now": made,
            "runs_per_case": runs,
            "cases": results,
        }, ensure_ascii=False, indent=2))

    def _population(self, wanted: int) -> int:
        department, _ = Department.objects.get_or_create(code=PREFIX, defaults={"name": "ベンチ課"})
        services = [ReportService.objects.get_or_create(code=f"{PREFIX}-{n}", defaults={
            "name": f"ベンチ{n}", "department": department})[0] for n in range(5)]
        have = ResidentReport.objects.filter(service__in=services).count()
        missing = max(0, wanted - have)
        rng = random.Random(311)  # noqa: S311 - reproducible bench data, not secrets
        now = timezone.now()
        statuses = [ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS, ReportStatus.CLOSED]
        for start in range(0, missing, CHUNK):
            batch = [ResidentReport(
                service=rng.choice(services), department=department, status=rng.choice(statuses),
                description="ベンチマーク用の通報です。", address_string="桜川市本町",
                location=Point(133.9 + rng.random() / 10, 34.6 + rng.random() / 10, srid=4326), source="open311",
            ) for _ in range(min(CHUNK, missing - start))]
            with transaction.atomic():
                created = ResidentReport.objects.bulk_create(batch)
                # requested_at is auto_now_add: spread the reports over the last year afterwards.
                for report in created:
                    report.requested_at = now - timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
                ResidentReport.objects.bulk_update(created, ["requested_at"], batch_size=CHUNK)
        return missing
