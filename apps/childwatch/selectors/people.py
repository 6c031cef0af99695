"""Reads about schools, children and guardians, always scoped to the user who asks.

A guardian reaches only children of their active guardianships; school staff only their own
school's children. Anything else is "not found", so ids of other children leak nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.childwatch.models import Child, Guardianship, School, SchoolClass, ServicePlan, WatchVolunteer
from apps.childwatch.permissions import AnyUser, staff_school_ids

# --- school staff ---------------------------------------------------------------------------

def staff_schools(user: AnyUser) -> QuerySet[School]:
    return School.objects.filter(pk__in=staff_school_ids(user)).order_by("code")


def staff_school(user: AnyUser, school_id: int) -> School:
    """One of the user's own schools; another school is simply not found."""
    if school_id not in staff_school_ids(user):
        raise Http404
    return School.objects.get(pk=school_id)


def require_staff(user: AnyUser) -> set[int]:
    ids = staff_school_ids(user)
    if not ids:
        raise PermissionDenied
    return ids


def classes_of(school: School) -> QuerySet[SchoolClass]:
    return (SchoolClass.objects.filter(school=school).select_related("teacher")
            .annotate(pupils=Count("children", filter=Q(children__is_active=True))).order_by("-year", "grade", "name"))


def class_for_staff(user: AnyUser, class_id: int) -> SchoolClass:
    return _scoped_or_404(SchoolClass.objects.select_related("school", "teacher"), user, class_id)


def children_of(school: School, *, school_class: SchoolClass | None = None,
                include_left: bool = False) -> QuerySet[Child]:
    children = Child.objects.filter(school=school).select_related("school_class").annotate(
        guardian_count=Count("guardianships", filter=Q(guardianships__is_active=True)))
    if school_class is not None:
        children = children.filter(school_class=school_class)
    if not include_left:
        children = children.filter(is_active=True)
    return children


def child_for_staff(user: AnyUser, child_id: int) -> Child:
    return _scoped_or_404(Child.objects.select_related("school", "school_class"), user, child_id)


def guardianships_of(child: Child) -> QuerySet[Guardianship]:
    """Active first, then ended ones (kept as a record of who was linked and by whom)."""
    return (Guardianship.objects.filter(child=child).select_related("guardian__profile", "verified_by")
            .order_by("-is_active", "verified_at"))


def guardianship_for_staff(user: AnyUser, guardianship_id: int) -> Guardianship:
    found = (Guardianship.objects.select_related("child__school", "guardian")
             .filter(pk=guardianship_id, child__school_id__in=staff_school_ids(user)).first())
    if found is None:
        raise Http404
    return found


def find_person_by_email(user: AnyUser, school: School, email: str) -> User | None:
    """Exact e-mail only, and only for that school's staff: no browsing, no guessing by others."""
    if school.pk not in staff_school_ids(user):
        raise PermissionDenied
    email = (email or "").strip().lower()
    if not email:
        return None
    return User.objects.select_related("profile").filter(email__iexact=email, is_active=True).first()


@dataclass(frozen=True)
class SchoolCounts:
    classes: int
    children: int
    guardians: int
    consenting_children: int
    children_without_guardian: int


def school_counts(school: School) -> SchoolCounts:
    children = Child.objects.filter(school=school, is_active=True)
    active = Guardianship.objects.filter(child__in=children, is_active=True)
    return SchoolCounts(
        classes=SchoolClass.objects.filter(school=school).count(),
        children=children.count(),
        guardians=active.values("guardian_id").distinct().count(),
        consenting_children=active.filter(passage_consent_at__isnull=False).values("child_id").distinct().count(),
        children_without_guardian=children.exclude(guardianships__is_active=True).count(),
    )


def plans_of(school: School) -> QuerySet[ServicePlan]:
    return ServicePlan.objects.filter(school=school).select_related("guardian__profile")


def plan_for_staff(user: AnyUser, plan_id: int) -> ServicePlan:
    return _scoped_or_404(ServicePlan.objects.select_related("school", "guardian"), user, plan_id)


def volunteers_of(school: School) -> QuerySet[WatchVolunteer]:
    return WatchVolunteer.objects.filter(school=school).select_related("user__profile").order_by(
        "-is_active", "user__email")


def volunteer_for_staff(user: AnyUser, volunteer_id: int) -> WatchVolunteer:
    return _scoped_or_404(WatchVolunteer.objects.select_related("school", "user"), user, volunteer_id)


def _scoped_or_404(queryset: QuerySet, user: AnyUser, pk: int):
    found = queryset.filter(pk=pk, school_id__in=staff_school_ids(user)).first()
    if found is None:
        raise Http404
    return found


# --- guardians --------------------------------------------------------------------------------

def my_guardianships(user: AnyUser) -> QuerySet[Guardianship]:
    """The user's own active links to enrolled children, with school and class."""
    if not user.is_authenticated:
        return Guardianship.objects.none()
    return (Guardianship.objects.filter(guardian=user, is_active=True, child__is_active=True)
            .select_related("child__school", "child__school_class")
            .order_by("child__school__code", "child__school_class__grade", "child__given_name"))


def my_children(user: AnyUser) -> QuerySet[Child]:
    if not user.is_authenticated:
        return Child.objects.none()
    return (Child.objects.filter(is_active=True, guardianships__guardian=user, guardianships__is_active=True)
            .select_related("school", "school_class").distinct())


def my_guardianship(user: AnyUser, child_id: int) -> Guardianship:
    """The user's link to one of their children; someone else's child is not found."""
    found = my_guardianships(user).filter(child_id=child_id).first()
    if found is None:
        raise Http404
    return found


def my_plans(user: AnyUser) -> QuerySet[ServicePlan]:
    if not user.is_authenticated:
        return ServicePlan.objects.none()
    return ServicePlan.objects.filter(guardian=user).select_related("school").order_by("-period_start")

