"""Fixtures for associations: two associations in the demo city, officers and members of each."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon
from django.utils import timezone

from apps.neighbourhood.choices import MemberRole, MembershipStatus
from apps.neighbourhood.models import Association, Membership
from tests.notifications.conftest import resident_in, run_broadcast  # noqa: F401  (shared fixtures)


def _area(district) -> MultiPolygon:
    return MultiPolygon(*district.area, srid=4326) if district.area.geom_type == "MultiPolygon" else MultiPolygon(
        district.area, srid=4326)


@pytest.fixture
def association(demo_map) -> Association:
    """旭町町内会, covering demo district 02."""
    district = demo_map.districts["02"]
    created = Association.objects.create(name="旭町町内会", slug="asahi", area=_area(district))
    created.districts.set([district])
    return created


@pytest.fixture
def other_association(demo_map) -> Association:
    """港町自治会, covering demo district 05."""
    district = demo_map.districts["05"]
    created = Association.objects.create(name="港町自治会", slug="minato", area=_area(district))
    created.districts.set([district])
    return created


@pytest.fixture
def make_member(make_user, point_in):
    """make_member(association, role="member") -> an active member living inside its area."""
    counter = {"n": 0}

    def make(association: Association, role: str = MemberRole.MEMBER, status: str = MembershipStatus.ACTIVE,
             **extra):
        counter["n"] += 1
        user = make_user("resident")
        Membership.objects.create(
            association=association, user=user, role=role, status=status, real_name=f"会員 {counter['n']}",
            address=f"桜川市 {counter['n']}", location=association.area.point_on_surface,
            decided_at=timezone.now() if status != MembershipStatus.PENDING else None, **extra,
        )
        return user

    return make


@pytest.fixture
def officer(association, make_member):
    return make_member(association, MemberRole.OFFICER)


@pytest.fixture
def member(association, make_member):
    return make_member(association)
