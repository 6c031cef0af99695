"""The disaster map's public data as live open datasets (read by apps.opendata via the registry).

Facilities are public places: their address and telephone are the facility's own, published
on the city's pages and in the national recommended datasets (推奨データセット). Nothing about
the people on the map (shelter staff, people needing help, who reported what) is ever listed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import F, Field, Func, Max
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import Hazard
from apps.disastermap.models import Facility, HazardZone, Shelter
from civicportal.datasets import DatasetField, LiveDataset, register

ORGANISATION = "crisis-management"
FACILITY_WATCH = ("disastermap.Facility", "disastermap.Shelter", "disastermap.Genre")


def _coordinate(function: str) -> Func:
    # ST_X/ST_Y exist in PostGIS and SpatiaLite alike; asking the database spares a GEOS
    # object per row, which matters for a million-row download. Both drivers already return
    # a float: a plain Field as output type skips Django's per-row float() converter.
    return Func(F("location"), function=function, output_field=Field())


ACCESSIBILITY = (
    DatasetField("wheelchair_accessible", _("wheelchair accessible entrance"), "boolean"),
    DatasetField("wheelchair_toilet", _("wheelchair-accessible toilet"), "boolean"),
    DatasetField("ostomate_toilet", _("toilet for ostomates"), "boolean"),
    DatasetField("nursing_room", _("nursing room"), "boolean"),
    DatasetField("accessible_parking", _("accessible parking"), "boolean"),
    DatasetField("elevator", _("elevator"), "boolean"),
)
PLACE = (
    DatasetField("id", _("ID"), "integer"),
    DatasetField("name", _("name")),
    DatasetField("name_kana", _("name (kana)")),
    DatasetField("name_en", _("name (English)")),
    DatasetField("postal_code", _("postal code")),
    DatasetField("address", _("address of the facility")),
    DatasetField("latitude", _("latitude"), "number"),
    DatasetField("longitude", _("longitude"), "number"),
    DatasetField("phone", _("phone of the facility")),
)
FACILITY_FIELDS = (
    *PLACE[:1],
    DatasetField("genre_code", _("genre code")),
    DatasetField("genre_name", _("genre")),
    *PLACE[1:],
    DatasetField("hours", _("opening hours")),
    DatasetField("url", _("web page")),
    *ACCESSIBILITY,
    DatasetField("updated_at", _("updated"), "datetime"),
)
_FACILITY_COLUMNS = [field.name for field in FACILITY_FIELDS if field.name not in ("genre_code", "genre_name",
                                                                                     "latitude", "longitude")]


def _with_point(rows: Iterator[dict]) -> Iterator[dict]:
    for row in rows:
        longitude, latitude = row["longitude"], row["latitude"]
        row["geometry"] = (None if longitude is None
                           else {"type": "Point", "coordinates": [longitude, latitude]})
        yield row


def _facility_rows(genre: str | None = None) -> Iterator[dict]:
    facilities = Facility.objects.filter(is_public=True)
    if genre:
        facilities = facilities.filter(genre__code=genre)
    rows = (facilities.order_by("id")
            .values(*_FACILITY_COLUMNS, genre_code=F("genre__code"), genre_name=F("genre__name"),
                    latitude=_coordinate("ST_Y"), longitude=_coordinate("ST_X"))
            .iterator(chunk_size=2000))
    return _with_point(rows)


def _facility_modified(genre: str | None = None) -> dt.datetime | None:
    facilities = Facility.objects.filter(is_public=True)
    if genre:
        facilities = facilities.filter(genre__code=genre)
    return facilities.aggregate(latest=Max("updated_at"))["latest"]


register(LiveDataset(
    slug="facilities",
    title="施設一覧（ジャンル別）",
    title_en="Public facilities by genre",
    description="防災マップに載せている公共施設（避難所、AED、病院、図書館など）の位置と基本情報。"
                "genre_code 列でジャンル別に絞り込めます。",
    description_en="Location and basic facts of the public facilities on the disaster map (shelters, AEDs, "
                   "hospitals, libraries...). Filter by the genre_code column.",
    organisation=ORGANISATION, theme="disaster", tags=("施設", "facilities", "防災"), spatial=True,
    fields=FACILITY_FIELDS, rows=_facility_rows, last_modified=_facility_modified, watch=FACILITY_WATCH,
))

register(LiveDataset(
    slug="aed",
    title="AED設置場所一覧",
    title_en="AED locations",
    description="自動体外式除細動器（AED）を設置している施設の位置と利用できる時間。",
    description_en="Where automated external defibrillators (AEDs) are and when they can be reached.",
    organisation=ORGANISATION, theme="disaster", tags=("AED", "医療", "防災"), spatial=True,
    fields=FACILITY_FIELDS,
    rows=lambda: _facility_rows("aed"), last_modified=lambda: _facility_modified("aed"), watch=FACILITY_WATCH,
))

SHELTER_TYPES = (
    DatasetField("is_emergency_site", _("designated emergency evacuation site (指定緊急避難場所)"), "boolean"),
    DatasetField("is_designated_shelter", _("designated shelter (指定避難所)"), "boolean"),
    DatasetField("is_welfare_shelter", _("welfare shelter (福祉避難所)"), "boolean"),
)
SHELTER_HAZARDS = tuple(DatasetField(f"serves_{hazard.value}", hazard.label, "boolean") for hazard in Hazard)
SHELTER_FIELDS = (
    *PLACE, *SHELTER_TYPES, *SHELTER_HAZARDS,
    DatasetField("capacity", _("capacity (people)"), "integer"),
    DatasetField("status", _("status (open, full, closed)")),
    DatasetField("headcount", _("people sheltering"), "integer"),
    DatasetField("status_changed_at", _("status changed"), "datetime"),
    *ACCESSIBILITY,
    DatasetField("updated_at", _("updated"), "datetime"),
)
_SHELTER_COLUMNS = [field.name for field in SHELTER_FIELDS if field.name not in ("latitude", "longitude")]


def _shelter_rows() -> Iterator[dict]:
    rows = (Shelter.objects.filter(is_public=True).order_by("id")
            .values(*_SHELTER_COLUMNS, latitude=_coordinate("ST_Y"), longitude=_coordinate("ST_X"))
            .iterator(chunk_size=2000))
    return _with_point(rows)


def _shelter_modified() -> dt.datetime | None:
    return Shelter.objects.filter(is_public=True).aggregate(latest=Max("updated_at"))["latest"]


register(LiveDataset(
    slug="shelters",
    title="指定緊急避難場所・指定避難所一覧",
    title_en="Evacuation sites and shelters",
    description="指定緊急避難場所・指定避難所の位置、対応する災害の種別、収容人数と、開設状況・避難者数（リアルタイム）。",
    description_en="Designated emergency evacuation sites and shelters: location, the hazards each serves, "
                   "capacity, and live status and headcount.",
    organisation=ORGANISATION, theme="disaster", tags=("避難所", "shelters", "防災"), spatial=True,
    fields=SHELTER_FIELDS, rows=_shelter_rows, last_modified=_shelter_modified,
    watch=("disastermap.Shelter", "disastermap.Facility"),
))

HAZARD_FIELDS = (
    DatasetField("id", _("ID"), "integer"),
    DatasetField("hazard", _("hazard")),
    DatasetField("level", _("level"), "integer"),
    DatasetField("label", _("level label")),
    DatasetField("name", _("name")),
    DatasetField("source", _("source")),
    DatasetField("imported_at", _("imported"), "datetime"),
)


def _hazard_rows() -> Iterator[dict]:
    rows = (HazardZone.objects.order_by("id")
            .values("id", "hazard", "level", "label", "name", "source", "imported_at", area_json=AsGeoJSON("area"))
            .iterator(chunk_size=200))
    for row in rows:
        area = row.pop("area_json")
        row["geometry"] = json.loads(area) if area else None
        yield row


register(LiveDataset(
    slug="hazard-zones",
    title="ハザード区域（浸水想定区域・土砂災害警戒区域など）",
    title_en="Hazard zones (flood, landslide and other risk areas)",
    description="洪水浸水想定区域、土砂災害警戒区域などの区域と、そのレベル。",
    description_en="Areas at risk of flooding, landslides and other hazards, with their level.",
    organisation=ORGANISATION, theme="disaster", tags=("ハザードマップ", "hazard", "防災"), spatial=True,
    update_frequency="irregular",
    fields=HAZARD_FIELDS, rows=_hazard_rows,
    last_modified=lambda: HazardZone.objects.aggregate(latest=Max("imported_at"))["latest"],
    watch=("disastermap.HazardZone",),
))
