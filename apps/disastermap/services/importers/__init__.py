"""Map data imports: one entry point, one report, all or nothing.

`run_import(kind=..., upload=..., ...)` returns an `ImportReport` or raises
`ImportRejected` (a `ValidationError` whose report lists the bad rows) having written
nothing. Views, the API and the `import_map_data` command all go through here.
"""

from __future__ import annotations

from typing import IO

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.disastermap.choices import Hazard
from apps.disastermap.models import Genre
from apps.disastermap.services.importers import layouts
from apps.disastermap.services.importers.base import (
    MAX_REPORTED_ERRORS,
    ImportRejected,
    ImportReport,
    RowError,
    max_upload_bytes,
    read_upload,
    reject_file,
)
from apps.disastermap.services.importers.facilities import import_facilities
from apps.disastermap.services.importers.gazetteer import import_places
from apps.disastermap.services.importers.zones import ZoneOptions, import_zones

__all__ = [
    "MAX_REPORTED_ERRORS", "ImportKind", "ImportRejected", "ImportReport", "RowError", "max_upload_bytes",
    "run_import",
]


class ImportKind(models.TextChoices):
    EMERGENCY_SITES = "emergency_sites", gettext_lazy(
        "Designated emergency evacuation sites (指定緊急避難場所一覧, CSV)")
    DESIGNATED_SHELTERS = "designated_shelters", gettext_lazy("Designated shelters (指定避難所一覧, CSV)")
    AED = "aed", gettext_lazy("AED locations (AED設置箇所一覧, CSV)")
    PUBLIC_FACILITIES = "public_facilities", gettext_lazy("Public facilities (公共施設一覧, CSV)")
    HAZARD_ZONES = "hazard_zones", gettext_lazy("Hazard zones (GeoJSON, or Shapefile in a .zip)")
    GAZETTEER = "gazetteer", gettext_lazy("Gazetteer: postal codes and place names (CSV)")


# The source name a row is filed under when the staff member gives none.
DEFAULT_SOURCES = {
    ImportKind.EMERGENCY_SITES: "emergency-sites",
    ImportKind.DESIGNATED_SHELTERS: "designated-shelters",
    ImportKind.AED: "aed",
    ImportKind.PUBLIC_FACILITIES: "public-facilities",
    ImportKind.HAZARD_ZONES: "hazard-zones",
    ImportKind.GAZETTEER: "gazetteer",
}
ENCODINGS = ("auto", "utf-8", "cp932")


def run_import(*, kind: str, upload: IO[bytes], source: str = "", genre: str = "", hazard: str = "",
               level_field: str = "", label_field: str = "", name_field: str = "", repair: bool = False,
               replace: bool = True, encoding: str = "auto") -> ImportReport:
    """Import one file; every argument is checked here too, whoever calls."""
    if kind not in ImportKind.values:
        report = ImportReport(kind=kind)
        raise reject_file(report, _("Unknown kind of import “%(kind)s”.") % {"kind": kind}, column="kind")
    report = ImportReport(kind=kind, source=(source.strip() or DEFAULT_SOURCES[kind]))
    if len(report.source) > 40:
        raise reject_file(report, _("The source name may be at most 40 characters."), column="source")
    if encoding not in ENCODINGS:
        raise reject_file(report, _("Unknown encoding “%(value)s”.") % {"value": encoding}, column="encoding")
    genre_obj = None
    if genre:
        genre_obj = Genre.objects.filter(code=genre).first()
        if genre_obj is None:
            raise reject_file(report, _("Unknown genre “%(value)s”.") % {"value": genre}, column="genre")
    if kind == ImportKind.HAZARD_ZONES:
        if hazard not in Hazard.values:
            raise reject_file(report, _("Choose which hazard the zones are for."), column="hazard")
        if not level_field.strip():
            raise reject_file(report, _("Name the attribute that holds the level."), column="level_field")
    data = read_upload(upload, report)
    if kind == ImportKind.HAZARD_ZONES:
        import_zones(data=data, report=report, source=report.source, options=ZoneOptions(
            hazard=hazard, level_field=level_field.strip(), label_field=label_field.strip(),
            name_field=name_field.strip(), repair=repair, replace=replace, encoding=encoding))
    elif kind == ImportKind.GAZETTEER:
        import_places(data=data, report=report, encoding=encoding)
    else:
        import_facilities(layout=layouts.LAYOUTS[kind], data=data, report=report, source=report.source,
                          genre=genre_obj, encoding=encoding)
    return report
