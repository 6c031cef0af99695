"""Reads of resident reports: public ones carry no reporter; staff ones are audited when they do."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.services import audit
from apps.counter.anonymise import mask_contacts
from apps.counter.models import ReportService, ReportStatus, ResidentReport
from apps.counter.permissions_floor import AnyUser, may_triage_reports

# The columns a public page, dataset or Open311 answer may read; never reporter*.
PUBLIC_FIELDS = ("id", "service_id", "department_id", "status", "description", "public_description",
                 "status_notes", "location", "address_string", "photo", "photo_public", "media_url",
                 "requested_at", "updated_at", "expected_at")


def active_services() -> QuerySet[ReportService]:
    return (ReportService.objects.filter(is_active=True).select_related("department")
            .prefetch_related("attributes").order_by("group", "code"))


def public_reports(*, service_codes: list[str] | None = None, statuses: list[str] | None = None,
                   start: dt.datetime | None = None, end: dt.datetime | None = None) -> QuerySet[ResidentReport]:
    reports = (ResidentReport.objects.only(*PUBLIC_FIELDS, "service__code", "service__name", "service__name_en",
                                           "service__service_notice",
                                           "department__name", "department__name_en")
               .select_related("service", "department").order_by("-requested_at", "-id"))
    if service_codes:
        reports = reports.filter(service__code__in=service_codes)
    if statuses:
        reports = reports.filter(status__in=statuses)
    if start:
        reports = reports.filter(requested_at__gte=start)
    if end:
        reports = reports.filter(requested_at__lte=end)
    return reports


def public_report(pk: int) -> ResidentReport:
    try:
        return public_reports().get(pk=pk)
    except ResidentReport.DoesNotExist:
        raise Http404 from None


def my_reports(user: AnyUser) -> QuerySet[ResidentReport]:
    if not user.is_authenticated:
        return ResidentReport.objects.none()
    return ResidentReport.objects.filter(reporter=user).select_related("service").order_by("-requested_at")


def triage_reports(user: AnyUser, *, service: str = "", status: str = "",
                   department: int | None = None) -> QuerySet[ResidentReport]:
    """Staff's list and map: no reporter columns (the detail page shows them, audited)."""
    if not may_triage_reports(user):
        return ResidentReport.objects.none()
    reports = public_reports()
    if service:
        reports = reports.filter(service__code=service)
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    if department:
        reports = reports.filter(department_id=department)
    return reports


def triage_report(user: AnyUser, pk: int) -> ResidentReport:
    if not may_triage_reports(user):
        raise Http404
    try:
        report = (ResidentReport.objects.select_related("service", "department", "reporter")
                  .prefetch_related("updates").get(pk=pk))
    except ResidentReport.DoesNotExist:
        raise Http404 from None
    audit(user=user, action="counter.report.view", obj=report)
    return report


def shown_description(report: ResidentReport) -> str:
    return report.public_description or mask_contacts(report.description)
