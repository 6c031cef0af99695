"""Staff analytics: counts, processing times per step and department, overdue items, returns.

Aggregates only: no applicant is named. Times are computed from finished steps in a window
(default 90 days) so the work does not grow with the whole history.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from apps.counter.choices_procedures import OPEN_STEP_STATUSES, ApplicationStatus, EventKind, StepStatus
from apps.counter.models import Application, ApplicationEvent, ApplicationStep

DEFAULT_WINDOW_DAYS = 90
STALE_DAYS = 7
OVERDUE_LISTED = 50


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def median(sorted_values: list[float]) -> float:
    n = len(sorted_values)
    if not n:
        return 0.0
    middle = n // 2
    return sorted_values[middle] if n % 2 else (sorted_values[middle - 1] + sorted_values[middle]) / 2


@dataclass
class TimeRow:
    label: str
    department: str
    count: int
    median_hours: float
    p90_hours: float


@dataclass
class Report:
    since: dt.datetime
    until: dt.datetime
    per_procedure: list[dict] = field(default_factory=list)
    per_step: list[TimeRow] = field(default_factory=list)
    per_department: list[TimeRow] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    overdue_total: int = 0
    overdue_items: list[dict] = field(default_factory=list)
    returns: list[dict] = field(default_factory=list)
    exceptions: dict[str, int] = field(default_factory=dict)

    @property
    def max_submitted(self) -> int:
        return max((row["submitted"] for row in self.per_procedure), default=0)


def _hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def _time_rows(groups: dict[tuple[str, str], list[float]]) -> list[TimeRow]:
    rows = []
    for (label, department), values in sorted(groups.items()):
        values.sort()
        rows.append(TimeRow(label, department, len(values), round(median(values), 2), round(percentile(values, 90), 2)))
    return rows


def report(*, since: dt.datetime | None = None, until: dt.datetime | None = None) -> Report:
    until = until or timezone.now()
    since = since or until - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    result = Report(since=since, until=until)

    submitted = (Application.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
                 .values("procedure__name").annotate(
                     submitted=Count("id"),
                     online=Count("id", filter=Q(channel="online")),
                     completed=Count("id", filter=Q(status=ApplicationStatus.COMPLETED)))
                 .order_by("-submitted", "procedure__name"))
    result.per_procedure = [{"procedure": row["procedure__name"], "submitted": row["submitted"],
                             "online": row["online"], "completed": row["completed"]} for row in submitted]

    per_step: dict[tuple[str, str], list[float]] = defaultdict(list)
    per_department: dict[tuple[str, str], list[float]] = defaultdict(list)
    done = (ApplicationStep.objects.filter(status=StepStatus.DONE, completed_at__gte=since, completed_at__lt=until,
                                           queued_at__isnull=False)
            .values_list("application__procedure__name", "order", "name", "department__name", "queued_at",
                         "completed_at"))
    for procedure, order, name, department, queued_at, completed_at in done.iterator(chunk_size=2000):
        hours = _hours(completed_at - queued_at)
        per_step[(f"{procedure} #{order} {name}", department)].append(hours)
        per_department[(department, department)].append(hours)
    result.per_step = _time_rows(per_step)
    result.per_department = _time_rows(per_department)

    now = timezone.now()
    overdue = ApplicationStep.objects.filter(status__in=OPEN_STEP_STATUSES, due_at__lt=now)
    by_department = overdue.values("department__name").annotate(n=Count("id")).order_by("-n")
    result.overdue = [{"department": row["department__name"], "count": row["n"]} for row in by_department]
    result.overdue_total = sum(row["count"] for row in result.overdue)
    result.overdue_items = [
        {"receipt_number": row["application__receipt_number"], "application_id": row["application_id"],
         "procedure": row["application__procedure__name"], "step": row["name"], "department": row["department__name"],
         "due_at": row["due_at"], "status": row["status"]}
        for row in overdue.order_by("due_at", "id").values(
            "application_id", "application__receipt_number", "application__procedure__name", "name",
            "department__name", "due_at", "status")[:OVERDUE_LISTED]]

    returns = (ApplicationEvent.objects.filter(kind=EventKind.RETURNED, at__gte=since, at__lt=until)
               .values("application__procedure__name", "department__name").annotate(n=Count("id"))
               .order_by("-n"))
    result.returns = [{"procedure": row["application__procedure__name"], "department": row["department__name"],
                       "count": row["n"]} for row in returns]

    stale = now - dt.timedelta(days=STALE_DAYS)
    result.exceptions = {
        "unpaid_over_7_days": Application.objects.filter(status=ApplicationStatus.AWAITING_PAYMENT,
                                                         submitted_at__lt=stale).count(),
        "returned_waiting_over_7_days": Application.objects.filter(status=ApplicationStatus.RETURNED,
                                                                   updated_at__lt=stale).count(),
        "returned_more_than_once": ApplicationStep.objects.filter(return_count__gt=1).count(),
        "overdue_steps": result.overdue_total,
        "claimed_but_idle_over_7_days": ApplicationStep.objects.filter(
            status=StepStatus.CLAIMED, claimed_at__lt=stale).count(),
    }
    return result


def monthly_counts() -> Iterator[dict]:
    """Applications per procedure and month (for the open dataset and the chart); no personal data."""
    from django.db.models.functions import TruncMonth

    rows = (Application.objects.annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone()))
            .values("month", "procedure__slug", "procedure__name").annotate(n=Count("id"))
            .order_by("month", "procedure__slug"))
    for row in rows.iterator():
        yield {"month": row["month"].strftime("%Y-%m"), "procedure_code": row["procedure__slug"],
               "procedure": row["procedure__name"], "applications": row["n"]}


__all__ = ["Report", "TimeRow", "median", "monthly_counts", "percentile", "report"]
