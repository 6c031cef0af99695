"""Map data out: CSV in the national layouts (the same columns the imports read) and GeoJSON.

Only what the public may see leaves here: facilities marked public, never people
needing help. GeoJSON follows RFC 7946: WGS84 longitude/latitude, no `crs` member.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import HAZARD_CSV_COLUMNS, Hazard
from apps.disastermap.models import Facility, HazardZone, Shelter
from apps.disastermap.services.importers import layouts
from apps.disastermap.services.importers.layouts import Layout
from apps.geo.models import City

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"


@dataclass(frozen=True)
class CsvExport:
    name: str
    layout: Layout
    title: Any
    description: Any

    def rows(self) -> QuerySet[Facility]:
        public = {"is_public": True}
        if self.layout.key == "emergency_sites":
            return Shelter.objects.filter(is_emergency_site=True, **public).select_related("genre")
        if self.layout.key == "designated_shelters":
            return Shelter.objects.filter(is_designated_shelter=True, **public).select_related("genre")
        plain = Facility.objects.filter(shelter__isnull=True, **public).select_related("genre")
        if self.layout.key == "aed":
            return plain.filter(genre__code="aed")
        return plain.exclude(genre__code="aed")


CSV_EXPORTS: dict[str, CsvExport] = {export.name: export for export in (
    CsvExport("emergency-sites", layouts.EMERGENCY_SITES, _("Designated emergency evacuation sites"),
              _("Every designated emergency evacuation site (指定緊急避難場所一覧) with the hazards it is safe "
                "from, in the national recommended-dataset layout.")),
    CsvExport("designated-shelters", layouts.DESIGNATED_SHELTERS, _("Designated shelters"),
              _("Designated shelters (指定避難所一覧), including welfare shelters, with their capacity.")),
    CsvExport("aed", layouts.AED, _("AED locations"),
              _("Where the AEDs are (AED設置箇所一覧): the building, where inside it, when it is open.")),
    CsvExport("public-facilities", layouts.PUBLIC_FACILITIES, _("Public facilities"),
              _("Other public facilities on the map (公共施設一覧) with their genre and barrier-free information.")),
)}


def _city() -> City | None:
    return City.objects.order_by("code").first()


def csv_rows(export: CsvExport) -> Iterator[dict[str, str]]:
    city = _city()
    for obj in export.rows().iterator(chunk_size=1000):
        yield layout_row(obj, export.layout, city)


def layout_row(obj: Facility, layout: Layout, city: City | None) -> dict[str, str]:
    body, notes = layouts.parse_notes(obj.description, layout.note_columns)
    row = dict.fromkeys(layout.columns, "")
    row.update({
        "全国地方公共団体コード": city.code if city else "", "地方公共団体名": city.name if city else "",
        "ID": obj.external_id or str(obj.pk), "名称": obj.name, "名称_カナ": obj.name_kana,
        "名称_英字": obj.name_en, "所在地_連結表記": obj.address, "緯度": repr(obj.location.y),
        "経度": repr(obj.location.x), "電話番号": obj.phone, "URL": obj.url, layout.body_column: body,
    })
    row.update(notes)
    if "郵便番号" in row:
        row["郵便番号"] = obj.postal_code
    if "利用可能曜日" in row:
        days, start, end, note = layouts.parse_hours(obj.hours)
        row.update({"利用可能曜日": days, "開始時間": start, "終了時間": end, "利用可能日時特記事項": note})
    if isinstance(obj, Shelter):
        for hazard, column in HAZARD_CSV_COLUMNS.items():
            row[column] = "1" if getattr(obj, f"serves_{hazard}") else ""
        row["想定収容人数"] = "" if obj.capacity is None else str(obj.capacity)
        if layout.key == "emergency_sites":
            row["指定避難所との住所同一"] = "1" if obj.is_designated_shelter else ""
        else:
            row["指定緊急避難場所との住所同一"] = "1" if obj.is_emergency_site else ""
            if not row["受入対象者"] and obj.is_welfare_shelter:
                row["受入対象者"] = "福祉避難所"
    if layout.key == "public_facilities":
        row["POIコード"] = obj.genre.code
        if not row["バリアフリー情報"]:
            row["バリアフリー情報"] = layouts.accessibility_text(
                {name: getattr(obj, name) for name in layouts.ACCESSIBILITY_TERMS})
    return {column: row[column] for column in layout.columns}


def write_csv(export: CsvExport) -> str:
    """UTF-8 with a BOM, so that a double click opens it in Excel with the Japanese intact."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=export.layout.columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(export))
    return "\ufeff" + buffer.getvalue()


# --- GeoJSON ------------------------------------------------------------------------------

def feature_collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _point(obj: Facility) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(obj.location.x, 7), round(obj.location.y, 7)]}


def _facility_properties(obj: Facility) -> dict[str, Any]:
    return {
        "name": obj.name, "name_kana": obj.name_kana, "name_en": obj.name_en,
        "genre": obj.genre.code, "genre_name": obj.genre.name, "genre_name_en": obj.genre.name_en,
        "postal_code": obj.postal_code, "address": obj.address, "phone": obj.phone, "hours": obj.hours,
        "url": obj.url, "description": obj.description,
        **{name: getattr(obj, name) for name in Facility.ACCESSIBILITY_FIELDS},
        "updated_at": obj.updated_at.isoformat() if obj.updated_at else None,
    }


def facilities_geojson(*, genres: list[str] | None = None,
                       bbox: tuple[float, float, float, float] | None = None) -> dict[str, Any]:
    queryset = Facility.objects.filter(is_public=True).select_related("genre").order_by("id")
    if genres:
        queryset = queryset.filter(genre__code__in=genres)
    if bbox:
        queryset = queryset.filter(location__within=Polygon.from_bbox(bbox))
    return feature_collection(
        {"type": "Feature", "id": obj.pk, "geometry": _point(obj), "properties": _facility_properties(obj)}
        for obj in queryset.iterator(chunk_size=2000)
    )


def shelters_geojson() -> dict[str, Any]:
    """Shelters with their live status, as residents' apps want them."""
    queryset = Shelter.objects.filter(is_public=True).select_related("genre").order_by("id")
    features = []
    for obj in queryset:
        properties = _facility_properties(obj)
        properties.update({
            "emergency_site": obj.is_emergency_site, "designated_shelter": obj.is_designated_shelter,
            "welfare_shelter": obj.is_welfare_shelter, "hazards": obj.hazards(), "capacity": obj.capacity,
            "status": obj.status, "status_label": str(obj.get_status_display()), "headcount": obj.headcount,
            "occupancy_percent": obj.occupancy_percent,
            "status_changed_at": obj.status_changed_at.isoformat() if obj.status_changed_at else None,
        })
        features.append({"type": "Feature", "id": obj.pk, "geometry": _point(obj), "properties": properties})
    return feature_collection(features)


def hazard_zones_geojson(*, hazard: str | None = None) -> dict[str, Any]:
    queryset = HazardZone.objects.order_by("hazard", "level", "id")
    if hazard:
        queryset = queryset.filter(hazard=hazard)
    return feature_collection(
        {"type": "Feature", "id": zone.pk, "geometry": json.loads(zone.area.json), "properties": {
            "hazard": zone.hazard, "hazard_label": str(Hazard(zone.hazard).label), "level": zone.level,
            "label": zone.label, "name": zone.name, "source": zone.source,
        }}
        for zone in queryset.iterator(chunk_size=200)
    )
