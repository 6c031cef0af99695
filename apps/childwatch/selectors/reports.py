"""Reads of suspicious-person reports, for the people who may enter them."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of
from apps.childwatch.models import School, SuspiciousPersonReport
from apps.childwatch.permissions import AnyUser, staff_school_ids


def reporting_schools(user: AnyUser) -> QuerySet[School]:
    """Schools the user may report for: their own (staff), liaison schools, or all (city staff)."""
    if not user.is_authenticated:
        return School.objects.none()
    if roles_of(user) & CITY_STAFF_ROLES:
        return School.objects.select_related("school_district").order_by("name")
    ids = staff_school_ids(user) | set(user.liaison_schools.values_list("pk", flat=True))
    return School.objects.filter(pk__in=ids).select_related("school_district").order_by("name")


def reports_for(user: AnyUser) -> QuerySet[SuspiciousPersonReport]:
    return (SuspiciousPersonReport.objects.filter(school__in=reporting_schools(user))
            .select_related("school", "reported_by").prefetch_related("school_districts")
            .order_by("-occurred_at"))
