"""Measure the foundation's hot paths and print JSON. Needs the demo city (seed_demo).

    python manage.py bench_foundation [--lookups 2000] [--pages 200]
"""

import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from apps.geo.models import City, District
from apps.geo.services import district_for_point, make_point


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(samples_ms: list[float]) -> dict:
    return {
        "n": len(samples_ms),
        "p50_ms": round(statistics.median(samples_ms), 3),
        "p95_ms": round(percentile(samples_ms, 0.95), 3),
        "max_ms": round(max(samples_ms), 3),
    }


class Command(BaseCommand):
    help = "Time district lookups and page renders; print the figures as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--lookups", type=int, default=2000)
        parser.add_argument("--pages", type=int, default=200)
        parser.add_argument("--seed", type=int, default=20261123)

    def handle(self, *args, lookups: int, pages: int, seed: int, **options) -> None:
        city = City.objects.exclude(boundary=None).first()
        if city is None or not District.objects.exists():
            raise CommandError("No city with districts: run `python manage.py seed_demo` first.")
        west, south, east, north = city.boundary.extent
        rng = random.Random(seed)  # noqa: S311 -- reproducible test points, not secrets

        lookup_ms, found = [], 0
        started = time.perf_counter()
        for _ in range(lookups):
            point = make_point(lat=rng.uniform(south, north), lon=rng.uniform(west, east))
            t0 = time.perf_counter()
            found += district_for_point(point) is not None
            lookup_ms.append((time.perf_counter() - t0) * 1000)
        lookup_seconds = time.perf_counter() - started

        client = Client()
        page_figures = {}
        for name, path in [("home", "/"), ("district_lookup", "/geo/lookup/?lat=34.646&lon=133.907"),
                           ("districts_geojson", "/api/v1/districts/")]:
            samples = []
            for _ in range(pages):
                cache.clear()  # the API's rate limit would otherwise answer 429 (untimed)
                t0 = time.perf_counter()
                response = client.get(path, HTTP_HOST="127.0.0.1")
                samples.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code}")
            page_figures[name] = summary(samples)

        result = {
            "benchmark": "foundation",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()},
            "database": connection.vendor,
            "broker": "redis" if settings.CELERY_BROKER_URL.startswith("redis") else "embedded",
            "districts": District.objects.count(),
            "point_to_district": {
                **summary(lookup_ms),
                "per_second": round(lookups / lookup_seconds, 1),
                "points_inside_a_district": found,
            },
            "pages_in_process": page_figures,
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
