"""Reads of absence reports: a guardian's own, and a day's list for the class teacher or school staff."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.childwatch.choices import AbsenceKind
from apps.childwatch.models import AbsenceReport, School, SchoolClass
from apps.childwatch.permissions import AnyUser, staff_school_ids

RECENT_DAYS = 7


# --- who may see a day's list -------------------------------------------------------------------

def day_list_schools(user: AnyUser) -> QuerySet[School]:
    """Schools whose day list the user may open: as staff, or as teacher of one of its classes."""
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(Q(pk__in=staff_school_ids(user)) | Q(classes__teacher=user)).distinct().order_by(
        "code")


def visible_classes(user: AnyUser, school: School) -> QuerySet[SchoolClass]:
    """All the school's classes for its staff; a class teacher only their own classes."""
    classes = SchoolClass.objects.filter(school=school).order_by("-year", "grade", "name")
    if school.pk in staff_school_ids(user):
        return classes
    if not user.is_authenticated:
        return classes.none()
    return classes.filter(teacher=user)


def may_see_class_day(user: AnyUser, school_class: SchoolClass | None, *, school_id: int) -> bool:
    if school_id in staff_school_ids(user):
        return True
    return school_class is not None and user.is_authenticated and school_class.teacher_id == user.pk


# --- the day list -----------------------------------------------------------------------------

@dataclass
class ClassDay:
    school_class: SchoolClass | None
    reports: list[AbsenceReport] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return _counts(self.reports)


@dataclass
class DayList:
    date: dt.date
    groups: list[ClassDay]

    @property
    def reports(self) -> list[AbsenceReport]:
        return [report for group in self.groups for report in group.reports]

    @property
    def counts(self) -> dict[str, int]:
        return _counts(self.reports)


def _counts(reports: list[AbsenceReport]) -> dict[str, int]:
    counted = Counter(report.kind for report in reports if not report.withdrawn)
    return {kind: counted.get(kind, 0) for kind in AbsenceKind.values}


def day_reports(user: AnyUser, school: School, *, date: dt.date,
                school_class: SchoolClass | None = None) -> QuerySet[AbsenceReport]:
    """Reports of one day the user may see, class by class; withdrawn ones are kept (marked)."""
    classes = visible_classes(user, school)
    reports = AbsenceReport.objects.filter(date=date, child__school=school).select_related(
        "child__school_class", "reported_by__profile")
    if school_class is not None:
        if not classes.filter(pk=school_class.pk).exists():
            raise Http404
        reports = reports.filter(child__school_class=school_class)
    elif school.pk not in staff_school_ids(user):
        reports = reports.filter(child__school_class__in=classes)
    return reports.order_by("child__school_class__grade", "child__school_class__name", "child__name_kana",
                            "child__full_name", "kind")


def day_list(user: AnyUser, school: School, *, date: dt.date, school_class: SchoolClass | None = None) -> DayList:
    groups: dict[int | None, ClassDay] = {}
    for report in day_reports(user, school, date=date, school_class=school_class):
        key = report.child.school_class_id
        groups.setdefault(key, ClassDay(report.child.school_class)).reports.append(report)
    return DayList(date=date, groups=list(groups.values()))


def report_for_teacher(user: AnyUser, report_id: int) -> AbsenceReport:
    report = AbsenceReport.objects.select_related("child__school_class").filter(pk=report_id).first()
    if report is None or not may_see_class_day(user, report.child.school_class, school_id=report.child.school_id):
        raise Http404
    return report


# --- a guardian's own reports ---------------------------------------------------------------------

def my_reports(user: AnyUser, *, since: dt.date | None = None) -> QuerySet[AbsenceReport]:
    """Reports for the user's children (active links only), from a week ago on by default."""
    if not user.is_authenticated:
        return AbsenceReport.objects.none()
    since = since or timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    return (AbsenceReport.objects.filter(child__guardianships__guardian=user, child__guardianships__is_active=True,
                                         date__gte=since)
            .select_related("child").order_by("-date", "child__given_name", "kind").distinct())


def my_report(user: AnyUser, report_id: int) -> AbsenceReport:
    report = my_reports(user, since=dt.date.min).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report
