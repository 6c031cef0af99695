"""The city's own gazetteer: postal codes and place names with a representative point.

Columns (Japanese or English headings): 郵便番号/postal_code, 名称/地名/place/name,
緯度/latitude/lat, 経度/longitude/lon. A row needs a postal code or a name; the pair
(postal code, name) is the key, so loading the list again moves points instead of adding.
"""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.translation import gettext as _

from apps.disastermap.models import Place
from apps.disastermap.services.importers.base import (
    ImportRejected,
    ImportReport,
    decode_text,
    parse_coordinate,
    parse_postal_code,
    read_csv,
)
from apps.disastermap.services.importers.facilities import RowReader

ALIASES = {
    "郵便番号": "郵便番号", "postal_code": "郵便番号", "postcode": "郵便番号", "zip": "郵便番号",
    "名称": "名称", "地名": "名称", "町名": "名称", "name": "名称", "place": "名称",
    "緯度": "緯度", "latitude": "緯度", "lat": "緯度",
    "経度": "経度", "longitude": "経度", "lon": "経度", "lng": "経度",
}
COLUMNS = ["郵便番号", "名称", "緯度", "経度"]


def import_places(*, data: bytes, report: ImportReport, encoding: str = "auto") -> None:
    header, rows = read_csv(decode_text(data, report, encoding=encoding), report)
    canonical: dict[str, str] = {}
    for name in header:
        if name.lower() in ALIASES:
            canonical.setdefault(ALIASES[name.lower()], name)
    missing = [column for column in ("緯度", "経度") if column not in canonical]
    if "郵便番号" not in canonical and "名称" not in canonical:
        missing.append("郵便番号 / 名称")
    if missing:
        for column in missing:
            report.add_error(None, column, _("The file has no column “%(column)s”.") % {"column": column})
        raise ImportRejected(report, field_name="file")

    report.rows = len(rows)
    prepared: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for number, raw_row in rows:
        reader = RowReader(number, {c: raw_row.get(o, "") for c, o in canonical.items()}, report)
        postal_code = reader.cell("郵便番号", parse_postal_code) or ""
        name = reader.text("名称", 120)
        lat = reader.cell("緯度", parse_coordinate, low=-90, high=90)
        lon = reader.cell("経度", parse_coordinate, low=-180, high=180)
        if not postal_code and not name and not reader.failed:
            reader.error("郵便番号", _("A row needs a postal code or a place name."))
        if (postal_code, name) in prepared and not reader.failed:
            reader.error("名称", _("The same postal code and name are also in row %(row)d.") % {
                "row": prepared[(postal_code, name)][0]})
        if not reader.failed:
            prepared[(postal_code, name)] = (number, {"location": Point(lon, lat, srid=4326)})
    if not report.ok:
        raise ImportRejected(report)
    with transaction.atomic():
        for (postal_code, name), (_number, fields) in prepared.items():
            place = Place.objects.filter(postal_code=postal_code, name=name).first()
            if place is None:
                Place.objects.create(postal_code=postal_code, name=name, **fields)
                report.created += 1
            elif place.location != fields["location"]:
                place.location = fields["location"]
                place.save(update_fields=["location"])
                report.updated += 1
            else:
                report.unchanged += 1
