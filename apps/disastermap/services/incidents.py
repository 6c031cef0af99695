"""Incidents on the map: staff enter crime and traffic accidents, child watch reports suspicious persons.

Other apps add incidents through `record_incident(...)` only; it checks everything a form or
an API would, so a caller cannot put a point in the sea or a report in the future.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.disastermap.choices import IncidentKind
from apps.disastermap.models import Incident
from apps.geo.models import District

# How far outside every district a point may still be (roads on the border, a river bank).
NEAR_CITY_METRES = 5000
# Clocks of phones and devices drift; a report a minute "in the future" is not an error.
FUTURE_TOLERANCE = dt.timedelta(minutes=2)
TITLE_LIMIT = 120
DESCRIPTION_LIMIT = 2000
SOURCE_PATTERN = re.compile(r"^[a-z0-9_-]{1,40}$")


def check_location(*, lat: float, lon: float, field: str = "location") -> Point:
    """A WGS84 point that is in range and inside or near the city; errors name `field`."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Give the latitude and longitude as numbers.")}) from None
    if lat != lat or lon != lon:  # NaN
        raise ValidationError({field: _("Give the latitude and longitude as numbers.")})
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise ValidationError({field: _("Latitude must be between -90 and 90 and longitude between -180 and 180.")})
    point = Point(lon, lat, srid=4326)
    districts = District.objects.all()
    # A city that has not loaded its districts yet cannot say what "near" is: range only.
    if districts.exists() and not districts.filter(area__distance_lte=(point, D(m=NEAR_CITY_METRES))).exists():
        raise ValidationError({field: _("This place is more than %(km)d km outside the city.") % {
            "km": NEAR_CITY_METRES // 1000}})
    return point


def _clean(*, kind: str, title: str, description: str, occurred_at: dt.datetime, source: str) -> dict:
    errors: dict[str, str] = {}
    if kind not in IncidentKind.values:
        errors["kind"] = _("Unknown kind “%(value)s”. Known kinds: %(known)s.") % {
            "value": kind, "known": ", ".join(IncidentKind.values)}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("Use at most %(limit)d characters.") % {"limit": TITLE_LIMIT}
    description = (description or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        errors["description"] = _("Use at most %(limit)d characters.") % {"limit": DESCRIPTION_LIMIT}
    if not isinstance(occurred_at, dt.datetime) or timezone.is_naive(occurred_at):
        errors["occurred_at"] = _("Give the time with its time zone.")
    elif occurred_at > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = _("The time is in the future.")
    if not SOURCE_PATTERN.match(source or ""):
        errors["source"] = _("A source is a short code of lower-case letters, digits, “-” and “_”.")
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "title": title, "description": description, "occurred_at": occurred_at,
            "source": source}


def record_incident(
    *,
    kind: str,
    title: str,
    occurred_at: dt.datetime,
    lat: float,
    lon: float,
    source: str = "staff",
    description: str = "",
    is_public: bool = True,
    created_by: User | None = None,
) -> Incident:
    """Add an incident. `source` says which app or office reported it (e.g. "childwatch").

    The exact point is stored; public pages and GeoJSON only ever show it generalised
    (see `selectors.layers.generalise`).
    """
    fields = _clean(kind=kind, title=title, description=description, occurred_at=occurred_at, source=source)
    location = check_location(lat=lat, lon=lon)
    return Incident.objects.create(**fields, location=location, is_public=bool(is_public), created_by=created_by)


@transaction.atomic
def update_incident(
    *,
    incident: Incident,
    kind: str,
    title: str,
    occurred_at: dt.datetime,
    lat: float,
    lon: float,
    description: str = "",
    is_public: bool = True,
) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    fields = _clean(kind=kind, title=title, description=description, occurred_at=occurred_at,
                    source=incident.source)
    incident.location = check_location(lat=lat, lon=lon)
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.is_public = bool(is_public)
    incident.save()
    return incident


def set_incident_visibility(*, incident: Incident, is_public: bool) -> Incident:
    """Hide a report (wrong, or no longer relevant) without losing it, or show it again."""
    Incident.objects.filter(pk=incident.pk).update(is_public=is_public)
    incident.is_public = is_public
    return incident
