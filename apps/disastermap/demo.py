"""Demo map data for 桜川市: facilities, shelters, hazard zones, a community map, a river gauge.

Idempotent: rows carry source="demo" and are created only once.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon

from apps.accounts.roles import Role
from apps.disastermap.choices import CommunityFeatureCategory, FeatureStatus, Hazard, IncidentKind
from apps.disastermap.models import (
    CommunityFeature,
    CommunityMap,
    Facility,
    Genre,
    HazardZone,
    Incident,
    PersonNeedingHelp,
    Place,
    Shelter,
    WaterLevelStation,
)
from apps.geo.demo import CELL_LAT, CELL_LON, ORIGIN_LAT, ORIGIN_LON

SOURCE = "demo"
# (name, district code, cell x/y offsets 0..1, hazards, capacity, welfare)
SHELTERS = [
    ("中央小学校", "01", (0.5, 0.4), ("earthquake", "large_fire", "landslide"), 600, False),
    ("旭町公民館", "02", (0.3, 0.6), ("earthquake", "flood", "inland_flood"), 150, False),
    ("桜ヶ丘小学校", "03", (0.6, 0.7), ("earthquake", "flood", "storm_surge", "tsunami", "inland_flood"), 700, False),
    ("緑町コミュニティセンター", "04", (0.4, 0.5), ("earthquake", "large_fire"), 200, True),
    ("港小学校", "05", (0.5, 0.8), ("earthquake", "flood", "tsunami", "storm_surge"), 650, False),
    ("東山中学校", "06", (0.5, 0.5), ("earthquake", "flood", "inland_flood", "large_fire"), 800, False),
    ("北野体育館", "09", (0.5, 0.5), ("earthquake", "flood", "landslide"), 500, False),
    ("青葉台ふれあい会館", "10", (0.3, 0.3), ("earthquake", "flood"), 120, True),
]
GENRE_COUNTS = {"aed": 30, "hospital": 6, "on_duty_clinic": 3, "fire_hydrant": 25, "public_toilet": 10,
                "ev_charger": 5, "library": 2, "community_centre": 4, "police": 3, "water_supply": 4, "park": 8}


def _at(code: str, fx: float, fy: float) -> Point:
    index = int(code) - 1
    col, row = index % 5, index // 5
    return Point(ORIGIN_LON + (col + fx) * CELL_LON, ORIGIN_LAT + (row + fy) * CELL_LAT, srid=4326)


def _box(west: float, south: float, east: float, north: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((west, south, east, north)), srid=4326)


def seed(demo) -> None:
    if Facility.objects.filter(source=SOURCE).exists():
        return
    rng = random.Random(4)  # noqa: S311  (repeatable demo placement, not security)
    genres = {genre.code: genre for genre in Genre.objects.all()}
    shelter_staff = demo.users.get(Role.SCHOOL_STAFF.value)
    for number, (name, code, (fx, fy), hazards, capacity, welfare) in enumerate(SHELTERS, start=1):
        shelter = Shelter.objects.create(
            genre=genres["shelter"], name=name, address=f"桜川市{demo.districts[code].name}{number}-1",
            location=_at(code, fx, fy), phone=f"086-000-{1000 + number}", source=SOURCE, external_id=f"S{number:03}",
            is_emergency_site=True, is_designated_shelter=not welfare, is_welfare_shelter=welfare, capacity=capacity,
            wheelchair_accessible=True, wheelchair_toilet=number % 2 == 1,
            **{f"serves_{hazard}": True for hazard in hazards},
        )
        shelter.districts_served.set([demo.districts[code]])
        if shelter_staff and number == 1:
            shelter.staff.add(shelter_staff)
    for code, count in GENRE_COUNTS.items():
        for number in range(1, count + 1):
            district = rng.choice(list(demo.districts))
            Facility.objects.create(
                genre=genres[code], name=f"{genres[code].name} {demo.districts[district].name}{number}",
                address=f"桜川市{demo.districts[district].name}{rng.randint(1, 5)}-{rng.randint(1, 30)}",
                location=_at(district, rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)),
                source=SOURCE, external_id=f"{code}-{number}",
                wheelchair_toilet=code == "public_toilet" and number % 2 == 0,
                hours="24時間" if code == "aed" and number % 3 == 0 else "",
            )
    # A river runs west to east through the southern row; its banks flood.
    river_south, river_north = ORIGIN_LAT + 0.35 * CELL_LAT, ORIGIN_LAT + 0.55 * CELL_LAT
    east = ORIGIN_LON + 5 * CELL_LON
    HazardZone.objects.create(hazard=Hazard.FLOOD, level=2, label="0.5m以上3.0m未満", name="桜川 洪水浸水想定区域",
                              source=SOURCE, area=_box(ORIGIN_LON, river_south - 0.002, east, river_north + 0.002))
    HazardZone.objects.create(hazard=Hazard.FLOOD, level=3, label="3.0m以上5.0m未満", name="桜川 洪水浸水想定区域",
                              source=SOURCE, area=_box(ORIGIN_LON, river_south, east, river_north))
    hills_west = ORIGIN_LON + 3.6 * CELL_LON
    HazardZone.objects.create(hazard=Hazard.LANDSLIDE, level=1, label="土砂災害警戒区域", name="東山 急傾斜地",
                              source=SOURCE, area=_box(hills_west, ORIGIN_LAT + 1.7 * CELL_LAT,
                                                       ORIGIN_LON + 4.9 * CELL_LON, ORIGIN_LAT + 1.95 * CELL_LAT))
    for code, district in demo.districts.items():
        Place.objects.create(name=f"{district.name}一丁目", postal_code=f"70000{int(code):02}",
                             location=district.area.point_on_surface)
    _seed_layers(demo, rng)
    count = Facility.objects.filter(source=SOURCE).count()
    demo.notes.append(f"Disaster map: 8 shelters (all closed), {count} facilities, 3 hazard zones, a community "
                      "map, a river gauge and one person needing help (seen by the demo officer as supporter).")


def _seed_layers(demo, rng: random.Random) -> None:
    officer = demo.users.get(Role.ASSOCIATION_OFFICER.value)
    clerk = demo.users.get(Role.CITY_STAFF.value)
    district = demo.districts["02"]
    community = CommunityMap.objects.create(name="旭町 防災マップ", association_name="旭町町内会", district=district,
                                            description="旭町町内会が作成した地域の防災マップです。")
    if officer:
        community.editors.add(officer)
    for category, title, shape in [
        (CommunityFeatureCategory.MEETING_POINT, "一時集合場所（旭町公園）", _at("02", 0.5, 0.5)),
        (CommunityFeatureCategory.DANGER, "ブロック塀（倒壊の恐れ）", _at("02", 0.7, 0.3)),
        (CommunityFeatureCategory.WATER, "防火水槽", _at("02", 0.2, 0.8)),
        (CommunityFeatureCategory.BLOCKED_ROAD, "狭い道路（倒壊家屋で通れなくなる恐れ）",
         LineString(_at("02", 0.1, 0.2), _at("02", 0.9, 0.25), srid=4326)),
    ]:
        CommunityFeature.objects.create(map=community, category=category, title=title, geometry=shape,
                                        status=FeatureStatus.ACCEPTED, proposed_by=officer, decided_by=officer)
    WaterLevelStation.objects.create(
        code="sakuragawa-asahi", name="旭橋", river="桜川", location=_at("02", 0.5, 0.45),
        standby_level="1.50", caution_level="2.20", evacuation_level="2.80", danger_level="3.30",
        device_secret=secrets.token_hex(32), alert_sender=clerk,
    ).districts_to_warn.set([demo.districts["01"], demo.districts["02"], demo.districts["03"]])
    Incident.objects.create(kind=IncidentKind.SUSPICIOUS_PERSON, title="不審な声かけ（下校時）",
                            description="下校中の児童に声をかける人物がいました。", location=_at("03", 0.4, 0.6),
                            occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2), source=SOURCE,
                            created_by=clerk)
    person = PersonNeedingHelp.objects.create(
        full_name="桜川 花子", address="桜川市旭町3-5", location=_at("02", 0.35, 0.55), district=district,
        needs="車いすを使用。避難の際は介助が必要。", emergency_contact="長男 090-0000-0000",
        consent_given_on=dt.date(2026, 4, 1),
    )
    if officer:
        person.supporters.add(officer)
