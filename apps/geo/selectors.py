"""Reads of the city's map. Areas are public: no user scoping is needed."""

from django.db.models import QuerySet

from apps.geo.models import City, District, SchoolDistrict


def cities() -> QuerySet[City]:
    return City.objects.all()


def districts(*, city: City | None = None) -> QuerySet[District]:
    queryset = District.objects.select_related("city")
    return queryset.filter(city=city) if city is not None else queryset


def school_districts(*, city: City | None = None) -> QuerySet[SchoolDistrict]:
    queryset = SchoolDistrict.objects.select_related("city")
    return queryset.filter(city=city) if city is not None else queryset
