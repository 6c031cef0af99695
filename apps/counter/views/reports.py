"""Resident report pages: the form, the public map and list, the resident's own, the staff triage."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.counter import ratelimit_floor
from apps.counter.forms_floor import ReportForm, ReportUpdateForm, TriageFilterForm
from apps.counter.models import ReportStatus, ResidentReport
from apps.counter.permissions_floor import may_triage_reports, may_update_report
from apps.counter.selectors import reports as selectors
from apps.counter.services import reports as services


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    active = selectors.active_services()
    form = ReportForm(request.POST or None, request.FILES or None, services=active,
                      signed_in=request.user.is_authenticated)
    status = 200
    if request.method == "POST" and not ratelimit_floor.allow(request, "report"):
        form.is_valid()
        form.add_error(None, _("Too many reports from here in the last hour. Please try again later."))
        status = 429
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = data["service"]
        try:
            report = services.submit_report(
                service=service, description=data["description"], lat=data["lat"], lon=data["lon"],
                address_string=data["address_string"], attributes=form.attributes_for(service),
                photo=data["photo"], reporter=request.user, reporter_email=data.get("reporter_email", ""),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = {"long": "lon", "email": "reporter_email"}.get(field, field)
                if target.startswith("attribute["):
                    code = target[len("attribute["):-1]
                    target = f"attr__{service.code}__{code}"
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        else:
            messages.success(request, _("Thank you. Your report number is %(n)d.") % {"n": report.pk})
            return redirect("counter:report_detail", report.pk)
    return render(request, "counter/reports/form.html", {
        "form": form, "services": [(s, form.attribute_fields(s)) for s in form.services]}, status=status)


def _filters(request: HttpRequest) -> tuple[list[str], list[str]]:
    service = request.GET.get("service", "")[:40]
    status = request.GET.get("status", "")
    return ([service] if service else [], [status] if status in ReportStatus.values else [])


@require_GET
def reports_map(request: HttpRequest) -> HttpResponse:
    service_codes, statuses = _filters(request)
    reports = selectors.public_reports(service_codes=service_codes, statuses=statuses)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "counter/reports/public_map.html", {
        "page": page, "services": selectors.active_services(), "statuses": ReportStatus.choices,
        "service": service_codes[0] if service_codes else "", "status": statuses[0] if statuses else "",
        "rows": [(r, selectors.shown_description(r)) for r in page],
        "query": urlencode({k: v for k, v in (("service", service_codes[0] if service_codes else ""),
                                              ("status", statuses[0] if statuses else "")) if v})})


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.public_report(pk)
    updates = report.updates.only("status", "note", "created_at").order_by("created_at", "id")
    return render(request, "counter/reports/detail.html", {
        "report": report, "description": selectors.shown_description(report), "updates": updates})


@require_GET
def report_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo, only when staff made it public, to staff, or to the reporter."""
    report = ResidentReport.objects.filter(pk=pk).only("photo", "photo_public", "reporter_id").first()
    if report is None or not report.photo:
        raise Http404
    allowed = (report.photo_public or may_triage_reports(request.user)
               or (request.user.is_authenticated and report.reporter_id == request.user.pk))
    if not allowed:
        raise Http404
    response = FileResponse(report.photo.open("rb"))
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def reports_mine(request: HttpRequest) -> HttpResponse:
    return render(request, "counter/reports/mine.html", {"reports": selectors.my_reports(request.user)[:100]})


@require_GET
@login_required
def reports_triage(request: HttpRequest) -> HttpResponse:
    if not may_triage_reports(request.user):
        raise PermissionDenied(_("Only city staff can triage reports."))
    form = TriageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = selectors.triage_reports(
        request.user, service=filters.get("service", ""), status=filters.get("status", ""),
        department=filters["department"].pk if filters.get("department") else None)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "counter/reports/triage.html", {"form": form, "page": page, "query": query.urlencode()})


@require_http_methods(["GET", "POST"])
@login_required
def report_staff(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.triage_report(request.user, pk)
    form = ReportUpdateForm(request.POST or None, initial={
        "status": report.status, "department": report.department, "photo_public": report.photo_public,
        "public_description": report.public_description})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_report(report=report, user=request.user, status=data["status"], note=data["note"],
                                   department=data["department"], photo_public=data["photo_public"],
                                   public_description=data["public_description"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The report was updated."))
            return redirect("counter:report_staff", report.pk)
    return render(request, "counter/reports/staff_detail.html", {
        "report": report, "form": form, "may_update": may_update_report(request.user, report),
        "description": selectors.shown_description(report)})


urlpatterns = [
    path("reports/", reports_map, name="reports_map"),
    path("reports/new/", report_new, name="report_new"),
    path("reports/mine/", reports_mine, name="reports_mine"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/photo/", report_photo, name="report_photo"),
    path("staff/reports/", reports_triage, name="reports_triage"),
    path("staff/reports/<int:pk>/", report_staff, name="report_staff"),
]
