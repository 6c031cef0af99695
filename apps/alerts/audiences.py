"""Segment kinds alerts knows: the residents of an alert's area, and the opted-in testers.

An alert's area reaches residents whose home location lies inside it, and residents whose
profile district is one of the alert's chosen districts (people who gave a district but no
address are not left out).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Profile
from apps.alerts.models import Alert, TesterOptIn
from apps.notifications.audiences.builtin import city_staff
from apps.notifications.audiences.registry import SegmentKind, int_param, register


def _clean_alert(params: dict) -> dict:
    alert_id = int_param(params, "alert")
    if not Alert.objects.filter(id=alert_id).exists():
        raise ValidationError(_("No such alert: %(id)s.") % {"id": alert_id})
    return {"alert": alert_id}


def _area_user_ids(params: dict) -> QuerySet:
    alert = Alert.objects.only("id", "area").get(id=params["alert"])
    district_ids = list(alert.districts.values_list("id", flat=True))
    inside = Profile.objects.filter(home_location__intersects=alert.area)
    if district_ids:
        inside = inside | Profile.objects.filter(district_id__in=district_ids)
    return inside.values("user_id")


def _describe_area(params: dict) -> str:
    desc = Alert.objects.filter(id=params["alert"]).values_list("area_desc", flat=True).first()
    return desc or _("Alert area")


register(SegmentKind(
    kind="alert_area",
    label=gettext_lazy("Residents in an alert's area"),
    clean=_clean_alert,
    user_ids=_area_user_ids,
    may_use=city_staff,
    describe=_describe_area,
))

register(SegmentKind(
    kind="alert_testers",
    label=gettext_lazy("Residents who receive alert exercises and tests"),
    clean=lambda params: {},
    user_ids=lambda params: TesterOptIn.objects.values("user_id"),
    may_use=city_staff,
    describe=lambda params: _("Alert testers"),
))
