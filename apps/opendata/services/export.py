"""Turn a live dataset's row stream into CSV, JSON or GeoJSON bytes, chunk by chunk.

Nothing here holds more than one chunk (about 64 KB) in memory, so a download of a million
rows costs what a download of ten does; the rows themselves come from `.iterator()`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import operator
from collections.abc import Callable, Iterable, Iterator

from django.utils import timezone

from civicportal.datasets import LiveDataset

CHUNK_BYTES = 64 * 1024
BOM = "\ufeff"


def _iso_datetime_in(zone: dt.tzinfo) -> Callable[[dt.datetime | None], str | None]:
    """Times in the city's zone (JST); the zone is looked up once per export, not once per row."""

    def iso(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.isoformat()

    return iso


def _iso_datetime(value: dt.datetime | None) -> str | None:
    return _iso_datetime_in(timezone.get_current_timezone())(value)


def _iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _boolean(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


# Converters for the types JSON and CSV cannot write as they come; None means "as is".
_CONVERTERS: dict[str, Callable | None] = {
    "string": None, "integer": None, "number": None,
    "boolean": None, "date": _iso_date, "datetime": _iso_datetime,
}
_CSV_CONVERTERS = dict(_CONVERTERS, boolean=_boolean)


def _columns(dataset: LiveDataset, converters: dict[str, Callable | None]) -> list[tuple[str, Callable | None]]:
    converters = dict(converters, datetime=_iso_datetime_in(timezone.get_current_timezone()))
    return [(field.name, converters[field.type]) for field in dataset.fields]


def csv_chunks(dataset: LiveDataset, *, bom: bool = False, rows: Iterable[dict] | None = None) -> Iterator[bytes]:
    """CSV in UTF-8 (with a BOM for Excel when asked); the `geometry` key is left out."""
    columns = _columns(dataset, _CSV_CONVERTERS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow([name for name, _ in columns])
    # itemgetter picks the columns in C; only the few typed columns are touched in Python.
    pick = operator.itemgetter(*(name for name, _ in columns))
    typed = [(index, convert) for index, (_, convert) in enumerate(columns) if convert is not None]
    for row in dataset.rows() if rows is None else rows:
        values = pick(row)
        if typed:
            values = list(values) if len(columns) > 1 else [values]
            for index, convert in typed:
                values[index] = convert(values[index])
        elif len(columns) == 1:
            values = [values]
        writer.writerow(values)
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _properties(row: dict, columns: list[tuple[str, Callable | None]]) -> dict:
    return {name: row[name] if convert is None else convert(row[name]) for name, convert in columns}


def _batched(pieces: Iterator[str]) -> Iterator[bytes]:
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= CHUNK_BYTES:
            yield "".join(batch).encode("utf-8")
            batch, size = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


def json_chunks(dataset: LiveDataset) -> Iterator[bytes]:
    """A JSON array of objects keyed by the field names (geometry as GeoJSON when spatial)."""
    columns = _columns(dataset, _CONVERTERS)

    def pieces() -> Iterator[str]:
        yield "["
        separator = ""
        for row in dataset.rows():
            item = _properties(row, columns)
            if dataset.spatial:
                item["geometry"] = row.get("geometry")
            yield separator + json.dumps(item, ensure_ascii=False)
            separator = ",\n"
        yield "]\n"

    return _batched(pieces())


def geojson_chunks(dataset: LiveDataset) -> Iterator[bytes]:
    """A GeoJSON FeatureCollection (RFC 7946: WGS 84 longitude, latitude)."""
    columns = _columns(dataset, _CONVERTERS)

    def pieces() -> Iterator[str]:
        yield '{"type":"FeatureCollection","features":['
        separator = ""
        for row in dataset.rows():
            feature = {"type": "Feature", "geometry": row.get("geometry"), "properties": _properties(row, columns)}
            yield separator + json.dumps(feature, ensure_ascii=False)
            separator = ",\n"
        yield "]}\n"

    return _batched(pieces())


def chunks(dataset: LiveDataset, live_format: str) -> Iterator[bytes]:
    if live_format == "csv":
        return csv_chunks(dataset)
    if live_format == "csv-bom":
        return csv_chunks(dataset, bom=True)
    if live_format == "json":
        return json_chunks(dataset)
    if live_format == "geojson" and dataset.spatial:
        return geojson_chunks(dataset)
    raise ValueError(f"{dataset.slug} cannot be written as {live_format!r}")
