"""Audience kinds the disaster map adds to notifications: the residents a shelter serves."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Profile
from apps.disastermap.models import Shelter
from apps.notifications.audiences.registry import SegmentKind, register


def _clean(params: dict) -> dict:
    shelter_id = params.get("shelter")
    if isinstance(shelter_id, bool) or not isinstance(shelter_id, int):
        raise ValidationError(_("“shelter” must be the number of a shelter."))
    if not Shelter.objects.filter(pk=shelter_id).exists():
        raise ValidationError(_("No such shelter: %(id)s.") % {"id": shelter_id})
    return {"shelter": shelter_id}


def _user_ids(params: dict) -> QuerySet:
    return Profile.objects.filter(district__shelters__pk=params["shelter"]).values("user_id")


def _may_use(user, params: dict) -> bool:
    from apps.disastermap.permissions import may_update_shelter

    shelter = Shelter.objects.filter(pk=params["shelter"]).first()
    return shelter is not None and may_update_shelter(user, shelter)


def _describe(params: dict) -> str:
    shelter = Shelter.objects.filter(pk=params["shelter"]).first()
    name = shelter.name if shelter else "?"
    return _("Districts served by %(shelter)s") % {"shelter": name}


register(SegmentKind(
    kind="shelter_area",
    label=gettext_lazy("Districts a shelter serves"),
    clean=_clean,
    user_ids=_user_ids,
    may_use=_may_use,
    describe=_describe,
))

# Community map proposals: members tell editors, editors tell proposers.
from apps.disastermap import community_audiences  # noqa: E402,F401
