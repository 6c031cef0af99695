"""Alerts fixtures: two members of staff, residents placed in the demo city, a flood zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from apps.accounts.services import update_profile
from apps.alerts.defaults import ensure_event_types
from apps.alerts.models import EventType
from apps.alerts.services.areas import AreaChoice
from apps.alerts.services.compose import AlertContent
from apps.disastermap.choices import Hazard
from apps.disastermap.models import HazardZone


@pytest.fixture(autouse=True)
def _fresh_process_cache():
    # The per-process layer of the banner and /disaster outlives a test, like the shared cache.
    from apps.alerts import caching

    caching.reset_local()
    yield
    caching.reset_local()


@pytest.fixture
def event_types(db) -> dict[str, EventType]:
    ensure_event_types()
    return {e.code: e for e in EventType.objects.all()}


@pytest.fixture
def drafter(make_user):
    return make_user("city_staff")


@pytest.fixture
def approver(make_user):
    return make_user("city_staff")


@pytest.fixture
def resident_in(make_user, demo_map, point_in):
    """resident_in("01") -> a resident whose home is in demo district 01 (and whose district is it)."""

    def make(code: str, *, with_district: bool = True, at=None, **extra):
        user = make_user("resident", **extra)
        district = demo_map.districts[code]
        update_profile(user=user, home_location=at or point_in(district),
                       **({"district": district} if with_district else {}))
        return user

    return make


@pytest.fixture
def flood_zone(demo_map) -> HazardZone:
    """A flood zone: the southern half of demo district 01 (a box inside its envelope)."""
    xmin, ymin, xmax, ymax = demo_map.districts["01"].area.extent
    box = Polygon.from_bbox((xmin, ymin, xmax, (ymin + ymax) / 2))
    return HazardZone.objects.create(hazard=Hazard.FLOOD, level=3, label="3.0m以上5.0m未満", name="桜川 浸水想定区域",
                                     area=MultiPolygon(box, srid=4326))


@pytest.fixture
def flood_content(flood_zone, event_types):
    def make(**changes) -> AlertContent:
        content = AlertContent(
            event_type="evacuation", urgency="Immediate", severity="Severe", certainty="Likely",
            evacuation_level=4, headline="桜川の氾濫のおそれ 避難指示", description="桜川が氾濫するおそれがあります。",
            instruction="直ちに避難してください。", headline_en="Evacuation order: Sakuragawa may flood",
            description_en="The Sakuragawa river may flood.", instruction_en="Evacuate now.",
            headline_easy="ひなん してください", text_easy="かわ の みず が あふれる かもしれません。",
            expires=timezone.now() + dt.timedelta(hours=6),
            area=AreaChoice(hazard_zone_id=flood_zone.id),
        )
        for key, value in changes.items():
            setattr(content, key, value)
        return content

    return make


@pytest.fixture
def inside_and_outside(resident_in, flood_zone, demo_map):
    """Residents of district 01 in the flood zone and north of it; and one in district 02."""
    xmin, ymin, xmax, ymax = demo_map.districts["01"].area.extent
    from django.contrib.gis.geos import Point

    south = Point(xmin + (xmax - xmin) * 0.5, ymin + (ymax - ymin) * 0.2, srid=4326)
    north = Point(xmin + (xmax - xmin) * 0.5, ymin + (ymax - ymin) * 0.8, srid=4326)
    assert flood_zone.area.contains(south) and not flood_zone.area.contains(north)
    return {
        "inside": resident_in("01", with_district=False, at=south),
        "north": resident_in("01", with_district=False, at=north),
        "elsewhere": resident_in("02"),
    }
