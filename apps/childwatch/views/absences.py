"""Absence and lateness reports (欠席連絡): the guardian's form and the teacher's list for a day."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.childwatch.choices import AbsenceKind
from apps.childwatch.forms_people import AbsenceForm, SchoolChoiceForm
from apps.childwatch.selectors import absences as selectors
from apps.childwatch.selectors.people import my_children
from apps.childwatch.services import absences as services
from apps.childwatch.views.staff import chosen_school, form_errors, private


@require_http_methods(["GET", "POST"])
@private
def absence_new(request: HttpRequest) -> HttpResponse:
    children = my_children(request.user)
    if not children.exists():
        return redirect("childwatch:guardian_home")
    if request.method == "POST":
        form = AbsenceForm(request.POST, children=children)
    else:
        child = request.GET.get("child")
        form = AbsenceForm(children=children, initial={
            "child": child if child and child.isdigit() else None, "date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_absence(by=request.user, **data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Thank you. The report for %(name)s on %(date)s was sent to the school.") % {
                "name": report.child.given_name, "date": report.date.isoformat()})
            return redirect("childwatch:guardian_home")
    return render(request, "childwatch/absences/form.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@private
def absence_withdraw(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.my_report(request.user, report_id)
    try:
        services.withdraw_report(by=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report was withdrawn."))
    return redirect("childwatch:guardian_home")


def _day(request: HttpRequest) -> dt.date:
    raw = request.GET.get("date")
    if not raw:
        return timezone.localdate()
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        messages.error(request, _("Date: use the form YYYY-MM-DD. Showing today instead."))
        return timezone.localdate()
    return day


@require_GET
@private
def absence_day(request: HttpRequest) -> HttpResponse:
    """The day's reports, class by class, for the class teacher and the school's staff; prints cleanly."""
    schools = selectors.day_list_schools(request.user)
    if not schools.exists():
        raise PermissionDenied(_("Only class teachers and school staff can see the absence list."))
    school = chosen_school(request, schools)
    if school is None:
        return render(request, "childwatch/people/pick_school.html", {
            "form": SchoolChoiceForm(schools=schools), "action": reverse("childwatch:absence_day")})
    classes = selectors.visible_classes(request.user, school)
    school_class = None
    raw_class = request.GET.get("class")
    if raw_class:
        school_class = classes.filter(pk=int(raw_class)).first() if raw_class.isdigit() else None
        if school_class is None:
            raise Http404
    day = _day(request)
    listing = selectors.day_list(request.user, school, date=day, school_class=school_class)
    return render(request, "childwatch/absences/day.html", {
        "school": school, "classes": classes, "school_class": school_class, "day": day, "listing": listing,
        "kinds": AbsenceKind.choices, "counts": [(label, listing.counts[value]) for value, label in
                                                  AbsenceKind.choices],
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
        "today": timezone.localdate(),
    })


@require_POST
@private
def absence_seen(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for_teacher(request.user, report_id)
    services.mark_seen(by=request.user, report=report)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"{reverse('childwatch:absence_day')}?school={report.child.school_id}&date={report.date.isoformat()}"
    return redirect(back)


urlpatterns = [
    path("absences/new/", absence_new, name="absence_new"),
    path("absences/<int:report_id>/withdraw/", absence_withdraw, name="absence_withdraw"),
    path("staff/absences/", absence_day, name="absence_day"),
    path("staff/absences/<int:report_id>/seen/", absence_seen, name="absence_seen"),
]
