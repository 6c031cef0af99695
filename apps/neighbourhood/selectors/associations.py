"""Reads about associations, scoped to the person who asks.

The directory shows only what an outsider may know (name, districts, a member count);
member lists (names, addresses, roles) are for the association's own officers.
"""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from apps.neighbourhood.choices import OFFICER_ROLES, MemberRole, MembershipStatus, PostStatus, Visibility
from apps.neighbourhood.models import Association, Bulletin, Membership
from apps.neighbourhood.permissions import active_association_ids, is_city_staff, is_officer

DIRECTORY_LIMIT = 200


def _count(queryset: QuerySet) -> Subquery:
    # Subqueries rather than joins: two counted relations joined together would multiply.
    return Coalesce(Subquery(queryset.order_by().values("association_id").annotate(n=Count("pk")).values("n"),
                             output_field=IntegerField()), Value(0))


def with_counts(queryset: QuerySet) -> QuerySet:
    now = timezone.now()
    members = Membership.objects.filter(association_id=OuterRef("pk"), status=MembershipStatus.ACTIVE)
    public = Bulletin.objects.filter(association_id=OuterRef("pk"), status=PostStatus.PUBLISHED,
                                     visibility=Visibility.PUBLIC).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    return queryset.annotate(member_count=_count(members), public_bulletin_count=_count(public))


def directory(*, query: str = "", point: Point | None = None) -> QuerySet:
    """Listed associations, searched by name or district, or the ones whose area holds a point."""
    found = Association.objects.filter(listed=True)
    query = (query or "").strip()
    if query:
        found = found.filter(Q(name__icontains=query) | Q(name_en__icontains=query)
                             | Q(districts__name__icontains=query) | Q(districts__name_kana__icontains=query)
                             | Q(districts__code=query)).distinct()
    if point is not None:
        found = found.filter(area__contains=point)
    return with_counts(found).prefetch_related("districts").order_by("name")[:DIRECTORY_LIMIT]


def visible_association(user, slug: str) -> Association:
    """The about page: listed associations for everyone, unlisted ones for their members."""
    association = Association.objects.filter(slug=slug).first()
    if association is None or not (association.listed or association.pk in active_association_ids(user)
                                   or is_city_staff(user)):
        raise Http404("No such association.")
    return with_counts(Association.objects.filter(pk=association.pk)).prefetch_related("districts").get()


def officers_public(association: Association) -> list[Membership]:
    """Officers' names: what a plain member (not an outsider) sees of who runs the association."""
    return list(Membership.objects.filter(association=association, status=MembershipStatus.ACTIVE,
                                          role__in=OFFICER_ROLES).only("real_name", "role").order_by("role"))


def _officer_only(user, association: Association) -> None:
    if not is_officer(user, association):
        raise PermissionDenied


def members_for(user, association: Association) -> QuerySet:
    """Names, addresses and roles of active members: officers of this association only."""
    _officer_only(user, association)
    return (Membership.objects.filter(association=association, status=MembershipStatus.ACTIVE)
            .select_related("user").order_by("role", "real_name"))


def pending_requests(user, association: Association) -> QuerySet:
    _officer_only(user, association)
    return Membership.objects.filter(association=association, status=MembershipStatus.PENDING).order_by(
        "requested_at")


def membership_for_officer(user, membership_id: int) -> Membership:
    """A membership an officer may act on; anyone else gets 404 (its existence does not leak)."""
    membership = Membership.objects.select_related("association").filter(pk=membership_id).first()
    if membership is None or not is_officer(user, membership.association):
        raise Http404("No such membership.")
    return membership


def my_memberships(user) -> QuerySet:
    return Membership.objects.filter(user=user).select_related("association").order_by("association__name")


def chair_count(association: Association) -> int:
    return Membership.objects.filter(association=association, status=MembershipStatus.ACTIVE,
                                     role=MemberRole.CHAIR).count()
