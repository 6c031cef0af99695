"""Who may see or do what in child watch. Children's data: guardians and their school only."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import User
from apps.accounts.roles import CITY_STAFF_ROLES, Role
from apps.accounts.selectors import roles_of, scope_ids
from apps.childwatch.models import Child, Guardianship, School

AnyUser = User | AnonymousUser


def staff_school_ids(user: AnyUser) -> set[int]:
    """Schools where the user holds the school_staff role."""
    return scope_ids(user, Role.SCHOOL_STAFF, School)


def is_school_staff(user: AnyUser, school: School | int) -> bool:
    school_id = school if isinstance(school, int) else school.pk
    return school_id in staff_school_ids(user)


def is_guardian_of(user: AnyUser, child: Child) -> bool:
    if not user.is_authenticated:
        return False
    return Guardianship.objects.filter(guardian=user, child=child, is_active=True).exists()


def may_view_child(user: AnyUser, child: Child) -> bool:
    return is_guardian_of(user, child) or is_school_staff(user, child.school_id)


def may_send_alert(user: AnyUser, school: School) -> bool:
    return is_school_staff(user, school)


def may_report_suspicious_person(user: AnyUser, school: School) -> bool:
    if not user.is_authenticated:
        return False
    return (is_school_staff(user, school) or bool(roles_of(user) & CITY_STAFF_ROLES)
            or school.police_liaisons.filter(pk=user.pk).exists())
