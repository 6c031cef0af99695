"""Benchmark: export a 1,000,000-row live dataset as CSV through the real download view. Prints JSON.

    python manage.py bench_opendata [--rows 1000000] [--format csv] [--cleanup]

The dataset is the live `facilities` dataset (what the registry declares, nothing bench-only
in the export path). Rows it lacks are added straight in SQL (source "bench-opendata"), once,
and reused by later runs; `--cleanup` removes them. The export runs in a fresh child process
(`--export-only`) that requests the download through Django's full request handling and reads
the streamed body to the end, so its peak RSS (ru_maxrss) is the export's and nothing else's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civicportal.datasets import live_datasets

SOURCE = "bench-opendata"
SLUG = "facilities"
TARGET_ROWS_PER_S = 50_000
TARGET_PEAK_RSS_MB = 150
EXTENSIONS = {"csv": "csv", "csv-bom": "csv", "json": "json", "geojson": "geojson"}

def _every(k: int) -> str:
    # n mod k without %, which both database drivers read as a parameter marker.
    return f"(n - (n / {k}) * {k} = 0)"


# Every column of the facility table, filled from the row number n (PostgreSQL and SQLite alike).
_COLUMNS = (
    ("genre_id", "%(genre)s"), ("name", "'ベンチ施設 ' || n"), ("name_kana", "''"),
    ("name_en", "'Bench facility ' || n"), ("postal_code", "'7000000'"), ("address", "'桜川市中央' || n"),
    ("location", "%(point)s"), ("phone", "'086-000-0000'"), ("hours", "'9:00-17:00'"), ("url", "''"),
    ("description", "''"), ("wheelchair_accessible", _every(2)), ("wheelchair_toilet", _every(3)),
    ("ostomate_toilet", _every(5)), ("nursing_room", _every(7)), ("accessible_parking", _every(4)),
    ("elevator", _every(6)), ("source", f"'{SOURCE}'"), ("external_id", "''"), ("is_public", "(1 = 1)"),
    ("updated_at", "%(now)s"),
)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class Command(BaseCommand):
    help = "Measure a streamed CSV export of a 1,000,000-row live dataset (rows/s and peak RSS); prints JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--format", choices=sorted(EXTENSIONS), default="csv")
        parser.add_argument("--cleanup", action="store_true", help="Remove the rows the benchmark added, then stop.")
        parser.add_argument("--export-only", action="store_true", help=("(internal) run the export in this process"
                                                                        " and print its own figures"))

    def handle(self, *args, **options) -> None:
        facility = apps.get_model("disastermap", "Facility")
        if options["cleanup"]:
            deleted, _ = facility.objects.filter(source=SOURCE).delete()
            self.stdout.write(json.dumps({"deleted": deleted}))
            return
        if options["export_only"]:
            self.stdout.write(json.dumps(self._export(options["format"])))
            return
        if options["rows"] < 1:
            raise CommandError("--rows must be at least 1")
        seeded_s = self._seed(facility, options["rows"])
        child = subprocess.run(  # noqa: S603 -- our own interpreter and arguments
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_opendata", "--export-only",
             "--format", options["format"]],
            capture_output=True, text=True, check=False, env=os.environ.copy(),
        )
        if child.returncode != 0:
            raise CommandError(f"the export process failed:\n{child.stderr[-3000:]}")
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        children_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows_per_s = figures["rows"] / figures["seconds"]
        result = {
            "benchmark": "opendata_export",
            "date": timezone.now().date().isoformat(),
            "database": connection.vendor,
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform()},
            "dataset": SLUG, "format": options["format"], "rows": figures["rows"], "bytes": figures["bytes"],
            "seed_seconds": round(seeded_s, 1),
            "seconds": round(figures["seconds"], 2),
            "rows_per_s": round(rows_per_s),
            # The exporting process's own CPU time: what the rate would be with the database on
            # another core and nothing else running (the machine is shared while measuring).
            "export_cpu_seconds": round(figures["cpu_seconds"], 2),
            "rows_per_cpu_s": round(figures["rows"] / figures["cpu_seconds"]),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "mb_per_s": round(figures["bytes"] / figures["seconds"] / 1e6, 1),
            "peak_rss_mb": round(figures["peak_rss_mb"], 1),
            "rss_before_export_mb": round(figures["rss_before_mb"], 1),
            "child_peak_rss_mb_seen_by_parent": round(children_peak_mb, 1),
            "targets": {"rows_per_s": TARGET_ROWS_PER_S, "peak_rss_mb": TARGET_PEAK_RSS_MB},
            "meets_targets": rows_per_s >= TARGET_ROWS_PER_S and figures["peak_rss_mb"] < TARGET_PEAK_RSS_MB,
        }
        self.stdout.write(json.dumps(result, indent=2))

    def _seed(self, facility, rows: int) -> float:
        """Top the public facilities up to `rows` in one INSERT ... SELECT (seconds, not minutes)."""
        started = time.perf_counter()
        missing = rows - facility.objects.filter(is_public=True).count()
        if missing <= 0:
            return 0.0
        genre = apps.get_model("disastermap", "Genre").objects.get(code="aed").pk
        columns = ", ".join(name for name, _ in _COLUMNS)
        # Only our own constants and the model's table name go into the text; values are parameters.
        x = "133.80 + (n - (n / 1000) * 1000) * 0.0003"
        y = "34.55 + (n / 1000) * 0.0003"
        if connection.vendor == "postgresql":
            point = f"ST_SetSRID(ST_MakePoint({x}, {y}), 4326)"
            values = ", ".join(expression for _, expression in _COLUMNS) % {"genre": "%s", "point": point, "now": "%s"}
            sql = " ".join(["INSERT INTO", facility._meta.db_table, "(", columns, ") SELECT", values,
                            "FROM generate_series(1, %s) AS n"])
        else:
            point = f"MakePoint({x}, {y}, 4326)"
            values = ", ".join(expression for _, expression in _COLUMNS) % {"genre": "%s", "point": point, "now": "%s"}
            sql = " ".join(["WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s)",
                            "INSERT INTO", facility._meta.db_table, "(", columns, ") SELECT", values, "FROM seq"])
        now = timezone.now()
        params = [genre, now, missing] if connection.vendor == "postgresql" else [missing, genre, now]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {facility._meta.db_table}")
        return time.perf_counter() - started

    def _export(self, live_format: str) -> dict:
        if SLUG not in live_datasets():
            raise CommandError(f"no live dataset {SLUG!r} is registered")
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        client = Client(HTTP_HOST=host if host in settings.ALLOWED_HOSTS else settings.ALLOWED_HOSTS[0])
        url = reverse("opendata:live_download", args=[SLUG, live_format, EXTENSIONS[live_format]])
        rss_before = _peak_rss_mb()
        cpu_before = time.process_time()
        started = time.perf_counter()
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"download answered {response.status_code}")
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_before  # the client closed the response at the end
        rows = lines - 1 if live_format.startswith("csv") else lines
        return {"rows": rows, "bytes": size, "seconds": seconds, "cpu_seconds": cpu_seconds,
                "peak_rss_mb": _peak_rss_mb(),
                "rss_before_mb": rss_before, "finished": dt.datetime.now(dt.UTC).isoformat()}
