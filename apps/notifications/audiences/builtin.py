"""Segment kinds notifications owns: geography, shared attributes, topics, explicit lists.

Geography uses what residents told their profile (district, home location); nobody is
placed by guesswork.
"""

from __future__ import annotations

import json
import math

from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Profile, User
from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of
from apps.geo.models import District, SchoolDistrict
from apps.notifications.audiences.registry import FEW_PEOPLE, ID_RANGE, SegmentKind, register
from apps.notifications.choices import Category
from apps.notifications.models import ResidentPreferences, TopicSubscription

MAX_RADIUS_METERS = 50_000
MAX_EXPLICIT = 10_000
AGE_BANDS = {"0-19", "20-39", "40-64", "65-74", "75+"}


def city_staff(user, params: dict) -> bool:
    return bool(roles_of(user) & CITY_STAFF_ROLES)


def _id_list(params: dict, key: str, model) -> list[int]:
    ids = params.get(key)
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise ValidationError(_("“%(key)s” must be a non-empty list of numbers.") % {"key": key})
    found = set(model.objects.filter(id__in=[i for i in ids if i in ID_RANGE]).values_list("id", flat=True))
    missing = sorted(set(ids) - found)
    if missing:
        raise ValidationError(_("No such %(what)s: %(ids)s.") % {
            "what": model._meta.verbose_name, "ids": ", ".join(map(str, missing))})
    return sorted(set(ids))


def _number(params: dict, key: str, low: float, high: float) -> float:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValidationError(_("“%(key)s” must be a number from %(low)s to %(high)s.") % {
            "key": key, "low": low, "high": high})
    return float(value)


# --- everyone -------------------------------------------------------------------------

register(SegmentKind(
    kind="everyone",
    label=gettext_lazy("Everyone"),
    clean=lambda params: {},
    user_ids=lambda params: User.objects.filter(is_active=True).values("id"),
    may_use=city_staff,
    describe=lambda params: _("Everyone"),
    organisation_wide=lambda params: True,
))


# --- district and school district ------------------------------------------------------

def _names(model, ids: list[int]) -> str:
    return "、".join(model.objects.filter(id__in=ids).order_by("id").values_list("name", flat=True))


register(SegmentKind(
    kind="district",
    label=gettext_lazy("Districts"),
    clean=lambda params: {"ids": _id_list(params, "ids", District)},
    user_ids=lambda params: Profile.objects.filter(district_id__in=params["ids"]).values("user_id"),
    may_use=city_staff,
    describe=lambda params: _names(District, params["ids"]),
))


def _school_district_user_ids(params: dict) -> QuerySet:
    areas = SchoolDistrict.objects.filter(id__in=params["ids"])
    query = Profile.objects.none()
    for area in areas:
        query = query | Profile.objects.filter(home_location__intersects=area.area)
    return query.values("user_id")


register(SegmentKind(
    kind="school_district",
    label=gettext_lazy("School districts"),
    clean=lambda params: {"ids": _id_list(params, "ids", SchoolDistrict)},
    user_ids=_school_district_user_ids,
    may_use=city_staff,
    describe=lambda params: _names(SchoolDistrict, params["ids"]),
))


# --- drawn areas ----------------------------------------------------------------------

def _clean_polygon(params: dict) -> dict:
    geometry = params.get("geometry")
    try:
        shape = GEOSGeometry(json.dumps(geometry), srid=4326)
    except (GEOSException, ValueError, TypeError):
        raise ValidationError(_("“geometry” must be a GeoJSON Polygon.")) from None
    if not isinstance(shape, Polygon):
        raise ValidationError(_("“geometry” must be a GeoJSON Polygon."))
    if not shape.valid:
        raise ValidationError(_("The polygon's outline crosses itself."))
    if shape.num_coords > 2000:
        raise ValidationError(_("The polygon has too many points (at most 2,000)."))
    return {"geometry": json.loads(shape.geojson), "name": str(params.get("name", ""))[:40]}


register(SegmentKind(
    kind="polygon",
    label=gettext_lazy("Drawn area"),
    clean=_clean_polygon,
    user_ids=lambda params: Profile.objects.filter(
        home_location__intersects=GEOSGeometry(json.dumps(params["geometry"]), srid=4326)
    ).values("user_id"),
    may_use=city_staff,
    describe=lambda params: params.get("name") or _("Drawn area"),
))


def _clean_radius(params: dict) -> dict:
    return {
        "lat": _number(params, "lat", -90, 90),
        "lon": _number(params, "lon", -180, 180),
        "meters": _number(params, "meters", 1, MAX_RADIUS_METERS),
    }


