"""Neighbourhood associations' public directory entry as a live open dataset.

Only what the association shows anyone on its public page: name, description, area and the
districts it covers. Members, officers and their addresses never leave the app.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from apps.neighbourhood.models import Association
from civicportal.datasets import DatasetField, LiveDataset, register

FIELDS = (
    DatasetField("slug", _("ID")),
    DatasetField("name", _("name")),
    DatasetField("name_en", _("name (English)")),
    DatasetField("description", _("about the association")),
    DatasetField("district_codes", _("district codes (separated by ;)")),
    DatasetField("district_names", _("districts (separated by ;)")),
    DatasetField("created_at", _("registered on the portal"), "datetime"),
)


def _rows() -> Iterator[dict]:
    rows = (Association.objects.filter(listed=True).order_by("slug")
            .values("id", "slug", "name", "name_en", "description", "created_at", area_json=AsGeoJSON("area"))
            .iterator(chunk_size=500))
    for row in rows:
        # One small query per association: directories hold hundreds, not millions.
        districts = list(Association.districts.through.objects.filter(association_id=row.pop("id"))
                         .order_by("district__code").values_list("district__code", "district__name"))
        area = row.pop("area_json")
        row["district_codes"] = ";".join(code for code, _name in districts)
        row["district_names"] = ";".join(name for _code, name in districts)
        row["geometry"] = json.loads(area) if area else None
        yield row


def _modified() -> dt.datetime | None:
    return Association.objects.filter(listed=True).aggregate(latest=Max("created_at"))["latest"]


register(LiveDataset(
    slug="neighbourhood-associations",
    title="町内会・自治会一覧",
    title_en="Neighbourhood associations",
    description="ポータルに登録している町内会・自治会の名称、紹介文、区域と地区。会員の情報は含みません。",
    description_en="The neighbourhood associations on the portal: name, description, area and districts. "
                   "No member information.",
    organisation="citizen-affairs", theme="community", tags=("町内会", "自治会", "community"), spatial=True,
    fields=FIELDS, rows=_rows, last_modified=_modified,
    watch=("neighbourhood.Association",),
))
