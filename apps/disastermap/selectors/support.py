"""The one way to read people who need help (要援護者), scoped to the reader and audited.

Staff holding `disastermap.view_personneedinghelp` see everyone; a designated supporter sees
the people they support; anyone else sees no one. Every read writes an entry to the audit log
(`accounts.AuditEntry`), even one that showed nobody, so the record also shows who tried.
"""

from __future__ import annotations

import math

from django.contrib.gis.geos import Point
from django.db.models import QuerySet

from apps.accounts.services import audit
from apps.disastermap.choices import ShelterStatus
from apps.disastermap.models import PersonNeedingHelp, Shelter
from apps.disastermap.permissions import AnyUser

VIEW_PERMISSION = "disastermap.view_personneedinghelp"


def may_see_everyone(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION)


def _scoped(user: AnyUser) -> QuerySet[PersonNeedingHelp]:
    if not user.is_authenticated or not user.is_active:
        return PersonNeedingHelp.objects.none()
    queryset = PersonNeedingHelp.objects.select_related("district")
    if may_see_everyone(user):
        return queryset
    return queryset.filter(supporters=user).distinct()


ACCESS_ACTION = "disastermap.view_people_needing_help"


def log_access(*, user: AnyUser, what: str, count: int) -> None:
    """The audit entry ("<what>: <n> shown"); anonymous readers see no one and are not logged."""
    if user.is_authenticated:
        audit(user=user, action=ACCESS_ACTION, detail=f"{what[:200]}: {count} shown")


def people_needing_help_for(user: AnyUser, *, what: str = "list", pk: int | None = None) -> list[PersonNeedingHelp]:
    """The people this user may see (one of them when `pk` is given), and a log of the read."""
    queryset = _scoped(user)
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    people = list(queryset.order_by("district__code", "full_name", "id"))
    log_access(user=user, what=what, count=len(people))
    return people


def _metres(a: Point, b: Point) -> float:
    """Great-circle distance; plenty for "which shelter is nearest" inside one city."""
    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    dlat, dlon = lat2 - lat1, math.radians(b.x - a.x)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def nearest_open_shelters(people: list[PersonNeedingHelp]) -> dict[int, tuple[Shelter, int]]:
    """person id -> (nearest open shelter, metres); empty when no shelter is open."""
    shelters = list(Shelter.objects.filter(status=ShelterStatus.OPEN).only("name", "location"))
    if not shelters:
        return {}
    nearest = {}
    for person in people:
        shelter = min(shelters, key=lambda s: _metres(person.location, s.location))
        nearest[person.id] = (shelter, round(_metres(person.location, shelter.location)))
    return nearest
