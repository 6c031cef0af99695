"""Turning what a resident types (place name, postal code, district) into a point."""

from __future__ import annotations

import re
import unicodedata

from django.contrib.gis.geos import Point

from apps.disastermap.models import Place
from apps.geo.models import District

POSTAL_CODE = re.compile(r"^〒?\s*(\d{3})-?(\d{4})$")


def normalise(text: str) -> str:
    # Full-width digits and hyphens are what Japanese keyboards often type.
    text = unicodedata.normalize("NFKC", text).strip()
    return text.replace("ー", "-").replace("−", "-").replace("‐", "-")


def find_place(text: str) -> tuple[Point, str] | None:
    """A point and a label for a postal code, a gazetteer place name or a district name."""
    text = normalise(text)
    if not text:
        return None
    match = POSTAL_CODE.match(text)
    if match:
        place = Place.objects.filter(postal_code=match.group(1) + match.group(2)).first()
        return (place.location, str(place)) if place else None
    place = Place.objects.filter(name=text).first() or Place.objects.filter(name__startswith=text).order_by(
        "name").first()
    if place:
        return place.location, str(place)
    district = (District.objects.filter(name=text).first()
                or District.objects.filter(name__startswith=text).order_by("code").first()
                or District.objects.filter(name_kana=text).first())
    if district:
        return district.area.point_on_surface, district.name
    # An address that starts with a district name ("旭町2-3-1") is placed in that district.
    for district in District.objects.only("id", "name", "area"):
        if text.startswith(district.name):
            return district.area.point_on_surface, district.name
    return None
