"""Absence, lateness and early-leave reports (欠席連絡): the guardian's report and the teacher's "seen".

One report per child, day and kind: reporting again changes the first report (and the teacher
sees it afresh). A report can be withdrawn until its day is over.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.childwatch.choices import AbsenceKind, AbsenceReason
from apps.childwatch.models import AbsenceReport, Child
from apps.childwatch.permissions import is_guardian_of
from apps.childwatch.selectors.absences import may_see_class_day

MAX_DAYS_AHEAD = 30
NOTE_LIMIT = 300
KINDS_WITH_TIME = frozenset({AbsenceKind.LATE, AbsenceKind.EARLY_LEAVE})


def check_date(day: dt.date, *, today: dt.date | None = None) -> None:
    """Today, or a school day (Monday to Friday) at most 30 days ahead."""
    today = today or timezone.localdate()
    if day < today:
        raise ValidationError({"date": _("The date is in the past. Report for today or a later school day.")})
    if day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"date": _("Report at most %(n)d days ahead.") % {"n": MAX_DAYS_AHEAD}})
    if day > today and day.weekday() >= 5:
        raise ValidationError({"date": _("That day is a Saturday or Sunday; choose a school day.")})


@transaction.atomic
def report_absence(*, by: User, child: Child, date: dt.date, kind: str, reason: str,
                   expected_time: dt.time | None = None, note: str = "") -> AbsenceReport:
    if not is_guardian_of(by, child) or not child.is_active:
        raise PermissionDenied(_("You can report only for your own children."))
    errors: dict[str, str] = {}
    if kind not in AbsenceKind.values:
        errors["kind"] = _("Choose absent, late or leaving early.")
    if reason not in AbsenceReason.values:
        errors["reason"] = _("Choose a reason from the list.")
    if kind in KINDS_WITH_TIME and expected_time is None:
        errors["expected_time"] = (_("Give the time your child will arrive.") if kind == AbsenceKind.LATE
                                   else _("Give the time your child will leave."))
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("Use at most %(n)d characters.") % {"n": NOTE_LIMIT}
    try:
        check_date(date)
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    if kind == AbsenceKind.ABSENT:
        expected_time = None  # a whole-day absence has no time
    report = AbsenceReport.objects.select_for_update().filter(child=child, date=date, kind=kind).order_by("pk").first()
    changed = report is not None
    if report is None:
        report = AbsenceReport(child=child, date=date, kind=kind)
    report.reason, report.expected_time, report.note = reason, expected_time, note
    report.reported_by, report.withdrawn, report.seen_by_teacher_at = by, False, None
    report.save()
    if changed:
        # auto_now_add keeps the first time; the teacher needs the time of the latest change.
        AbsenceReport.objects.filter(pk=report.pk).update(reported_at=timezone.now())
        report.refresh_from_db(fields=["reported_at"])
    return report


def withdraw_report(*, by: User, report: AbsenceReport) -> AbsenceReport:
    if not is_guardian_of(by, report.child):
        raise PermissionDenied
    if report.date < timezone.localdate():
        raise ValidationError({"date": _("This day is over; the report can no longer be withdrawn.")})
    if not report.withdrawn:
        report.withdrawn = True
        report.save(update_fields=["withdrawn"])
    return report


def mark_seen(*, by: User, report: AbsenceReport) -> AbsenceReport:
    """The class teacher (or the school's staff) has read the report."""
    if not may_see_class_day(by, report.child.school_class, school_id=report.child.school_id):
        raise PermissionDenied
    if report.seen_by_teacher_at is None:
        report.seen_by_teacher_at = timezone.now()
        report.save(update_fields=["seen_by_teacher_at"])
    return report
