"""Staff analytics: figures, CSS bar charts (no JavaScript) and a CSV export."""

from __future__ import annotations

import csv
import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.counter.selectors import analytics as selectors
from apps.counter.views.applications_staff import staff_only

WINDOWS = (30, 90, 365)


def _window(request: HttpRequest) -> int:
    raw = request.GET.get("days", "")
    return int(raw) if raw.isdigit() and int(raw) in WINDOWS else selectors.DEFAULT_WINDOW_DAYS


@staff_only
@require_GET
def analytics(request: HttpRequest) -> HttpResponse:
    days = _window(request)
    report = selectors.report(since=timezone.now() - dt.timedelta(days=days))
    biggest = report.max_submitted or 1
    bars = [{**row, "percent": round(100 * row["submitted"] / biggest)} for row in report.per_procedure]
    slowest = max((row.p90_hours for row in report.per_department), default=0) or 1
    department_bars = [{"row": row, "percent": round(100 * row.p90_hours / slowest)} for row in report.per_department]
    return render(request, "counter/staff/analytics.html", {
        "report": report, "bars": bars, "department_bars": department_bars, "days": days, "windows": WINDOWS})


@staff_only
@require_GET
def analytics_csv(request: HttpRequest) -> HttpResponse:
    days = _window(request)
    report = selectors.report(since=timezone.now() - dt.timedelta(days=days))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="counter-analytics-{days}d.csv"'
    response.write("\ufeff")  # Excel in Japan opens UTF-8 correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(["section", "name", "department", "count", "median_hours", "p90_hours", "online", "completed"])
    for row in report.per_procedure:
        writer.writerow(["procedure", row["procedure"], "", row["submitted"], "", "", row["online"], row["completed"]])
    for row in report.per_step:
        writer.writerow(["step", row.label, row.department, row.count, row.median_hours, row.p90_hours, "", ""])
    for row in report.per_department:
        writer.writerow(["department", row.label, row.department, row.count, row.median_hours, row.p90_hours, "", ""])
    for row in report.overdue:
        writer.writerow(["overdue", "", row["department"], row["count"], "", "", "", ""])
    for item in report.overdue_items:
        writer.writerow(["overdue_item", f'{item["receipt_number"]} {item["procedure"]}: {item["step"]}',
                         item["department"], 1, "", "", "", ""])
    for row in report.returns:
        writer.writerow(["returns", row["procedure"], row["department"], row["count"], "", "", "", ""])
    for name, count in report.exceptions.items():
        writer.writerow(["exception", name, "", count, "", "", "", ""])
    return response


urlpatterns = [
    path("staff/analytics/", analytics, name="analytics"),
    path("staff/analytics.csv", analytics_csv, name="analytics_csv"),
]
