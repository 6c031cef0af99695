"""Turning what staff chose (districts, a drawn shape, a circle, a hazard zone) into one area."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point, Polygon
from django.utils.translation import gettext as _

from apps.disastermap.models import HazardZone
from apps.geo.models import District

MAX_RADIUS_M = 30_000
MAX_POINTS = 2000


@dataclass
class AreaChoice:
    district_ids: list[int] = field(default_factory=list)
    hazard_zone_id: int | None = None
    polygon: dict | str | None = None  # GeoJSON Polygon or MultiPolygon
    circle: tuple[float, float, float] | None = None  # lat, lon, metres


@dataclass
class ResolvedArea:
    area: MultiPolygon
    description: str
    districts: list[District]
    hazard_zone: HazardZone | None


def circle_polygon(lat: float, lon: float, metres: float) -> Polygon:
    """A 32-sided polygon for a circle, with degrees of longitude shortened by latitude."""
    points = []
    for step in range(32):
        angle = 2 * math.pi * step / 32
        dlat = metres * math.sin(angle) / 111_320
        dlon = metres * math.cos(angle) / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        points.append((lon + dlon, lat + dlat))
    points.append(points[0])
    return Polygon(points, srid=4326)


def _parts(geometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry)
    return []


def resolve(choice: AreaChoice, errors: dict) -> ResolvedArea | None:
    """The union of everything chosen; problems go into `errors` under the field's name."""
    parts: list[Polygon] = []
    names: list[str] = []
    districts: list[District] = []
    zone = None
    if choice.district_ids:
        districts = list(District.objects.filter(id__in=choice.district_ids).order_by("code"))
        missing = set(choice.district_ids) - {d.id for d in districts}
        if missing:
            errors["district_ids"] = _("No such district: %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))}
        for district in districts:
            parts += _parts(district.area)
        names += [d.name for d in districts]
    if choice.hazard_zone_id is not None:
        zone = HazardZone.objects.filter(id=choice.hazard_zone_id).first()
        if zone is None:
            errors["hazard_zone"] = _("No such hazard zone.")
        else:
            parts += _parts(zone.area)
            names.append(zone.name or str(zone))
    if choice.polygon:
        try:
            raw = choice.polygon if isinstance(choice.polygon, str) else json.dumps(choice.polygon)
            shape = GEOSGeometry(raw, srid=4326)
        except (GEOSException, ValueError, TypeError):
            shape = None
        if shape is None or not _parts(shape):
            errors["polygon"] = _("Draw a polygon (GeoJSON Polygon or MultiPolygon).")
        elif not shape.valid:
            errors["polygon"] = _("The drawn outline crosses itself.")
        elif shape.num_coords > MAX_POINTS:
            errors["polygon"] = _("The drawn area has too many points (at most 2,000).")
        else:
            parts += _parts(shape)
            names.append(_("Drawn area"))
    if choice.circle:
        lat, lon, metres = choice.circle
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors["circle"] = _("Give a latitude from -90 to 90 and a longitude from -180 to 180.")
        elif not 10 <= metres <= MAX_RADIUS_M:
            errors["circle"] = _("Give a radius from 10 to %(max)d metres.") % {"max": MAX_RADIUS_M}
        else:
            parts.append(circle_polygon(lat, lon, metres))
            names.append(_("Within %(m)d m of %(lat).4f, %(lon).4f") % {"m": metres, "lat": lat, "lon": lon})
    if not parts:
        if not {"district_ids", "hazard_zone", "polygon", "circle"} & set(errors):
            errors["area"] = _("Choose the area: districts, a hazard zone, a drawn area or a circle.")
        return None
    union = parts[0]
    for part in parts[1:]:
        union = union.union(part)
    area = union if isinstance(union, MultiPolygon) else MultiPolygon(*_parts(union), srid=4326)
    area.srid = 4326
    return ResolvedArea(area=area, description="、".join(names)[:300], districts=districts, hazard_zone=zone)


def point_inside(area: MultiPolygon) -> Point:
    return area.point_on_surface
