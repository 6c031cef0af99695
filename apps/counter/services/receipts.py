"""Receipt numbers like R-2026-000123: unique per prefix and year, safe under concurrency.

The counter row is bumped with one UPDATE, which holds its row lock until the caller's
transaction ends; drawing the number last keeps that lock short. A number drawn in a
transaction that rolls back is given again, and nothing relies on numbers having no gaps.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.counter.models import ReceiptCounter


def next_number(prefix: str, *, now: dt.datetime | None = None) -> str:
    year = timezone.localtime(now or timezone.now()).year
    with transaction.atomic():
        ReceiptCounter.objects.get_or_create(prefix=prefix, year=year)
        ReceiptCounter.objects.filter(prefix=prefix, year=year).update(last=F("last") + 1)
        last = ReceiptCounter.objects.values_list("last", flat=True).get(prefix=prefix, year=year)
    return f"{prefix}-{year}-{last:06d}"
