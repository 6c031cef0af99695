"""The first rows of a resource, for the dataset page's table (and the map's no-JS fallback)."""

from __future__ import annotations

import csv
import itertools
import json
from dataclasses import dataclass, field

from apps.opendata.choices import ResourceKind
from apps.opendata.models import Dataset, Resource
from apps.opendata.services.export import _CSV_CONVERTERS
from apps.opendata.services.live import live_dataset_of
from apps.opendata.services.uploads import text_stream

PREVIEW_ROWS = 20
MAX_GEOJSON_PREVIEW_BYTES = 5 * 1024 * 1024


@dataclass
class Preview:
    resource: Resource
    header: list[str]
    rows: list[list]
    spatial: bool = False  # the map can draw it from `map_url`
    map_url: str = ""
    notes: list[str] = field(default_factory=list)


def _live_preview(dataset: Dataset, resource: Resource) -> Preview | None:
    live = live_dataset_of(dataset)
    if live is None:
        return None
    columns = [(item.name, _CSV_CONVERTERS[item.type]) for item in live.fields]
    rows = [[row[name] if convert is None else convert(row[name]) for name, convert in columns]
            for row in itertools.islice(live.rows(), PREVIEW_ROWS)]
    return Preview(resource=resource, header=[str(item.label) for item in live.fields], rows=rows,
                   spatial=live.spatial)


def _csv_preview(resource: Resource) -> Preview | None:
    version = resource.current_version()
    if version is None:
        return None
    with version.file.open("rb") as raw:
        stream = text_stream(raw, version.encoding or "utf-8")
        try:
            lines = list(itertools.islice(csv.reader(stream), PREVIEW_ROWS + 1))
        except (csv.Error, UnicodeDecodeError):
            return None
        finally:
            stream.detach()
    if not lines:
        return None
    return Preview(resource=resource, header=lines[0], rows=lines[1:])


def _geojson_preview(resource: Resource) -> Preview | None:
    version = resource.current_version()
    if version is None or version.size > MAX_GEOJSON_PREVIEW_BYTES:
        return None
    with version.file.open("rb") as raw:
        try:
            document = json.load(raw)
        except ValueError:
            return None
    features = document.get("features", []) if isinstance(document, dict) else []
    names: list[str] = []
    for feature in features[:PREVIEW_ROWS]:
        for key in (feature.get("properties") or {}):
            if key not in names:
                names.append(key)
    rows = [[(feature.get("properties") or {}).get(name, "") for name in names] for feature in features[:PREVIEW_ROWS]]
    return Preview(resource=resource, header=names, rows=rows, spatial=True)


def preview(dataset: Dataset) -> Preview | None:
    """The most useful preview a dataset has: live rows, else a CSV, else a GeoJSON file."""
    resources = list(dataset.resources.all())
    if dataset.is_live:
        first = next((item for item in resources if item.kind == ResourceKind.LIVE), None)
        found = _live_preview(dataset, first) if first else None
        if found and found.spatial:
            found.resource = next((item for item in resources if item.live_format == "geojson"), first)
        return found
    uploads = [item for item in resources if item.kind == ResourceKind.UPLOAD]
    for resource in uploads:
        if resource.format == "CSV":
            found = _csv_preview(resource)
            if found:
                return found
    for resource in uploads:
        if resource.format == "GeoJSON":
            found = _geojson_preview(resource)
            if found:
                return found
    return None
