"""Fixtures for community disaster map tests: a map of demo district 01, its people, images.

District 01 (中央) is the box lon 133.900–133.914, lat 34.640–34.652; district 02 lies east.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from PIL import Image

from apps.accounts.models import User
from apps.disastermap.choices import FeatureStatus
from apps.disastermap.models import CommunityFeature, CommunityMap

INSIDE = (133.907, 34.646)  # lon, lat in district 01
FAR_AWAY = (133.990, 34.700)  # several km outside district 01


@dataclass
class People:
    editor: User
    member: User
    other_member: User
    outsider: User
    staff: User


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English, whatever the profile says: the assertions read the English source."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def people(make_user, resident_in) -> People:
    made = People(
        editor=make_user("association_officer"),
        member=resident_in("01"),
        other_member=resident_in("01"),
        outsider=resident_in("02"),
        staff=make_user("city_staff"),
    )
    # Fresh from the database, as a request would load them (no stale cached profile).
    return People(**{role: User.objects.get(pk=user.pk) for role, user in vars(made).items()})


@pytest.fixture
def make_map(demo_map):
    def make(code: str = "01", *, editors=(), is_public: bool = True, name: str = "中央町内会 防災マップ"):
        community_map = CommunityMap.objects.create(
            name=name, association_name="中央町内会", district=demo_map.districts[code], is_public=is_public)
        community_map.editors.set(editors)
        return community_map

    return make


@pytest.fixture
def cmap(make_map, people) -> CommunityMap:
    return make_map(editors=[people.editor])


@pytest.fixture
def private_map(make_map, people) -> CommunityMap:
    return make_map(editors=[people.editor], is_public=False, name="会員限定マップ")


@pytest.fixture
def make_feature():
    def make(community_map: CommunityMap, *, status: str = FeatureStatus.ACCEPTED, geometry=None, by=None,
             category: str = "danger", title: str = "危険なブロック塀", note: str = "") -> CommunityFeature:
        return CommunityFeature.objects.create(
            map=community_map, category=category, title=title, note=note, status=status, proposed_by=by,
            geometry=geometry or Point(*INSIDE, srid=4326))

    return make


def square(lon: float, lat: float, size: float = 0.001) -> Polygon:
    return Polygon(((lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size), (lon, lat)), srid=4326)


def road(lon: float, lat: float) -> LineString:
    return LineString((lon, lat), (lon + 0.002, lat + 0.0005), (lon + 0.004, lat), srid=4326)


def image_bytes(kind: str = "JPEG", *, size=(64, 48), gps: bool = False) -> bytes:
    """A real picture; with gps=True it carries an EXIF GPS block as phone photos do."""
    picture = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        gps_ifd = {1: "N", 2: (34.0, 38.0, 45.0), 3: "E", 4: (133.0, 54.0, 25.0)}
        exif[0x8825] = gps_ifd
        options["exif"] = exif.tobytes()
    picture.save(out, format=kind, **options)
    return out.getvalue()
