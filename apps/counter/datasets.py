"""Live open data of the counter: monthly counts of applications per procedure (never personal data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from civicportal.datasets import DatasetField, LiveDataset, register


def _rows() -> Iterator[dict]:
    from apps.counter.selectors.analytics import monthly_counts

    yield from monthly_counts()


def _last_modified() -> dt.datetime | None:
    from apps.counter.models import Application

    return Application.objects.aggregate(latest=Max("submitted_at"))["latest"]


register(LiveDataset(
    slug="counter-applications-monthly",
    title="窓口・電子申請の月別受付件数",
    title_en="Counter and online applications per month and procedure",
    description="手続きごと・月ごとの申請受付件数（窓口と電子申請の合計）。個人を特定する情報は含みません。",
    description_en="Applications received per procedure and month, at the counter and online together. "
                   "No personal data.",
    organisation="citizen-affairs",
    theme="administration",
    tags=("申請", "窓口", "applications"),
    update_frequency="monthly",
    fields=(
        DatasetField("month", _("Month (YYYY-MM)")),
        DatasetField("procedure_code", _("Procedure code")),
        DatasetField("procedure", _("Procedure")),
        DatasetField("applications", _("Applications"), "integer"),
    ),
    rows=_rows,
    last_modified=_last_modified,
    watch=("counter.Application",),
))
