"""Audience kinds the associations add to notifications: members, officers, unread members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.neighbourhood.choices import OFFICER_ROLES, MembershipStatus
from apps.neighbourhood.models import Association, Bulletin, BulletinRead, Membership, NetworkMember
from apps.notifications.audiences.registry import SegmentKind, int_param, register


def _clean_association(params: dict) -> dict:
    association_id = int_param(params, "association")
    if not Association.objects.filter(pk=association_id).exists():
        raise ValidationError(_("No such association: %(id)s.") % {"id": association_id})
    return {"association": association_id}


def _officer_of(user, params: dict) -> bool:
    from apps.neighbourhood.permissions import is_city_staff, is_officer

    return is_officer(user, params["association"]) or is_city_staff(user)


def _members(association_id: int) -> QuerySet:
    return Membership.objects.filter(association_id=association_id, status=MembershipStatus.ACTIVE)


def _name(params: dict) -> str:
    return Association.objects.filter(pk=params["association"]).values_list("name", flat=True).first() or "?"


register(SegmentKind(
    kind="association_members",
    label=gettext_lazy("Members of an association"),
    clean=_clean_association,
    user_ids=lambda params: _members(params["association"]).values("user_id"),
    may_use=_officer_of,
    describe=lambda params: _("Members of %(name)s") % {"name": _name(params)},
))


def _may_reach_officers(user, params: dict) -> bool:
    from apps.neighbourhood.permissions import is_member

    # Members tell their officers (a proposal, a report); outsiders cannot.
    return is_member(user, params["association"]) or _officer_of(user, params)


register(SegmentKind(
    kind="association_officers",
    label=gettext_lazy("Officers of an association"),
    clean=_clean_association,
    user_ids=lambda params: _members(params["association"]).filter(role__in=OFFICER_ROLES).values("user_id"),
    may_use=_may_reach_officers,
    describe=lambda params: _("Officers of %(name)s") % {"name": _name(params)},
))


def _clean_bulletin(params: dict) -> dict:
    bulletin = Bulletin.objects.filter(pk=int_param(params, "bulletin")).first()
    if bulletin is None:
        raise ValidationError(_("No such bulletin: %(id)s.") % {"id": params.get("bulletin")})
    return {"bulletin": bulletin.pk, "association": bulletin.association_id}


register(SegmentKind(
    kind="bulletin_unread",
    label=gettext_lazy("Members who have not read a bulletin"),
    clean=_clean_bulletin,
    user_ids=lambda params: _members(params["association"]).exclude(
        user_id__in=BulletinRead.objects.filter(bulletin_id=params["bulletin"]).values("user_id")).values("user_id"),
    may_use=_officer_of,
    describe=lambda params: _("Members who have not read it yet"),
))


def _clean_network(params: dict) -> dict:
    from apps.neighbourhood.models import Network

    network_id = int_param(params, "network")
    if not Network.objects.filter(pk=network_id).exists():
        raise ValidationError(_("No such network: %(id)s.") % {"id": network_id})
    return {"network": network_id}


def _network_owner(user, params: dict) -> bool:
    from apps.neighbourhood.permissions import is_network_owner

    return is_network_owner(user, params["network"])


register(SegmentKind(
    kind="network_members",
    label=gettext_lazy("Members of a network"),
    clean=_clean_network,
    user_ids=lambda params: NetworkMember.objects.filter(network_id=params["network"]).values("user_id"),
    may_use=_network_owner,
    describe=lambda params: _("Network members"),
))

# The single person a membership decision concerns (kept in its own module).
from apps.neighbourhood import audiences_membership  # noqa: E402,F401
