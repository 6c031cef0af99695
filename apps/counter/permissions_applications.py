"""Who may work on which department's steps, and who may see an application."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import RoleGrant, User
from apps.accounts.roles import CITY_STAFF_ROLES, Role
from apps.accounts.selectors import roles_of

AnyUser = User | AnonymousUser


def is_city_staff(user: AnyUser) -> bool:
    return bool(roles_of(user) & CITY_STAFF_ROLES)


def is_system_admin(user: AnyUser) -> bool:
    return Role.SYSTEM_ADMIN in roles_of(user)


def staff_department_ids(user: AnyUser) -> set[int]:
    """Departments a clerk works for (a clerk may hold the role for more than one)."""
    if Role.CITY_STAFF not in roles_of(user):
        return set()
    cached = getattr(user, "_counter_departments", None)
    if cached is None:
        cached = set(RoleGrant.objects.filter(user=user, role=Role.CITY_STAFF, department__isnull=False)
                     .values_list("department_id", flat=True))
        user._counter_departments = cached
    return cached


def may_work_in(user: AnyUser, department_id: int) -> bool:
    return is_system_admin(user) or department_id in staff_department_ids(user)
