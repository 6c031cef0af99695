"""Checks of what people draw and upload on community maps: shapes and photos.

Every error names the field it belongs to (`geometry`, `photo`) so forms and the API can
show it next to the right input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSException, GEOSGeometry, LineString, Point, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.disastermap.models import CommunityMap
from civicportal.uploads import clean_photo as clean_photo

MAX_VERTICES = 500
NEAR_DISTRICT_METERS = 1000  # a feature may lie a little outside (the road just past the boundary)
GEOMETRY_TYPES = ("Point", "LineString", "Polygon")

Coordinate = tuple[float, float]  # (lon, lat), as GeoJSON has it


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _check_position(position: object) -> Coordinate:
    if not isinstance(position, list | tuple) or len(position) < 2:
        raise ValidationError({"geometry": _("Each position must be [longitude, latitude].")})
    lon, lat = _number(position[0]), _number(position[1])
    if lon is None or lat is None:
        raise ValidationError({"geometry": _("Coordinates must be numbers.")})
    if not -90 <= lat <= 90:
        raise ValidationError({"geometry": _("Latitude %(lat)s is out of range (-90 to 90).") % {"lat": f"{lat:g}"}})
    if not -180 <= lon <= 180:
        raise ValidationError({"geometry": _("Longitude %(lon)s is out of range (-180 to 180).") % {"lon": f"{lon:g}"}})
    return lon, lat


def _check_count(count: int) -> None:
    if count > MAX_VERTICES:
        raise ValidationError({"geometry": _("The shape has %(n)d points; use at most %(max)d.") % {
            "n": count, "max": MAX_VERTICES}})


def geometry_from_geojson(data: object) -> GEOSGeometry:
    """A Point, LineString or Polygon from a GeoJSON geometry object (RFC 7946, WGS84 lon/lat)."""
    if not isinstance(data, dict) or data.get("type") not in GEOMETRY_TYPES:
        raise ValidationError({"geometry": _("Give a GeoJSON geometry of type Point, LineString or Polygon.")})
    kind, coordinates = data["type"], data.get("coordinates")
    if kind == "Point":
        lon, lat = _check_position(coordinates)
        return Point(lon, lat, srid=4326)
    if kind == "LineString":
        if not isinstance(coordinates, list):
            raise ValidationError({"geometry": _("A LineString needs a list of positions.")})
        _check_count(len(coordinates))
        return build_shape("line", [_check_position(p) for p in coordinates])
    if not isinstance(coordinates, list) or not coordinates or not all(isinstance(r, list) for r in coordinates):
        raise ValidationError({"geometry": _("A Polygon needs a list of rings of positions.")})
    _check_count(sum(len(ring) for ring in coordinates))
    rings = [[_check_position(p) for p in ring] for ring in coordinates]
    return build_shape("polygon", rings[0], holes=rings[1:])


def build_shape(kind: str, points: Sequence[Coordinate], *, holes: Sequence[Sequence[Coordinate]] = ()) -> GEOSGeometry:
    """A point, line or polygon from checked (lon, lat) pairs; a polygon's ring is closed for you."""
    _check_count(len(points) + sum(len(h) for h in holes))
    if kind == "point":
        if len(points) != 1:
            raise ValidationError({"geometry": _("A point needs exactly one position.")})
        return Point(*points[0], srid=4326)
    distinct = list(dict.fromkeys(points))
    if kind == "line":
        if len(distinct) < 2:
            raise ValidationError({"geometry": _("A line needs at least two different points.")})
        return LineString(list(points), srid=4326)
    if kind != "polygon":
        raise ValidationError({"geometry": _("Choose a point, a line or an area.")})
    if len(distinct) < 3:
        raise ValidationError({"geometry": _("An area needs at least three different corners.")})
    try:
        rings = [_closed(ring) for ring in (points, *holes)]
        return Polygon(*rings, srid=4326)
    except (GEOSException, ValueError, TypeError):
        raise ValidationError({"geometry": _("The area's outline is not a valid ring.")}) from None


