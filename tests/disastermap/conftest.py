"""Fixtures for the disaster map: facilities and shelters placed in the demo districts."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from apps.disastermap.models import Facility, Genre, Shelter
from tests.notifications.conftest import resident_in, run_broadcast, sender  # noqa: F401  (shared fixtures)


@pytest.fixture
def genre(db):
    """genre("aed") -> the Genre row (the default genres come with the migrations)."""
    return lambda code: Genre.objects.get(code=code)


@pytest.fixture
def make_facility(db):
    counter = {"n": 0}

    def make(genre: str = "aed", *, lon: float, lat: float, **fields) -> Facility:
        counter["n"] += 1
        fields.setdefault("name", f"施設{counter['n']}")
        return Facility.objects.create(genre=Genre.objects.get(code=genre), location=Point(lon, lat, srid=4326),
                                       **fields)

    return make


@pytest.fixture
def make_shelter(db):
    counter = {"n": 0}

    def make(*, lon: float, lat: float, hazards: tuple[str, ...] = ("earthquake",), districts=(), **fields) -> Shelter:
        counter["n"] += 1
        fields.setdefault("name", f"避難所{counter['n']}")
        fields.setdefault("is_designated_shelter", True)
        shelter = Shelter.objects.create(
            genre=Genre.objects.get(code="shelter"), location=Point(lon, lat, srid=4326),
            **{f"serves_{hazard}": True for hazard in hazards}, **fields,
        )
        shelter.districts_served.set(districts)
        return shelter

    return make
