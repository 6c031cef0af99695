"""Facilities and shelters from the national recommended-dataset CSV layouts, as an upsert.

A row is matched to what an earlier import of the same source wrote through its ID
column (`Facility.source` + `external_id`), so importing the same list again updates the
rows instead of adding them twice.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.disastermap.choices import HAZARD_CSV_COLUMNS
from apps.disastermap.models import Facility, Genre, Shelter
from apps.disastermap.services.importers import layouts
from apps.disastermap.services.importers.base import (
    CellError,
    ImportRejected,
    ImportReport,
    check_length,
    decode_text,
    parse_bool,
    parse_coordinate,
    parse_count,
    parse_postal_code,
    parse_url,
    read_csv,
    reject_file,
)
from apps.disastermap.services.importers.layouts import Layout


class RowReader:
    """One CSV row: typed values out, every bad cell reported with its row and column."""

    def __init__(self, number: int, row: dict[str, str], report: ImportReport) -> None:
        self.number, self.row, self.report = number, row, report
        self.failed = False

    def has(self, column: str) -> bool:
        return column in self.row

    def raw(self, column: str) -> str:
        return self.row.get(column, "")

    def cell(self, column: str, parser: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return parser(self.raw(column), *args, **kwargs)
        except CellError as exc:
            self.error(column, str(exc))
            return None

    def text(self, column: str, limit: int, *, required: bool = False) -> str:
        value = " ".join(self.raw(column).split())
        if required and not value:
            self.error(column, _("This value is required."))
            return ""
        try:
            return check_length(value, limit)
        except CellError as exc:
            self.error(column, str(exc))
            return ""

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self.report.add_error(self.number, column, message)


def _base_fields(reader: RowReader, layout: Layout) -> dict[str, Any]:
    lat = reader.cell("緯度", parse_coordinate, low=-90, high=90)
    lon = reader.cell("経度", parse_coordinate, low=-180, high=180)
    fields: dict[str, Any] = {
        "name": reader.text("名称", 120, required=True),
        "name_kana": reader.text("名称_カナ", 200),
        "name_en": reader.text("名称_英字", 120),
        "address": reader.text("所在地_連結表記", 200),
        "phone": reader.text("電話番号", 30),
        "url": reader.cell("URL", parse_url) or "",
        "location": Point(lon, lat, srid=4326) if lat is not None and lon is not None else None,
    }
    if "郵便番号" in layout.columns:
        fields["postal_code"] = reader.cell("郵便番号", parse_postal_code) or ""
    if "利用可能曜日" in layout.columns:
        hours = layouts.compose_hours(reader.raw("利用可能曜日"), reader.raw("開始時間"), reader.raw("終了時間"),
                                      " ".join(reader.raw("利用可能日時特記事項").split()))
        try:
            fields["hours"] = check_length(hours, 200)
        except CellError as exc:
            reader.error("利用可能曜日", str(exc))
    notes = {label: " ".join(reader.raw(label).split()) for label in layout.note_columns}
    if notes.get("小児対応設備の有無"):
        paediatric = reader.cell("小児対応設備の有無", parse_bool)
        notes["小児対応設備の有無"] = "" if paediatric is None else ("有" if paediatric else "無")
    fields["description"] = layouts.compose_notes(reader.raw(layout.body_column), notes)
    return fields


def _hazard_fields(reader: RowReader) -> dict[str, Any]:
    fields = {}
    for hazard, column in HAZARD_CSV_COLUMNS.items():
        if reader.has(column):
            fields[f"serves_{hazard}"] = bool(reader.cell(column, parse_bool))
    return fields


def _shelter_fields(reader: RowReader, layout: Layout) -> dict[str, Any]:
    fields = {**_base_fields(reader, layout), **_hazard_fields(reader),
              "capacity": reader.cell("想定収容人数", parse_count)}
    if layout.key == "emergency_sites":
        fields["is_emergency_site"] = True
        if reader.has("指定避難所との住所同一"):
            fields["is_designated_shelter"] = bool(reader.cell("指定避難所との住所同一", parse_bool))
    else:
        fields["is_designated_shelter"] = True
        if reader.has("指定緊急避難場所との住所同一"):
            fields["is_emergency_site"] = bool(reader.cell("指定緊急避難場所との住所同一", parse_bool))
        accepted = reader.raw("受入対象者")
        fields["is_welfare_shelter"] = "福祉" in accepted or "要配慮者" in accepted
    return fields


def _genre_index() -> dict[str, Genre]:
    index: dict[str, Genre] = {}
    for genre in Genre.objects.all():
        for key in (genre.code, genre.name, genre.name_en):
            if key:
                index[unicodedata.normalize("NFKC", key).strip().lower()] = genre
    return index


def import_facilities(*, layout: Layout, data: bytes, report: ImportReport, source: str,
                      genre: Genre | None = None, encoding: str = "auto") -> None:
    header, rows = read_csv(decode_text(data, report, encoding=encoding), report)
    canonical: dict[str, str] = {}
    for name in header:
        canonical.setdefault(layout.canonical(name), name)
    required = list(layout.required)
    if layout.key == "public_facilities" and genre is None:
        required.append("POIコード")
    missing = [column for column in required if column not in canonical]
    if missing:
        for column in missing:
            report.add_error(None, column, _("The file has no column “%(column)s”.") % {"column": column}
                             + (" " + _("Or choose one genre for every row.") if column == "POIコード" else ""))
        raise ImportRejected(report, field_name="file")

    is_shelter = layout.key in ("emergency_sites", "designated_shelters")
    genres = _genre_index()
    fixed_genre = genre or (Genre.objects.get(code="shelter") if is_shelter else
                            Genre.objects.get(code="aed") if layout.key == "aed" else None)
    seen: dict[str, int] = {}
    prepared: list[tuple[int, str, dict[str, Any]]] = []
    report.rows = len(rows)
    for number, raw_row in rows:
        row = {canonical_name: raw_row.get(original, "") for canonical_name, original in canonical.items()}
        reader = RowReader(number, row, report)
        external_id = reader.text("ID", 60, required=True)
        if external_id and external_id in seen:
            reader.error("ID", _("The ID “%(id)s” is also used in row %(row)d.") % {
                "id": external_id, "row": seen[external_id]})
        seen.setdefault(external_id, number)
        fields = _shelter_fields(reader, layout) if is_shelter else _base_fields(reader, layout)
        if layout.key == "public_facilities":
            fields.update(layouts.accessibility_from_text(reader.raw("バリアフリー情報")))
            if fixed_genre is None:
                key = unicodedata.normalize("NFKC", reader.raw("POIコード")).strip().lower()
                if key not in genres:
                    reader.error("POIコード", _("Unknown genre “%(value)s”: use a genre code or name, "
                                               "e.g. library or 図書館.") % {"value": reader.raw("POIコード")})
                fields["genre"] = genres.get(key)
        if fixed_genre is not None:
            fields["genre"] = fixed_genre
        if not reader.failed:
            prepared.append((number, external_id, fields))
    if not report.ok:
        raise ImportRejected(report)
    model = Shelter if is_shelter else Facility
    try:
        with transaction.atomic():
            _write(model, prepared, report, source)
    except IntegrityError as exc:  # A race with another import of the same source.
        raise reject_file(report, _("The database refused the rows: %(error)s") % {"error": exc}) from exc
    if not report.ok:
        raise ImportRejected(report)


def _write(model: type[Facility], prepared: list[tuple[int, str, dict[str, Any]]], report: ImportReport,
           source: str) -> None:
    ids = [external_id for _number, external_id, _fields in prepared]
    existing = {obj.external_id: obj for obj in model.objects.filter(source=source, external_id__in=ids)}
    if model is Shelter:
        # A plain facility with the same key would break the unique constraint: say which row.
        clashes = set(Facility.objects.filter(source=source, external_id__in=ids, shelter__isnull=True)
                      .values_list("external_id", flat=True))
    else:
        clashes = set(Shelter.objects.filter(source=source, external_id__in=ids).values_list("external_id", flat=True))
    for number, external_id, fields in prepared:
        if external_id in clashes:
            report.add_error(number, "ID", _("The ID “%(id)s” of source “%(source)s” already belongs to another "
                                             "kind of facility.") % {"id": external_id, "source": source})
            continue
        obj = existing.get(external_id)
        if obj is None:
            model.objects.create(source=source, external_id=external_id, **fields)
            report.created += 1
            continue
        changed = [name for name, value in fields.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, fields[name])
            obj.save()
            report.updated += 1
        else:
            report.unchanged += 1
    if not report.ok:
        transaction.set_rollback(True)
