"""Reads of the public map: facilities near a point, features in a box, risk at a point.

Distances are geodesic metres. A degree box around the point narrows the search through
the spatial index first (`&&` on PostGIS, MBR on SpatiaLite); the exact distance is then
computed only for those candidates.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db import connection
from django.db.models import F, FloatField, Func, QuerySet

from apps.disastermap.choices import Hazard, ShelterStatus
from apps.disastermap.models import Facility, Genre, HazardZone, Shelter

METERS_PER_DEGREE = 111_320.0
MAX_RADIUS_M = 20_000
MAX_RESULTS = 200


def degree_box(point: Point, radius_m: float) -> Polygon:
    """The lon/lat rectangle that holds every point within `radius_m` of `point`."""
    dlat = radius_m / METERS_PER_DEGREE
    dlon = radius_m / (METERS_PER_DEGREE * max(math.cos(math.radians(point.y)), 0.01))
    box = Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))
    box.srid = 4326
    return box


def public_facilities() -> QuerySet[Facility]:
    return Facility.objects.filter(is_public=True)


def genres() -> QuerySet[Genre]:
    return Genre.objects.all()


def nearby(
    *,
    point: Point,
    radius_m: float,
    genre_codes: list[str] | None = None,
    accessibility: list[str] | None = None,
    limit: int = 50,
) -> list[Facility]:
    """Public facilities within `radius_m` of `point`, nearest first, each with `.distance_m`."""
    query = public_facilities().filter(location__bboverlaps=degree_box(point, radius_m))
    if genre_codes:
        query = query.filter(genre__code__in=genre_codes)
    for name in accessibility or []:
        if name in Facility.ACCESSIBILITY_FIELDS:
            query = query.filter(**{name: True})
    query = (
        query.annotate(distance=Distance("location", point))
        .filter(distance__lte=D(m=radius_m))
        .select_related("genre", "shelter")
        .order_by("distance", "id")[: min(limit, MAX_RESULTS)]
    )
    results = list(query)
    for facility in results:
        facility.distance_m = round(facility.distance.m)
    return results


class _X(Func):
    function = "ST_X"
    output_field = FloatField()


class _Y(Func):
    function = "ST_Y"
    output_field = FloatField()


def features_in_box(*, bbox: tuple[float, float, float, float], genre_codes: list[str] | None = None,
                    limit: int = 5000) -> str:
    """A GeoJSON FeatureCollection (as JSON text) of public facilities in a lon/lat box, for the map.

    The map asks for thousands of points at a time, so no model instances are made: on
    PostgreSQL the database writes the JSON itself; elsewhere plain rows are encoded here.
    """
    if connection.vendor == "postgresql":
        return _features_in_box_postgis(bbox, genre_codes, limit)
    box = Polygon.from_bbox(bbox)
    box.srid = 4326
    query = public_facilities().filter(location__bboverlaps=box)
    if genre_codes:
        query = query.filter(genre__code__in=genre_codes)
    rows = query.order_by("id").annotate(x=_X(F("location")), y=_Y(F("location"))).values_list(
        "id", "name", "genre__code", "address", "shelter__status", "x", "y",
    )[:limit]
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]},
            "properties": {"name": name, "genre": genre, "address": address, "status": status},
        }
        for pk, name, genre, address, status, x, y in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))


# The same collection as features_in_box's portable path, built by PostgreSQL's json functions.
_BOX_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', t.id,
    'geometry', json_build_object('type', 'Point', 'coordinates',
                                  json_build_array(round(t.x::numeric, 7)::float8, round(t.y::numeric, 7)::float8)),
    'properties', json_build_object('name', t.name, 'genre', t.code, 'address', t.address, 'status', t.status)
) ORDER BY t.id), '[]'::json))::text
FROM (
    SELECT f.id, f.name, g.code, f.address, s.status, ST_X(f.location) AS x, ST_Y(f.location) AS y
    FROM disastermap_facility f
    JOIN disastermap_genre g ON g.id = f.genre_id
    LEFT JOIN disastermap_shelter s ON s.facility_ptr_id = f.id
    WHERE f.is_public AND f.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326) {genre_filter}
    ORDER BY f.id
    LIMIT %s
) t
"""


def _features_in_box_postgis(bbox: tuple[float, float, float, float], genre_codes: list[str] | None,
                             limit: int) -> str:
    params: list = [*bbox]
    genre_filter = ""
    if genre_codes:
        genre_filter = "AND g.code = ANY(%s)"
        params.append(list(genre_codes))
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(_BOX_SQL.format(genre_filter=genre_filter), params)
        return cursor.fetchone()[0]


@dataclass
class Risk:
    point: Point
    zones: list[HazardZone]
    hazards: list[str]
    shelters: list[Shelter]


def risk_at(*, point: Point, shelters: int = 5, radius_m: float = 10_000) -> Risk:
    """The hazard zones containing a point and the nearest shelters that serve those hazards.

    Outside every zone, the nearest earthquake shelters are shown: an earthquake can
    strike anywhere.
    """
    zones = list(HazardZone.objects.filter(area__intersects=point).order_by("hazard", "-level"))
    hazards = sorted({zone.hazard for zone in zones}) or [Hazard.EARTHQUAKE.value]
    query = Shelter.objects.filter(is_public=True, location__bboverlaps=degree_box(point, radius_m))
    for hazard in hazards:
        query = query.filter(**{f"serves_{hazard}": True})
    found = list(
        query.annotate(distance=Distance("location", point))
        .filter(distance__lte=D(m=radius_m))
        .select_related("genre")
        .order_by("distance", "id")[:shelters]
    )
    for shelter in found:
        shelter.distance_m = round(shelter.distance.m)
    return Risk(point=point, zones=zones, hazards=hazards, shelters=found)


def shelters(*, hazard: str | None = None, status: str | None = None, near: Point | None = None,
             radius_m: float = MAX_RADIUS_M) -> list[Shelter]:
    """Public shelters, filtered by hazard and status, nearest first when a point is given."""
    query = Shelter.objects.filter(is_public=True).select_related("genre")
    if hazard:
        query = query.filter(**{f"serves_{hazard}": True})
    if status:
        query = query.filter(status=status)
    if near is None:
        return list(query.order_by("name", "id"))
    found = list(
        query.filter(location__bboverlaps=degree_box(near, radius_m))
        .annotate(distance=Distance("location", near))
        .filter(distance__lte=D(m=radius_m))
        .order_by("distance", "id")[:MAX_RESULTS]
    )
    for shelter in found:
        shelter.distance_m = round(shelter.distance.m)
    return found


def shelter_counts() -> dict[str, int]:
    counts = dict.fromkeys(ShelterStatus.values, 0)
    for status in Shelter.objects.values_list("status", flat=True):
        counts[status] += 1
    return counts
