"""Fixtures for open data: a city with shelters, facilities, zones, an association and a broadcast."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.disastermap.models import HazardZone
from apps.neighbourhood.models import Association, Membership
from apps.notifications.choices import Category
from apps.notifications.services import publish
from tests.disastermap.conftest import make_facility, make_shelter  # noqa: F401  (shared fixtures)
from tests.notifications.conftest import district_audience, resident_in, run_broadcast  # noqa: F401

LON, LAT = 133.935, 34.6617


def square(lon: float, lat: float, size: float = 0.002) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((lon, lat, lon + size, lat + size)), srid=4326)


@pytest.fixture
def staff(make_user):
    return make_user("city_staff")


@pytest.fixture
def genres(db):
    """The default genres (a migration adds them; a transactional test's flush takes them away)."""
    from apps.disastermap.genres import DEFAULT_GENRES
    from apps.disastermap.models import Genre

    for order, (code, name, name_en, symbol) in enumerate(DEFAULT_GENRES):
        Genre.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "symbol": symbol,
                                                         "sort_order": order * 10})


@pytest.fixture
def city(genres, demo_map, make_facility, make_shelter, make_user, resident_in, run_broadcast):  # noqa: F811
    """Public data of every live dataset, next to planted personal data that must never appear."""
    district = demo_map.districts["01"]
    shelter = make_shelter(lon=LON, lat=LAT, name="中央小学校", address="桜川市中央1-1", phone="086-000-0001",
                           capacity=600, districts=[district])
    aed = make_facility("aed", lon=LON + 0.01, lat=LAT, name="市役所AED", hours="24時間")
    library = make_facility("library", lon=LON - 0.01, lat=LAT, name="中央図書館")
    hidden = make_facility("library", lon=LON, lat=LAT + 0.01, name="非公開の施設", is_public=False)
    zone = HazardZone.objects.create(hazard="flood", level=3, label="3.0m以上5.0m未満", name="桜川",
                                     source="県", area=square(LON, LAT))
    # A person with everything personal filled in, as association member, shelter staff and recipient.
    person = resident_in("01", email="hanako.secret@example.jp", first_name="花子", last_name="秘密山")
    shelter.staff.add(person)
    association = Association.objects.create(name="中央町内会", slug="chuo", description="中央地区の町内会",
                                             area=square(LON, LAT, 0.02))
    association.districts.add(district)
    Membership.objects.create(association=association, user=person, real_name="秘密山 花子",
                              address="桜川市中央9-99-999", location=district.area.point_on_surface,
                              phone="090-9999-8888", status="active")
    sender = make_user("city_staff")
    message = publish(sender=sender, title="防災訓練のお知らせ", body="本文", category=Category.DISASTER,
                      audience=district_audience(district))
    run_broadcast(message)
    return {"shelter": shelter, "aed": aed, "library": library, "hidden": hidden, "zone": zone,
            "person": person, "association": association, "message": message, "district": district}


CSV_SJIS = "地区コード,地区名,人口\r\n01,中央,3210\r\n02,旭町,2105\r\n".encode("cp932")


@pytest.fixture
def uploaded(staff):
    """A staff dataset with one uploaded CSV (Shift_JIS)."""
    from apps.opendata.models import Organisation
    from apps.opendata.services.catalogue import add_upload, create_dataset

    organisation = Organisation.objects.get_or_create(code="citizen-affairs", defaults={"name": "市民課"})[0]
    dataset = create_dataset(user=staff, slug="population", organisation=organisation, tags=["人口", "統計"],
                             title="地区別人口", title_en="Population by district", description="地区別の人口",
                             theme="administration", update_frequency="monthly", spatial="桜川市")
    resource = add_upload(user=staff, dataset=dataset, name="人口CSV", name_en="Population CSV",
                          upload=SimpleUploadedFile("population.csv", CSV_SJIS))
    return dataset, resource
