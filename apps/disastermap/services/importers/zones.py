"""Hazard zones from GeoJSON or a zipped Shapefile (read through GDAL, reprojected to WGS84).

The staff member says which hazard the file maps and which attribute holds the level;
importing a source again replaces that source's zones for that hazard.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.utils.translation import gettext as _

from apps.disastermap.models import HazardZone
from apps.disastermap.services.importers.base import (
    ImportRejected,
    ImportReport,
    decode_text,
    reject_file,
)

MAX_LEVEL = 32767


@dataclass
class ZoneOptions:
    hazard: str
    level_field: str
    label_field: str = ""
    name_field: str = ""
    repair: bool = False
    replace: bool = True
    encoding: str = "auto"


@dataclass
class RawFeature:
    number: int
    properties: dict[str, Any]
    geometry: GEOSGeometry | None
    problem: str = ""


def import_zones(*, data: bytes, report: ImportReport, source: str, options: ZoneOptions) -> None:
    if data.startswith(b"PK\x03\x04"):
        features, fields = _shapefile_features(data, report, options)
    else:
        features, fields = _geojson_features(data, report, options)
    for option, name in (("level_field", options.level_field), ("label_field", options.label_field),
                         ("name_field", options.name_field)):
        if name and fields is not None and name not in fields:
            report.add_error(None, option, _("The file has no attribute “%(name)s”. It has: %(fields)s.") % {
                "name": name, "fields": ", ".join(sorted(fields)) or "—"})
    if not report.ok:
        raise ImportRejected(report, field_name="file")

    zones: list[HazardZone] = []
    for feature in features:
        report.rows += 1
        zone = _zone(feature, report, source, options)
        if zone is not None:
            zones.append(zone)
    if not report.rows:
        raise reject_file(report, _("The file holds no features."))
    if not report.ok:
        raise ImportRejected(report)
    with transaction.atomic():
        if options.replace:
            report.deleted, _detail = HazardZone.objects.filter(hazard=options.hazard, source=source).delete()
        HazardZone.objects.bulk_create(zones, batch_size=500)
        report.created = len(zones)


def _zone(feature: RawFeature, report: ImportReport, source: str, options: ZoneOptions) -> HazardZone | None:
    failed = False
    if feature.problem:
        report.add_error(feature.number, "geometry", feature.problem)
        return None
    level_value = feature.properties.get(options.level_field)
    level = _level(level_value)
    if level is None:
        report.add_error(feature.number, options.level_field,
                         _("“%(value)s” is not a level (a whole number from 0 to %(max)d).") % {
                             "value": "" if level_value is None else level_value, "max": MAX_LEVEL})
        failed = True
    label = _text(feature.properties.get(options.label_field)) if options.label_field else ""
    name = _text(feature.properties.get(options.name_field)) if options.name_field else ""
    for column, value, limit in ((options.label_field, label, 80), (options.name_field, name, 120)):
        if len(value) > limit:
            report.add_error(feature.number, column, _("The text is %(n)d characters long; at most %(limit)d fit.")
                             % {"n": len(value), "limit": limit})
            failed = True
    area, problem = _area(feature.geometry, options.repair)
    if problem:
        report.add_error(feature.number, "geometry", problem)
        failed = True
    if failed:
        return None
    return HazardZone(hazard=options.hazard, level=level, label=label, name=name, source=source, area=area)


def _level(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 <= value <= MAX_LEVEL else None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_LEVEL else None
    cleaned = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 0 <= number <= MAX_LEVEL else None


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _area(geometry: GEOSGeometry | None, repair: bool) -> tuple[MultiPolygon | None, str]:
    if geometry is None:
        return None, _("The feature has no geometry.")
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return None, _("A %(type)s is not an area: only Polygon and MultiPolygon are accepted.") % {
            "type": geometry.geom_type}
    if geometry.empty:
        return None, _("The polygon is empty.")
    xmin, ymin, xmax, ymax = geometry.extent
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        return None, _("Coordinates are out of range for longitude/latitude (%(extent)s); is the file in "
                       "another coordinate system without saying so?") % {
            "extent": ", ".join(f"{v:.6g}" for v in geometry.extent)}
    if not geometry.valid:
        reason = geometry.valid_reason
        if not repair:
            return None, _("The polygon is not valid (%(reason)s). Fix it, or import with “repair invalid "
                           "polygons” on.") % {"reason": reason}
        geometry = geometry.make_valid()
        parts = _polygons(geometry)
        if not parts:
            return None, _("The polygon is not valid (%(reason)s) and repairing it left no area.") % {
                "reason": reason}
        return MultiPolygon(parts, srid=4326), ""
    if isinstance(geometry, Polygon):
        return MultiPolygon(geometry, srid=4326), ""
    return geometry, ""


def _polygons(geometry: GEOSGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.empty else []
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [part for child in geometry for part in _polygons(child)]
    return []  # Lines and points left over from a repair are not areas.


# --- GeoJSON ------------------------------------------------------------------------------

def _geojson_features(data: bytes, report: ImportReport, options: ZoneOptions) -> tuple[list[RawFeature], set[str]]:
    text = decode_text(data, report, encoding=options.encoding)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise reject_file(report, _("The file is not valid JSON (line %(line)d, column %(col)d: %(error)s).") % {
            "line": exc.lineno, "col": exc.colno, "error": exc.msg}) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" or not isinstance(
            document.get("features"), list):
        raise reject_file(report, _("The file is JSON but not a GeoJSON FeatureCollection."))
    features: list[RawFeature] = []
    fields: set[str] = set()
    for number, item in enumerate(document["features"], start=1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            features.append(RawFeature(number, {}, None, _("This entry is not a GeoJSON Feature.")))
            continue
        properties = item.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        fields.update(properties)
        geometry, problem = None, ""
        if item.get("geometry") is None:
            problem = _("The feature has no geometry.")
        else:
            try:
                geometry = GEOSGeometry(json.dumps(item["geometry"]), srid=4326)
            except (GEOSException, GDALException, ValueError, TypeError) as exc:
                problem = _("The geometry cannot be read: %(error)s") % {"error": exc}
        features.append(RawFeature(number, properties, geometry, problem))
    return features, fields


# --- Shapefile ------------------------------------------------------------------------------

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf")


def _shapefile_features(data: bytes, report: ImportReport, options: ZoneOptions) -> tuple[list[RawFeature], set[str]]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile as exc:
        raise reject_file(report, _("The file is not a readable ZIP archive.")) from exc
    shapes = [name for name in names if name.lower().endswith(".shp") and not name.startswith("__MACOSX")]
    if len(shapes) != 1:
        raise reject_file(report, _("The ZIP archive must hold exactly one Shapefile (.shp with .shx, .dbf and "
                                    ".prj); it holds %(n)d .shp files.") % {"n": len(shapes)})
    stem = shapes[0][:-4]
    members = {suffix: next((n for n in names if n.lower() == (stem + suffix).lower()), None)
               for suffix in (*_SHAPEFILE_PARTS, ".prj", ".cpg")}
    missing = [suffix for suffix in _SHAPEFILE_PARTS if members[suffix] is None]
    if missing:
        raise reject_file(report, _("The Shapefile is incomplete: %(missing)s missing.") % {
            "missing": ", ".join(missing)})
    if members[".prj"] is None:
        report.warnings.append(_("No .prj file: the coordinates were taken to be longitude/latitude (WGS84)."))
    with tempfile.TemporaryDirectory(prefix="hazard-shp-") as tmp:
        # Only the parts we need, under names we choose: nothing from the archive picks a path.
        for suffix, member in members.items():
            if member is not None:
                Path(tmp, "zones" + suffix).write_bytes(archive.read(member))
        encoding = options.encoding if options.encoding != "auto" else _cpg_encoding(Path(tmp, "zones.cpg"))
        return list(_read_shapefile(Path(tmp, "zones.shp"), encoding, report)), _fields(Path(tmp, "zones.shp"))


def _cpg_encoding(path: Path) -> str:
    if path.exists():
        declared = path.read_text("ascii", errors="ignore").strip().lower()
        if declared in ("utf-8", "utf8", "65001"):
            return "utf-8"
        if declared in ("shift_jis", "sjis", "cp932", "932", "ms932"):
            return "cp932"
    return "utf-8"


def _fields(path: Path) -> set[str]:
    try:
        return set(DataSource(str(path))[0].fields)
    except (GDALException, IndexError):
        return set()


def _read_shapefile(path: Path, encoding: str, report: ImportReport) -> Iterator[RawFeature]:
    try:
        source = DataSource(str(path), encoding=encoding)
        layer = source[0]
    except (GDALException, IndexError) as exc:
        raise reject_file(report, _("GDAL cannot read the Shapefile: %(error)s") % {"error": exc}) from exc
    for number, feature in enumerate(layer, start=1):
        try:
            properties = {name: feature.get(name) for name in layer.fields}
        except UnicodeDecodeError:
            yield RawFeature(number, {}, None, _("The attributes are not %(encoding)s text; choose the file's "
                                                 "encoding.") % {"encoding": encoding})
            continue
        try:
            geometry = feature.geom
            if geometry.srs is not None:
                geometry.transform(4326)
            geos = geometry.geos
            geos.srid = 4326
        except (GDALException, GEOSException) as exc:
            yield RawFeature(number, properties, None, _("The geometry cannot be read: %(error)s") % {"error": exc})
            continue
        yield RawFeature(number, properties, geos)
