"""The one person a membership belongs to: told when their request is decided or they are removed.

`explicit` lists are for city staff only, so officers get this narrow kind instead: it reaches
exactly one applicant or member of the officer's own association.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.neighbourhood.models import Membership
from apps.notifications.audiences.registry import SegmentKind, int_param, register


def _clean(params: dict) -> dict:
    value = int_param(params, "membership")
    association_id = Membership.objects.filter(pk=value).values_list("association_id", flat=True).first()
    if association_id is None:
        raise ValidationError(_("No such membership: %(id)s.") % {"id": value})
    return {"membership": value, "association": association_id}


def _may_use(user, params: dict) -> bool:
    from apps.neighbourhood.permissions import is_officer

    return is_officer(user, params["association"])


register(SegmentKind(
    kind="membership_applicant",
    label=gettext_lazy("The person asking to join (or the member concerned)"),
    clean=_clean,
    user_ids=lambda params: Membership.objects.filter(pk=params["membership"]).values("user_id"),
    may_use=_may_use,
    describe=lambda params: _("The person concerned"),
    few=lambda params: True,
))
