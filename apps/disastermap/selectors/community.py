"""Reads of community disaster maps, already scoped to the person who asks.

A map that is not public is invisible (404, never 403) to anyone who may not view it, so
its existence does not leak. Proposals are seen only by the map's editors and by the
member who proposed them.
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from apps.disastermap.choices import CommunityFeatureCategory, FeatureStatus
from apps.disastermap.models import CommunityFeature, CommunityMap
from apps.disastermap.permissions import AnyUser, is_city_staff, may_edit_map, may_view_feature, may_view_map


def _legend_order(features: QuerySet[CommunityFeature]) -> QuerySet[CommunityFeature]:
    """Categories in the vocabulary's order (danger first), not alphabetically by code."""
    rank = Case(*(When(category=code, then=Value(i)) for i, code in enumerate(CommunityFeatureCategory.values)),
                default=Value(99), output_field=IntegerField())
    return features.annotate(category_rank=rank).order_by("category_rank", "id")


def visible_maps(user: AnyUser) -> QuerySet[CommunityMap]:
    """Public maps, plus the non-public ones the person edits or belongs to (staff: all)."""
    maps = CommunityMap.objects.select_related("district").annotate(
        accepted_count=Count("features", filter=Q(features__status=FeatureStatus.ACCEPTED)),
    )
    if is_city_staff(user):
        return maps
    rule = Q(is_public=True)
    if user.is_authenticated:
        rule |= Q(editors=user)
        district_id = getattr(getattr(user, "profile", None), "district_id", None)
        if district_id is not None:
            # Mirrors permissions.is_map_member: residents of the map's district.
            rule |= Q(district_id=district_id)
    return maps.filter(pk__in=CommunityMap.objects.filter(rule).values("pk"))


def map_for(user: AnyUser, map_id: int) -> CommunityMap:
    community_map = CommunityMap.objects.select_related("district").filter(pk=map_id).first()
    if community_map is None or not may_view_map(user, community_map):
        raise Http404("No such community map.")
    return community_map


def accepted_features(community_map: CommunityMap) -> QuerySet[CommunityFeature]:
    """What everyone who may view the map sees, in legend order (category, then id)."""
    return _legend_order(community_map.features.filter(status=FeatureStatus.ACCEPTED))


def pending_proposals(user: AnyUser, community_map: CommunityMap) -> QuerySet[CommunityFeature]:
    if not may_edit_map(user, community_map):
        return CommunityFeature.objects.none()
    return community_map.features.filter(status=FeatureStatus.PROPOSED).select_related(
        "proposed_by").order_by("created_at", "id")


def own_proposals(user: AnyUser, community_map: CommunityMap) -> QuerySet[CommunityFeature]:
    """A member's own proposals that are not (yet) on the map, with the decision if any."""
    if not user.is_authenticated:
        return CommunityFeature.objects.none()
    return community_map.features.filter(proposed_by=user).exclude(
        status=FeatureStatus.ACCEPTED).order_by("-created_at", "-id")


def features_with_status(user: AnyUser, community_map: CommunityMap, status: str) -> QuerySet[CommunityFeature]:
    """Features in one status; anything but accepted is for editors only."""
    if status == FeatureStatus.ACCEPTED:
        return accepted_features(community_map)
    if not may_edit_map(user, community_map):
        return CommunityFeature.objects.none()
    return _legend_order(community_map.features.filter(status=status))


def feature_for(user: AnyUser, community_map: CommunityMap, feature_id: int) -> CommunityFeature:
    feature = community_map.features.filter(pk=feature_id).select_related("map", "proposed_by").first()
    if feature is None or not may_view_feature(user, feature):
        raise Http404("No such feature.")
    return feature
