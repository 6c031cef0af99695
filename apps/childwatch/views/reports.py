"""Suspicious-person report pages: the list and the form, for staff, police liaisons and city staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.childwatch.forms_reports import SuspiciousPersonReportForm
from apps.childwatch.selectors import reports as selectors
from apps.childwatch.services import reports as services


def _schools_or_403(request: HttpRequest):
    schools = selectors.reporting_schools(request.user)
    if not schools.exists():
        raise PermissionDenied(_("Only school staff, police liaisons and city staff can report suspicious persons."))
    return schools


@require_GET
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _schools_or_403(request)
    return render(request, "childwatch/reports/list.html", {"reports": selectors.reports_for(request.user)[:100]})


@require_http_methods(["GET", "POST"])
@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    schools = _schools_or_403(request)
    form = SuspiciousPersonReportForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_suspicious_person(
                user=request.user, school=data["school"], category=data["category"],
                occurred_at=data["occurred_at"], lat=data["lat"], lon=data["lon"],
                place_description=data["place_description"], description=data["description"],
                suspect_description=data["suspect_description"],
                school_districts=list(data["school_districts"]) or None,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = "lat" if field == "location" else field
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        else:
            messages.success(request, _("The report was saved, put on the safety map and sent to guardians."))
            return redirect("childwatch:report_list")
    return render(request, "childwatch/reports/form.html", {"form": form})


urlpatterns = [
    path("staff/reports/", report_list, name="report_list"),
    path("staff/reports/new/", report_new, name="report_new"),
]
