"""Point-in-area lookups and writes of the city's map."""

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.geo.models import City, District, SchoolDistrict


def make_point(*, lat: float, lon: float) -> Point:
    """A WGS84 point from latitude and longitude, checked for range."""
    errors = {}
    if not -90 <= lat <= 90:
        errors["lat"] = _("Latitude must be between -90 and 90.")
    if not -180 <= lon <= 180:
        errors["lon"] = _("Longitude must be between -180 and 180.")
    if errors:
        raise ValidationError(errors)
    return Point(lon, lat, srid=4326)


def district_for_point(point: Point) -> District | None:
    """The district containing the point; on a shared border, the one with the lowest code."""
    return (
        District.objects.filter(area__intersects=point).select_related("city").order_by("city__code", "code").first()
    )


def school_district_for_point(point: Point) -> SchoolDistrict | None:
    return (
        SchoolDistrict.objects.filter(area__intersects=point)
        .select_related("city")
        .order_by("city__code", "code")
        .first()
    )


def as_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """Accept a Polygon or MultiPolygon in any SRID; store a WGS84 MultiPolygon."""
    if geometry.srid and geometry.srid != 4326:
        geometry = geometry.transform(4326, clone=True)
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon(geometry, srid=4326)
    if not isinstance(geometry, MultiPolygon):
        raise ValidationError({"area": _("An area must be a polygon or multipolygon.")})
    if not geometry.valid:
        raise ValidationError({"area": _("The area's outline crosses itself: %(reason)s") % {
            "reason": geometry.valid_reason}})
    geometry.srid = 4326
    return geometry


@transaction.atomic
def upsert_city(*, code: str, name: str, name_en: str = "", boundary: GEOSGeometry | None = None) -> City:
    city, _created = City.objects.update_or_create(
        code=code,
        defaults={"name": name, "name_en": name_en, "boundary": as_multipolygon(boundary) if boundary else None},
    )
    return city


@transaction.atomic
def upsert_district(
    *, city: City, code: str, name: str, area: GEOSGeometry, name_kana: str = "", name_en: str = ""
) -> District:
    district, _created = District.objects.update_or_create(
        city=city,
        code=code,
        defaults={"name": name, "name_kana": name_kana, "name_en": name_en, "area": as_multipolygon(area)},
    )
    return district


@transaction.atomic
def upsert_school_district(
    *, city: City, code: str, name: str, school_name: str, area: GEOSGeometry, name_en: str = ""
) -> SchoolDistrict:
    school_district, _created = SchoolDistrict.objects.update_or_create(
        city=city,
        code=code,
        defaults={"name": name, "name_en": name_en, "school_name": school_name, "area": as_multipolygon(area)},
    )
    return school_district
