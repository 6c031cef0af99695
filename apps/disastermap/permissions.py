"""Who may see or do what on the disaster map, object by object."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import User
from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of
from apps.disastermap.choices import FeatureStatus
from apps.disastermap.models import CommunityFeature, CommunityMap, PersonNeedingHelp, Shelter

AnyUser = User | AnonymousUser


def is_city_staff(user: AnyUser) -> bool:
    return bool(roles_of(user) & CITY_STAFF_ROLES)


def may_update_shelter(user: AnyUser, shelter: Shelter) -> bool:
    if not user.is_authenticated:
        return False
    return is_city_staff(user) or shelter.staff.filter(pk=user.pk).exists()


def may_import(user: AnyUser) -> bool:
    return is_city_staff(user)


def is_map_member(user: AnyUser, community_map: CommunityMap) -> bool:
    """Membership of the map's association.

    Until the neighbourhood-association app exists, members are the residents whose profile
    places them in the map's district. This is the one place that rule lives: the later app
    swaps it for real membership.
    """
    if not user.is_authenticated:
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.district_id == community_map.district_id


def may_create_map(user: AnyUser) -> bool:
    """City staff set maps up and name their editors."""
    return user.is_authenticated and is_city_staff(user)


def may_edit_map(user: AnyUser, community_map: CommunityMap) -> bool:
    """Officers of the association (the map's editors) and city staff."""
    if not user.is_authenticated:
        return False
    return is_city_staff(user) or community_map.editors.filter(pk=user.pk).exists()


def may_propose(user: AnyUser, community_map: CommunityMap) -> bool:
    """Members may propose features; editors may add them directly."""
    if not user.is_authenticated:
        return False
    return may_edit_map(user, community_map) or is_map_member(user, community_map)


def may_view_map(user: AnyUser, community_map: CommunityMap) -> bool:
    return community_map.is_public or may_propose(user, community_map)


def may_view_feature(user: AnyUser, feature: CommunityFeature) -> bool:
    """Accepted features show with their map; proposals only to editors and their proposer."""
    if not may_view_map(user, feature.map):
        return False
    if feature.status == FeatureStatus.ACCEPTED:
        return True
    if not user.is_authenticated:
        return False
    return feature.proposed_by_id == user.pk or may_edit_map(user, feature.map)


def may_see_people_needing_help(user: AnyUser) -> bool:
    """Anyone who may see at least one person: authorised staff or a designated supporter."""
    if not user.is_authenticated:
        return False
    return user.has_perm("disastermap.view_personneedinghelp") or PersonNeedingHelp.objects.filter(
        supporters=user).exists()


def may_manage_incidents(user: AnyUser) -> bool:
    return is_city_staff(user)
