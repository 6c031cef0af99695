"""Delivery statistics of the city's notifications as a live open dataset.

Counts only, per day (Japan time), category and channel: never a recipient, a message text or
an address. Residents' own messages are not sent through here, so the counts describe the
city's, associations' and schools' announcements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import DONE_STATUSES, DeliveryStatus
from apps.notifications.models import Delivery, Message
from civicportal.datasets import DatasetField, LiveDataset, register

TOKYO = ZoneInfo("Asia/Tokyo")

FIELDS = (
    DatasetField("date", _("date (Japan time)"), "date"),
    DatasetField("category", _("category")),
    DatasetField("channel", _("channel")),
    DatasetField("messages", _("messages"), "integer"),
    DatasetField("deliveries", _("deliveries"), "integer"),
    DatasetField("delivered", _("sent or delivered"), "integer"),
    DatasetField("read", _("read"), "integer"),
    DatasetField("failed", _("failed"), "integer"),
)


def _rows() -> Iterator[dict]:
    return (Delivery.objects
            .annotate(date=TruncDate("queued_at", tzinfo=TOKYO), category=F("message__category"))
            .values("date", "category", "channel")
            .annotate(
                messages=Count("message_id", distinct=True),
                deliveries=Count("id"),
                delivered=Count("id", filter=Q(status__in=DONE_STATUSES)),
                read=Count("id", filter=Q(status=DeliveryStatus.READ)),
                failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
            )
            .order_by("date", "category", "channel")
            .iterator(chunk_size=2000))


def _modified() -> dt.datetime | None:
    """The last broadcast's start or end, or the start of this hour while deliveries exist.

    The delivery table is large and its times are not indexed, so it is not scanned for every
    catalogue answer; reads keep moving the counts, so the stamp (and a download's ETag) moves
    at least hourly: a cached copy is never more than an hour behind.
    """
    if not Delivery.objects.exists():
        return None
    latest = Message.objects.aggregate(created=Max("created_at"), finished=Max("fanout_finished_at"))
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    return max([stamp for stamp in latest.values() if stamp] + [hour])


register(LiveDataset(
    slug="notification-statistics",
    title="お知らせ配信統計（日別・分野別・経路別）",
    title_en="Notification delivery statistics (per day, category and channel)",
    description="市・町内会・学校が送ったお知らせの配信件数を、日、分野、配信経路（受信箱・メール・LINE・ブラウザ通知・SMS）ごとに集計したもの。個人の情報は含みません。",
    description_en="How many notifications the city, associations and schools sent, per day, category and "
                   "channel (inbox, email, LINE, browser, SMS). Counts only; nothing about any person.",
    organisation="citizen-affairs", theme="administration", tags=("お知らせ", "統計", "statistics"),
    update_frequency="daily", fields=FIELDS, rows=_rows, last_modified=_modified,
    watch=("notifications.Message",),
))