def _closed(ring: Sequence[Coordinate]) -> list[Coordinate]:
    ring = list(ring)
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    if len(ring) < 4:
        raise ValueError("ring too short")
    return ring


def parse_lat_lon_lines(text: str) -> list[Coordinate]:
    """"lat,lon" one per line (as people read them off a map) into (lon, lat) pairs."""
    points: list[Coordinate] = []
    for number, line in enumerate(text.replace("\r", "").split("\n"), start=1):
        line = line.strip().replace("，", ",").replace("、", ",")
        if not line:
            continue
        parts = [p for p in line.replace(",", " ").split() if p]
        try:
            lat, lon = (float(p) for p in parts)
        except ValueError:
            raise ValidationError({"vertices": _("Line %(n)d is not “latitude, longitude”: %(line)s") % {
                "n": number, "line": line[:40]}}) from None
        try:
            points.append(_check_position([lon, lat]))
        except ValidationError as exc:
            raise ValidationError({"vertices": _("Line %(n)d: %(error)s") % {
                "n": number, "error": " ".join(exc.messages)}}) from None
    if len(points) > MAX_VERTICES:
        raise ValidationError({"vertices": _("%(n)d points given; use at most %(max)d.") % {
            "n": len(points), "max": MAX_VERTICES}})
    return points


def _local_metres(community_map: CommunityMap) -> CoordTransform:
    """A transverse Mercator centred on the district: metres, good to a few cm over a town.

    Done with GDAL in Python rather than a database function so PostGIS and SpatiaLite agree.
    """
    centre = community_map.district.area.centroid
    srs = SpatialReference(f"+proj=tmerc +lat_0={centre.y} +lon_0={centre.x} +k=1 +x_0=0 +y_0=0 "
                           "+ellps=GRS80 +units=m +no_defs")
    return CoordTransform(SpatialReference(4326), srs)


def distance_from_district(community_map: CommunityMap, geometry: GEOSGeometry) -> float:
    """Metres between a shape and the map's district (0 when they touch or overlap)."""
    transform = _local_metres(community_map)
    area = community_map.district.area.transform(transform, clone=True)
    shape = geometry.transform(transform, clone=True)
    return area.distance(shape)


def check_geometry(community_map: CommunityMap, geometry: GEOSGeometry) -> GEOSGeometry:
    """A valid shape within reach of the map's district, or ValidationError on `geometry`."""
    if geometry.geom_type not in GEOMETRY_TYPES:
        raise ValidationError({"geometry": _("Give a point, a line or an area.")})
    for lon, lat in _positions(geometry):
        _check_position([lon, lat])
    _check_count(geometry.num_coords)
    if not geometry.valid:
        if geometry.geom_type == "Polygon":
            message = _("The area's outline crosses itself; draw the corners in order around the edge.")
        else:
            message = _("The shape is not valid: %(reason)s") % {"reason": geometry.valid_reason}
        raise ValidationError({"geometry": message})
    distance = distance_from_district(community_map, geometry)
    if distance > NEAR_DISTRICT_METERS:
        raise ValidationError({"geometry": _(
            "The shape is %(km).1f km from %(district)s; it must lie within %(limit)d m of the district."
        ) % {"km": distance / 1000, "district": community_map.district.name, "limit": NEAR_DISTRICT_METERS}})
    return geometry


def _positions(geometry: GEOSGeometry) -> list[Coordinate]:
    if geometry.geom_type == "Point":
        return [geometry.coords[:2]]
    if geometry.geom_type == "LineString":
        return [c[:2] for c in geometry.coords]
    return [c[:2] for ring in geometry.coords for c in ring]


def measure(community_map: CommunityMap, geometry: GEOSGeometry) -> tuple[float, float]:
    """(length in metres, area in square metres) of a shape, for the printed summary."""
    local = geometry.transform(_local_metres(community_map), clone=True)
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return local.boundary.length, local.area
    return local.length, 0.0
