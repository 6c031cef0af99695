"""Reads of the incident and water level layers, already shaped for who is asking.

Incidents are public only with their place generalised to a ~100 m grid and without the
name of the staff member who entered them; the exact point is for city staff.
"""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.gis.geos import Point
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.disastermap.choices import IncidentKind, WaterStage
from apps.disastermap.models import Incident, WaterLevelReading, WaterLevelStation
from apps.disastermap.permissions import AnyUser, may_manage_incidents
from apps.geo.models import District

GRID_METRES = 100
METRES_PER_DEGREE = 111_320
DEFAULT_DAYS = 90
MAX_DAYS = 366


def generalise(point: Point, metres: int = GRID_METRES) -> Point:
    """The centre of the ~`metres` grid cell the point falls in (a street block, not a house)."""
    lat_step = metres / METRES_PER_DEGREE
    lat = (math.floor(point.y / lat_step) + 0.5) * lat_step
    lon_step = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    lon = (math.floor(point.x / lon_step) + 0.5) * lon_step
    return Point(round(lon, 6), round(lat, 6), srid=4326)


def incidents_for(user: AnyUser, *, days: int = DEFAULT_DAYS, kind: str | None = None) -> QuerySet[Incident]:
    """Incidents of the last `days` days; hidden ones only for staff who manage them."""
    queryset = Incident.objects.filter(occurred_at__gte=timezone.now() - dt.timedelta(days=days))
    if not may_manage_incidents(user):
        queryset = queryset.filter(is_public=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-occurred_at", "-id")


def public_incidents(*, days: int = DEFAULT_DAYS, kind: str | None = None) -> QuerySet[Incident]:
    return Incident.objects.filter(
        is_public=True, occurred_at__gte=timezone.now() - dt.timedelta(days=days),
        **({"kind": kind} if kind else {}),
    ).order_by("-occurred_at", "-id")


def district_names(points: list[Point]) -> list[str]:
    """The district each point falls in ("" outside), with one query for the lot."""
    districts = list(District.objects.only("name", "area"))
    names = []
    for point in points:
        names.append(next((d.name for d in districts if d.area.intersects(point)), ""))
    return names


def incident_feature_collection(incidents: QuerySet[Incident]) -> dict:
    """Public GeoJSON: generalised points, no staff names, no internal source codes."""
    rows = list(incidents)
    places = [generalise(incident.location) for incident in rows]
    districts = district_names(places)
    kinds = dict(IncidentKind.choices)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": incident.id,
                "geometry": {"type": "Point", "coordinates": [place.x, place.y]},
                "properties": {
                    "kind": incident.kind,
                    "kind_label": str(kinds.get(incident.kind, incident.kind)),
                    "title": incident.title,
                    "description": incident.description,
                    "occurred_at": timezone.localtime(incident.occurred_at).isoformat(),
                    "district": district,
                    "location_generalised": True,
                    "location_precision_m": GRID_METRES,
                },
            }
            for incident, place, district in zip(rows, places, districts, strict=True)
        ],
    }


def incident_by_id(pk: int) -> Incident | None:
    return Incident.objects.filter(pk=pk).first()


# --- water levels ------------------------------------------------------------------------


def stations() -> QuerySet[WaterLevelStation]:
    return WaterLevelStation.objects.defer("device_secret").order_by("river", "name")


def station_by_code(code: str) -> WaterLevelStation | None:
    return (WaterLevelStation.objects.defer("device_secret").select_related("alert_sender")
            .prefetch_related(Prefetch("districts_to_warn", queryset=District.objects.only("id", "name")))
            .filter(code=code).first())


def recent_readings(station: WaterLevelStation, *, hours: int = 24) -> list[WaterLevelReading]:
    """Readings of the last `hours` hours up to the latest one, oldest first."""
    until = station.latest_at or timezone.now()
    return list(WaterLevelReading.objects.filter(
        station=station, measured_at__gt=until - dt.timedelta(hours=hours), measured_at__lte=until,
    ).order_by("measured_at"))


def station_feature_collection(queryset: QuerySet[WaterLevelStation]) -> dict:
    stages = dict(WaterStage.choices)
    features = []
    for station in queryset:
        features.append({
            "type": "Feature",
            "id": station.id,
            "geometry": {"type": "Point", "coordinates": [station.location.x, station.location.y]},
            "properties": {
                "code": station.code,
                "name": station.name,
                "river": station.river,
                "latest_level": None if station.latest_level is None else float(station.latest_level),
                "latest_at": timezone.localtime(station.latest_at).isoformat() if station.latest_at else None,
                "stage": station.current_stage,
                "stage_label": str(stages[station.current_stage]),
                "thresholds": {str(WaterStage(stage).name).lower(): float(level)
                               for stage, level in station.thresholds()},
            },
        })
    return {"type": "FeatureCollection", "features": features}
