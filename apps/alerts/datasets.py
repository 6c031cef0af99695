"""Open data: every alert the city issued (actual alerts only), with its area."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from apps.alerts.selectors import public_alerts
from civicportal.datasets import DatasetField, LiveDataset, register


def _rows() -> Iterator[dict]:
    for alert in public_alerts().exclude(sent=None).order_by("sent", "id").iterator(chunk_size=200):
        yield {
            "identifier": alert.identifier, "sender": alert.sender, "sent": alert.sent, "msg_type": alert.msg_type,
            "event": alert.event_type.name, "evacuation_level": alert.evacuation_level, "headline": alert.headline,
            "area": alert.area_desc, "expires": alert.expires, "state": alert.state,
            "geometry": json.loads(alert.area.geojson),
        }


def _last_modified() -> dt.datetime | None:
    return public_alerts().aggregate(last=Max("updated_at"))["last"]


register(LiveDataset(
    slug="emergency-alerts",
    title="緊急情報（避難情報・警報）の発表履歴",
    title_en="Emergency alerts issued (evacuation information and warnings)",
    description="市が発表した緊急情報の一覧。CAPの識別子、警戒レベル、対象区域を含みます。",
    description_en="Every emergency alert the city issued, with its CAP identifier, evacuation level and area.",
    organisation="crisis-management",
    theme="disaster",
    tags=("CAP", "避難情報", "警戒レベル"),
    spatial=True,
    fields=(
        DatasetField("identifier", _("CAP identifier")), DatasetField("sender", _("CAP sender")),
        DatasetField("sent", _("Sent"), "datetime"), DatasetField("msg_type", _("Message type")),
        DatasetField("event", _("Event")), DatasetField("evacuation_level", _("Evacuation level"), "integer"),
        DatasetField("headline", _("Headline")), DatasetField("area", _("Area")),
        DatasetField("expires", _("Expires"), "datetime"), DatasetField("state", _("State")),
    ),
    rows=_rows,
    last_modified=_last_modified,
    watch=("alerts.Alert",),
))
