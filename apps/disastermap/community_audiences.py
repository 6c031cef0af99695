"""Audience kinds for community map proposals: a map's editors, and one proposal's author.

The built-in `explicit` kind lets only city staff send, but here the sender is a resident
(a member proposing) or an association officer (deciding). These kinds let exactly those
people reach exactly those recipients, and nobody else: a member of map A can tell map A's
editors that something was proposed, an editor of map A can tell the author of a feature
on map A what was decided.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.disastermap.models import CommunityFeature, CommunityMap
from apps.notifications.audiences.registry import SegmentKind, int_param, register


def _clean_id(params: dict, key: str, model) -> dict:
    value = int_param(params, key)
    if not model.objects.filter(pk=value).exists():
        raise ValidationError(_("No such %(what)s: %(id)s.") % {"what": model._meta.verbose_name, "id": value})
    return {key: value}


def _editor_ids(params: dict) -> QuerySet:
    return User.objects.filter(community_maps_edited__pk=params["map"]).values("id")


def _may_tell_editors(user, params: dict) -> bool:
    from apps.disastermap.permissions import may_propose

    community_map = CommunityMap.objects.filter(pk=params["map"]).first()
    return community_map is not None and may_propose(user, community_map)


def _describe_editors(params: dict) -> str:
    community_map = CommunityMap.objects.filter(pk=params["map"]).first()
    return _("Editors of %(map)s") % {"map": community_map.name if community_map else "?"}


register(SegmentKind(
    kind="community_map_editors",
    label=gettext_lazy("Editors of a community disaster map"),
    clean=lambda params: _clean_id(params, "map", CommunityMap),
    user_ids=_editor_ids,
    may_use=_may_tell_editors,
    describe=_describe_editors,
))


def _proposer_ids(params: dict) -> QuerySet:
    return CommunityFeature.objects.filter(pk=params["feature"], proposed_by__isnull=False).values("proposed_by_id")


def _may_tell_proposer(user, params: dict) -> bool:
    from apps.disastermap.permissions import may_edit_map

    feature = CommunityFeature.objects.select_related("map").filter(pk=params["feature"]).first()
    return feature is not None and may_edit_map(user, feature.map)


register(SegmentKind(
    kind="community_feature_proposer",
    label=gettext_lazy("The person who proposed a community map feature"),
    clean=lambda params: _clean_id(params, "feature", CommunityFeature),
    user_ids=_proposer_ids,
    may_use=_may_tell_proposer,
    describe=lambda params: _("The proposer of a map feature"),
))