def _radius_user_ids(params: dict) -> QuerySet:
    centre = Point(params["lon"], params["lat"], srid=4326)
    # A bounding box first lets the spatial index do most of the work.
    dlat = params["meters"] / 111_320
    dlon = params["meters"] / (111_320 * max(math.cos(math.radians(params["lat"])), 0.01))
    box = Polygon.from_bbox((params["lon"] - dlon, params["lat"] - dlat, params["lon"] + dlon, params["lat"] + dlat))
    box.srid = 4326
    return Profile.objects.filter(
        home_location__intersects=box, home_location__distance_lte=(centre, D(m=params["meters"]))
    ).values("user_id")


register(SegmentKind(
    kind="radius",
    label=gettext_lazy("Around a point"),
    clean=_clean_radius,
    user_ids=_radius_user_ids,
    may_use=city_staff,
    describe=lambda params: _("Within %(m)d m of %(lat).4f, %(lon).4f") % {
        "m": params["meters"], "lat": params["lat"], "lon": params["lon"]},
))


# --- what residents chose to share ------------------------------------------------------

def _clean_attribute(params: dict) -> dict:
    cleaned: dict = {}
    if "age_bands" in params:
        bands = params["age_bands"]
        if not isinstance(bands, list) or not bands or not set(bands) <= AGE_BANDS:
            raise ValidationError(_("“age_bands” must list some of: %(bands)s.") % {
                "bands": ", ".join(sorted(AGE_BANDS))})
        cleaned["age_bands"] = sorted(set(bands))
    if "household_with_children" in params:
        if not isinstance(params["household_with_children"], bool):
            raise ValidationError(_("“household_with_children” must be true or false."))
        cleaned["household_with_children"] = params["household_with_children"]
    if not cleaned:
        raise ValidationError(_("Give “age_bands” or “household_with_children”."))
    return cleaned


def _attribute_user_ids(params: dict) -> QuerySet:
    query = ResidentPreferences.objects.all()
    if "age_bands" in params:
        query = query.filter(age_band__in=params["age_bands"])
    if "household_with_children" in params:
        query = query.filter(household_with_children=params["household_with_children"])
    return query.values("user_id")


def _describe_attribute(params: dict) -> str:
    parts = []
    if "age_bands" in params:
        parts.append(_("age %(bands)s") % {"bands": "/".join(params["age_bands"])})
    if params.get("household_with_children") is True:
        parts.append(_("households with children"))
    elif params.get("household_with_children") is False:
        parts.append(_("households without children"))
    return ", ".join(parts)


register(SegmentKind(
    kind="attribute",
    label=gettext_lazy("Shared attributes"),
    clean=_clean_attribute,
    user_ids=_attribute_user_ids,
    may_use=city_staff,
    describe=_describe_attribute,
))


# --- topics and explicit lists ----------------------------------------------------------

def _clean_topic(params: dict) -> dict:
    if params.get("category") not in Category.values:
        raise ValidationError(_("“category” must be one of: %(c)s.") % {"c": ", ".join(Category.values)})
    return {"category": params["category"]}


register(SegmentKind(
    kind="topic",
    label=gettext_lazy("Subscribers of a topic"),
    clean=_clean_topic,
    user_ids=lambda params: TopicSubscription.objects.filter(category=params["category"]).values("user_id"),
    may_use=city_staff,
    describe=lambda params: str(Category(params["category"]).label),
))


def _clean_explicit(params: dict) -> dict:
    ids = params.get("user_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise ValidationError(_("“user_ids” must be a non-empty list of numbers."))
    if len(ids) > MAX_EXPLICIT:
        raise ValidationError(_("At most %(n)d people in an explicit list.") % {"n": MAX_EXPLICIT})
    known = set(User.objects.filter(id__in=[i for i in ids if i in ID_RANGE], is_active=True)
                .values_list("id", flat=True))
    unknown = sorted(set(ids) - known)
    if unknown:
        raise ValidationError(_("No active user with id %(ids)s.") % {"ids": ", ".join(map(str, unknown[:10]))})
    return {"user_ids": sorted(set(ids)), "name": str(params.get("name", ""))[:40]}


register(SegmentKind(
    kind="explicit",
    label=gettext_lazy("A list of people"),
    clean=_clean_explicit,
    user_ids=lambda params: User.objects.filter(id__in=params["user_ids"]).values("id"),
    may_use=city_staff,
    describe=lambda params: params.get("name") or _("%(n)d chosen people") % {"n": len(params["user_ids"])},
    few=lambda params: len(params["user_ids"]) <= FEW_PEOPLE,
))
