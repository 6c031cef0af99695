"""Who may see or do what in an association, object by object.

Members see their own association's member-only posts and nothing of any other association;
officers (chair and officers) post, approve members and see read status; city staff set up
associations but do not read member lists.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import User
from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of
from apps.neighbourhood.choices import OFFICER_ROLES, MembershipStatus, NetworkRole
from apps.neighbourhood.models import Association, Membership, Network, NetworkMember

AnyUser = User | AnonymousUser


def membership_of(user: AnyUser, association: Association | int) -> Membership | None:
    """The user's active membership of the association, or None."""
    if not user.is_authenticated:
        return None
    association_id = association if isinstance(association, int) else association.pk
    return Membership.objects.filter(association_id=association_id, user=user,
                                     status=MembershipStatus.ACTIVE).first()


def is_member(user: AnyUser, association: Association | int) -> bool:
    return membership_of(user, association) is not None


def is_officer(user: AnyUser, association: Association | int) -> bool:
    membership = membership_of(user, association)
    return membership is not None and membership.role in OFFICER_ROLES


def active_association_ids(user: AnyUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
               .values_list("association_id", flat=True))


def officer_association_ids(user: AnyUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE, role__in=OFFICER_ROLES)
               .values_list("association_id", flat=True))


def is_city_staff(user: AnyUser) -> bool:
    return bool(roles_of(user) & CITY_STAFF_ROLES)


def network_member(user: AnyUser, network: Network | int) -> NetworkMember | None:
    if not user.is_authenticated:
        return None
    network_id = network if isinstance(network, int) else network.pk
    return NetworkMember.objects.filter(network_id=network_id, user=user).first()


def is_network_owner(user: AnyUser, network: Network | int) -> bool:
    member = network_member(user, network)
    return member is not None and member.role == NetworkRole.OWNER
