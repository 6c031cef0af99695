"""Benchmark: nearby search and bounding-box GeoJSON over 100,000 facilities. Prints JSON.

    python manage.py bench_disastermap [--facilities 100000] [--points 1000]

Facilities (source "bench") are spread uniformly over a 30 km square around the demo city,
about 110 per km², the density of a mid-sized Japanese city's facility, AED and hydrant
layers together; they are created once and reused. Nearby search asks for two genres within
1 km of random points; its database time is measured around the SQL alone, its total time
around the selector. The bounding box is sized to hold at least 5,000 features and fetched
through the real view (URL routing, validation, JSON encoding).
"""

from __future__ import annotations

import json
import math
import platform
import random
import statistics
import time
from contextlib import contextmanager

from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from apps.disastermap.models import Facility, Genre
from apps.disastermap.selectors.facilities import nearby

SOURCE = "bench"
CENTER_LON, CENTER_LAT = 133.935, 34.652
HALF_SIDE_M = 15_000
M_PER_DEG = 111_320.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


class SqlTimer:
    """Adds up the time spent executing SQL (Django's execute_wrapper)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


@contextmanager
def timing(timer: SqlTimer):
    with connection.execute_wrapper(timer):
        yield


class Command(BaseCommand):
    help = "Measure nearby search (p50/p95) and bounding-box GeoJSON over many facilities; prints JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--facilities", type=int, default=100_000)
        parser.add_argument("--points", type=int, default=1000)
        parser.add_argument("--radius", type=int, default=1000)
        parser.add_argument("--bbox-features", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options) -> None:
        rng = random.Random(options["seed"])  # noqa: S311  (repeatable benchmark data)
        load_s = self._ensure_facilities(options["facilities"], rng)
        genres = ["aed", "hospital"]
        dlat = HALF_SIDE_M / M_PER_DEG
        dlon = HALF_SIDE_M / (M_PER_DEG * math.cos(math.radians(CENTER_LAT)))

        db_ms, total_ms, counts = [], [], []
        for _ in range(options["points"]):
            point = Point(CENTER_LON + rng.uniform(-dlon, dlon) * 0.9, CENTER_LAT + rng.uniform(-dlat, dlat) * 0.9,
                          srid=4326)
            timer = SqlTimer()
            start = time.perf_counter()
            with timing(timer):
                found = nearby(point=point, radius_m=options["radius"], genre_codes=genres)
            total_ms.append((time.perf_counter() - start) * 1000)
            db_ms.append(timer.seconds * 1000)
            counts.append(len(found))

        bbox_result = self._bbox(options["bbox_features"], options["facilities"])
        result = {
            "benchmark": "disastermap",
            "database": connection.vendor,
            "python": platform.python_version(),
            "facilities": Facility.objects.filter(source=SOURCE).count(),
            "load_seconds": load_s,
            "nearby": {
                "points": options["points"], "radius_m": options["radius"], "genres": genres,
                "db_ms_p50": round(percentile(db_ms, 0.5), 2), "db_ms_p95": round(percentile(db_ms, 0.95), 2),
                "total_ms_p50": round(percentile(total_ms, 0.5), 2),
                "total_ms_p95": round(percentile(total_ms, 0.95), 2),
                "results_mean": round(statistics.mean(counts), 1), "results_max": max(counts),
            },
            "bbox_geojson": bbox_result,
            "targets": {"nearby_db_ms_p95": 15, "bbox_5000_ms": 200},
        }
        self.stdout.write(json.dumps(result, indent=2))

    def _ensure_facilities(self, wanted: int, rng: random.Random) -> float | None:
        have = Facility.objects.filter(source=SOURCE).count()
        if have >= wanted:
            return None
        start = time.perf_counter()
        genres = list(Genre.objects.all())
        dlat = HALF_SIDE_M / M_PER_DEG
        dlon = HALF_SIDE_M / (M_PER_DEG * math.cos(math.radians(CENTER_LAT)))
        batch = []
        for number in range(have, wanted):
            batch.append(Facility(
                genre=rng.choice(genres), name=f"ベンチ施設{number}", address=f"桜川市ベンチ{number}",
                location=Point(CENTER_LON + rng.uniform(-dlon, dlon), CENTER_LAT + rng.uniform(-dlat, dlat),
                               srid=4326),
                source=SOURCE, external_id=str(number),
            ))
            if len(batch) == 5000:
                with transaction.atomic():
                    Facility.objects.bulk_create(batch)
                batch = []
        if batch:
            Facility.objects.bulk_create(batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE disastermap_facility")
        return round(time.perf_counter() - start, 1)

    def _bbox(self, features: int, total: int) -> dict:
        # A square around the centre whose share of the 30 km square holds `features` points.
        side_m = 2 * HALF_SIDE_M * math.sqrt(min(1.0, features * 1.15 / max(total, 1)))
        dlat = side_m / 2 / M_PER_DEG
        dlon = side_m / 2 / (M_PER_DEG * math.cos(math.radians(CENTER_LAT)))
        bbox = f"{CENTER_LON - dlon},{CENTER_LAT - dlat},{CENTER_LON + dlon},{CENTER_LAT + dlat}"
        client = Client()
        url = reverse("api:map-facilities")
        client.get(url, {"bbox": bbox})  # warm up
        times, sizes, returned = [], [], 0
        for _ in range(20):
            start = time.perf_counter()
            response = client.get(url, {"bbox": bbox})
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(len(response.content))
            returned = len(json.loads(response.content)["features"])
        return {"features": returned, "bytes": sizes[-1], "requests": len(times),
                "ms_p50": round(percentile(times, 0.5), 1), "ms_p95": round(percentile(times, 0.95), 1)}
