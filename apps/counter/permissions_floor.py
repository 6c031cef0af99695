"""Who may do what on the counter floor, with inquiries and with resident reports.

City staff act for their department (their `city_staff` RoleGrant names it); a system
administrator acts for every department.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import RoleGrant, User
from apps.accounts.roles import CITY_STAFF_ROLES, Role
from apps.accounts.selectors import roles_of

AnyUser = User | AnonymousUser
APPROVE_PERMISSION = "counter.approve_inquiry_answer"
_DEPARTMENTS_ATTR = "_counter_department_ids"


def is_city_staff(user: AnyUser) -> bool:
    return bool(roles_of(user) & CITY_STAFF_ROLES)


def is_system_admin(user: AnyUser) -> bool:
    return Role.SYSTEM_ADMIN in roles_of(user)


def department_ids(user: AnyUser) -> set[int] | None:
    """The departments a staff member acts for; None means every department (system admin)."""
    if not user.is_authenticated:
        return set()
    if is_system_admin(user):
        return None
    cached = getattr(user, _DEPARTMENTS_ATTR, None)
    if cached is None:
        cached = set() if not is_city_staff(user) else set(
            RoleGrant.objects.filter(user=user, role=Role.CITY_STAFF, department__isnull=False)
            .values_list("department_id", flat=True))
        setattr(user, _DEPARTMENTS_ATTR, cached)
    return cached


def acts_for(user: AnyUser, department_id: int) -> bool:
    ids = department_ids(user)
    return ids is None or department_id in ids


def may_work_queue(user: AnyUser, queue) -> bool:
    return is_city_staff(user) and acts_for(user, queue.department_id)


def may_handle_inquiry(user: AnyUser, inquiry) -> bool:
    return is_city_staff(user) and acts_for(user, inquiry.department_id)


def may_approve_inquiry(user: AnyUser, inquiry) -> bool:
    """A department approver: staff of the inquiry's department holding the approve permission."""
    return may_handle_inquiry(user, inquiry) and user.has_perm(APPROVE_PERMISSION)


def may_triage_reports(user: AnyUser) -> bool:
    """Every city staff member sees the triage map and may pass a report to the right department."""
    return is_city_staff(user)


def may_update_report(user: AnyUser, report) -> bool:
    return is_city_staff(user) and acts_for(user, report.department_id)
