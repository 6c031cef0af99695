"""The live open dataset of resident reports still open: what, where and since when; never who.

Imported from CounterConfig._ready_floor (the app's own datasets.py belongs to the other half of
the counter); the lead may move the import there at merge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from civicportal.datasets import DatasetField, LiveDataset, register

OPEN_STATES = ("open", "acknowledged", "in_progress")


def _reports():
    from apps.counter.models import ResidentReport

    return ResidentReport.objects.filter(status__in=OPEN_STATES)


def _rows() -> Iterator[dict]:
    from apps.counter.anonymise import mask_contacts

    columns = ("id", "service__code", "service__name", "status", "requested_at", "location", "public_description",
               "description", "address_string")
    for row in _reports().order_by("id").values(*columns).iterator(chunk_size=2000):
        point = row["location"]
        yield {
            "id": row["id"],
            "service_code": row["service__code"],
            "service_name": row["service__name"],
            "status": row["status"],
            "requested_date": row["requested_at"].date().isoformat(),
            "lat": round(point.y, 6) if point else None,
            "lon": round(point.x, 6) if point else None,
            "place": row["address_string"],
            "description": row["public_description"] or mask_contacts(row["description"]),
            "geometry": {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]} if point else None,
        }


def _last_modified() -> dt.datetime | None:
    from apps.counter.models import ResidentReport

    return ResidentReport.objects.aggregate(last=Max("updated_at"))["last"]


register(LiveDataset(
    slug="open-resident-reports",
    title="対応中の通報一覧（道路・公園・河川・街灯・不法投棄）",
    title_en="Open resident reports",
    description="住民から通報があり、市の対応が終わっていない不具合の一覧。種類、状態、通報日、場所、公開用の説明を含みます。"
                "通報者の情報は含みません。",
    description_en="Problems residents reported that the city has not closed yet. The reporter is never included.",
    organisation="citizen-affairs",
    fields=(
        DatasetField("id", _("report number"), "integer"),
        DatasetField("service_code", _("service code")),
        DatasetField("service_name", _("service")),
        DatasetField("status", _("status")),
        DatasetField("requested_date", _("reported on"), "date"),
        DatasetField("lat", _("latitude"), "number"),
        DatasetField("lon", _("longitude"), "number"),
        DatasetField("place", _("place")),
        DatasetField("description", _("description")),
    ),
    rows=_rows,
    last_modified=_last_modified,
    theme="administration",
    tags=("open311", "reports", "roads", "parks"),
    spatial=True,
    watch=("counter.ResidentReport", "counter.ReportService"),
))
