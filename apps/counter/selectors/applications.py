"""Reads of applications, scoped to who asks: the applicant, or clerks of a department on its route."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import profile_of
from apps.accounts.services import audit
from apps.counter.choices_procedures import OPEN_STEP_STATUSES, ProfileSource
from apps.counter.models import Application, ApplicationEvent, ApplicationStep, Procedure
from apps.counter.permissions_applications import is_system_admin, staff_department_ids

EARLIER_APPLICATIONS_READ = 20
QUEUE_PAGE = 50


def may_handle(user: User, application: Application) -> bool:
    """Clerks of a department on the application's route (or a system admin)."""
    if not user.is_authenticated:
        return False
    if is_system_admin(user):
        return True
    departments = staff_department_ids(user)
    return bool(departments) and application.steps.filter(department_id__in=departments).exists()


def my_applications(user: User) -> QuerySet[Application]:
    return (Application.objects.filter(applicant=user).select_related("procedure")
            .order_by("-submitted_at", "-id"))


def own_application(user: User, application_id: int) -> Application:
    """The applicant's own application; anyone else gets 404 (no hint that it exists)."""
    application = (Application.objects.select_related("procedure__department")
                   .filter(pk=application_id, applicant_id=user.id).first())
    if application is None:
        raise Http404
    return application


def staff_application(user: User, application_id: int) -> Application:
    """An application a clerk handles; the read of its personal data is written to the audit log."""
    application = (Application.objects.select_related("procedure__department", "applicant")
                   .filter(pk=application_id).first())
    if application is None or not may_handle(user, application):
        raise Http404
    audit(user=user, action="counter.view_application", obj=application, detail=application.receipt_number)
    return application


def timeline(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("department", "step").order_by("at", "id")


def steps_of(application: Application) -> QuerySet[ApplicationStep]:
    return application.steps.select_related("department").order_by("order")


def prefill_for(user: User, procedure: Procedure) -> dict[str, Any]:
    """Once only: answers from the profile, then from the resident's latest earlier applications."""
    profile = profile_of(user)
    from_profile = {
        ProfileSource.FULL_NAME: " ".join(p for p in (user.last_name, user.first_name) if p) or profile.display_name,
        ProfileSource.DISPLAY_NAME: profile.display_name,
        ProfileSource.EMAIL: user.email,
        ProfileSource.DISTRICT: profile.district.name if profile.district else "",
    }
    fields = list(procedure.fields.all())
    values: dict[str, Any] = {}
    for field in fields:
        if field.profile_source and from_profile.get(field.profile_source):
            values[field.key] = from_profile[field.profile_source]
    wanted = {f.key for f in fields} - set(values)
    if wanted:
        for answers in (Application.objects.filter(applicant=user).order_by("-submitted_at", "-id")
                        .values_list("answers", flat=True)[:EARLIER_APPLICATIONS_READ]):
            for key in list(wanted):
                if key in answers and answers[key] not in ("", None):
                    values[key] = answers[key]
                    wanted.discard(key)
            if not wanted:
                break
    return values


# --- work queues --------------------------------------------------------------------------

def encode_cursor(step: ApplicationStep) -> str:
    raw = f"{step.queued_at.isoformat()}|{step.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, pk = raw.split("|")
        parsed = parse_datetime(when)
        if parsed is None:
            raise ValueError
        return parsed, int(pk)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"after": _("This page link is not valid; start from the first page.")}) from None


def queue_departments(user: User) -> list[int]:
    return sorted(staff_department_ids(user))


def work_queue(*, user: User, department_id: int, after: str = "", limit: int = QUEUE_PAGE,
               mine: bool = False) -> tuple[list[ApplicationStep], str]:
    """One page of a department's open steps, oldest first; keyset paging, never a count.

    Each page is one index range read of `counter_queue_idx`, however deep it is.
    """
    if not (is_system_admin(user) or department_id in staff_department_ids(user)):
        raise Http404
    steps = (ApplicationStep.objects.filter(department_id=department_id, status__in=OPEN_STEP_STATUSES)
             .select_related("application__procedure").order_by("queued_at", "id"))
    if mine:
        steps = steps.filter(claimed_by=user)
    if after:
        when, pk = decode_cursor(after)
        # The >= gives the index range its start; the OR only breaks ties within one instant.
        steps = steps.filter(queued_at__gte=when).filter(Q(queued_at__gt=when) | Q(id__gt=pk))
    page = list(steps[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return page, (encode_cursor(page[-1]) if more and page else "")
