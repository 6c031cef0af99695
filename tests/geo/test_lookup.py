"""Which district is this point in: the services, the HTML page and the API."""

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError

from apps.geo import demo
from apps.geo.models import District
from apps.geo.services import (
    as_multipolygon,
    district_for_point,
    make_point,
    school_district_for_point,
    upsert_district,
)

pytestmark = pytest.mark.django_db

DISTRICT_CODES = [f"{n:02d}" for n in range(1, 11)]
# Column of each district in the demo grid (two rows of five) -> the school district covering it.
SCHOOL_BY_COLUMN = {0: "E1", 1: "E1", 2: "E2", 3: "E2", 4: "E3"}
OUTSIDE = Point(135.5, 35.0, srid=4326)  # well east of the demo city


def grid_line_lon(column: int) -> float:
    """Longitude of the line west of `column`, computed exactly as the demo boxes are."""
    return demo.ORIGIN_LON + column * demo.CELL_LON


def grid_line_lat(row: int) -> float:
    return demo.ORIGIN_LAT + row * demo.CELL_LAT


def square(west: float, south: float, size: float = 0.01) -> Polygon:
    east, north = west + size, south + size
    return Polygon(((west, south), (east, south), (east, north), (west, north), (west, south)), srid=4326)


# --- services -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", DISTRICT_CODES)
def test_a_point_inside_each_district_finds_it(demo_map, point_in, code):
    district = demo_map.districts[code]
    column = DISTRICT_CODES.index(code) % demo.COLUMNS

    point = point_in(district)

    assert district_for_point(point) == district
    assert school_district_for_point(point) == demo_map.school_districts[SCHOOL_BY_COLUMN[column]]


def test_a_point_outside_the_city_finds_nothing(demo_map):
    assert district_for_point(OUTSIDE) is None
    assert school_district_for_point(OUTSIDE) is None


def test_a_point_on_a_shared_border_gets_the_lowest_code(demo_map):
    # 01 and 02 share the line east of column 0; 06 and 07 the same line one row up.
    south_row = Point(grid_line_lon(1), grid_line_lat(0) + demo.CELL_LAT / 2, srid=4326)
    north_row = Point(grid_line_lon(1), grid_line_lat(1) + demo.CELL_LAT / 2, srid=4326)
    # 01, 02, 06 and 07 all touch this corner.
    corner = Point(grid_line_lon(1), grid_line_lat(1), srid=4326)

    for _ in range(3):  # the same answer every time
        assert district_for_point(south_row).code == "01"
        assert district_for_point(north_row).code == "06"
        assert district_for_point(corner).code == "01"


def test_a_point_on_a_school_district_border_gets_the_lowest_code(demo_map):
    # E1 covers columns 0-1, E2 columns 2-3: they meet east of column 1.
    border = Point(grid_line_lon(2), grid_line_lat(1), srid=4326)

    assert school_district_for_point(border).code == "E1"


def test_make_point_gives_a_wgs84_point():
    point = make_point(lat=34.6617, lon=133.935)

    assert (point.x, point.y, point.srid) == (133.935, 34.6617, 4326)
    assert make_point(lat=-90, lon=180).coords == (180, -90)


@pytest.mark.parametrize(
    ("lat", "lon", "fields"),
    [(90.5, 133.9, {"lat"}), (-91, 133.9, {"lat"}), (34.6, 180.1, {"lon"}), (34.6, -181, {"lon"}),
     (100, 200, {"lat", "lon"})],
)
def test_make_point_refuses_out_of_range_values(lat, lon, fields):
    with pytest.raises(ValidationError) as caught:
        make_point(lat=lat, lon=lon)

    assert set(caught.value.message_dict) == fields


def test_as_multipolygon_wraps_a_polygon():
    result = as_multipolygon(square(133.9, 34.6))

    assert isinstance(result, MultiPolygon)
    assert result.srid == 4326
    assert len(result) == 1


def test_as_multipolygon_transforms_other_srids_to_wgs84():
    in_web_mercator = square(133.9, 34.6).transform(3857, clone=True)

    result = as_multipolygon(in_web_mercator)

    assert result.srid == 4326
    west, south, east, north = result.extent
    assert west == pytest.approx(133.9) and south == pytest.approx(34.6)
    assert east == pytest.approx(133.91) and north == pytest.approx(34.61)


def test_as_multipolygon_rejects_a_self_intersecting_polygon():
    bowtie = Polygon(((0, 0), (1, 1), (1, 0), (0, 1), (0, 0)), srid=4326)

    with pytest.raises(ValidationError) as caught:
        as_multipolygon(bowtie)

    assert "area" in caught.value.message_dict


@pytest.mark.parametrize("geometry", [Point(133.9, 34.6, srid=4326), LineString((0, 0), (1, 1), srid=4326)])
def test_as_multipolygon_rejects_what_is_not_an_area(geometry):
    with pytest.raises(ValidationError) as caught:
        as_multipolygon(geometry)

    assert "area" in caught.value.message_dict


def test_upsert_district_is_idempotent(demo_map):
    city = demo_map.city
    before = District.objects.count()

    first = upsert_district(city=city, code="11", name="新町", area=square(134.0, 34.7))
    again = upsert_district(city=city, code="11", name="新町二丁目", name_en="Shinmachi 2", area=square(134.0, 34.7))

    assert again.pk == first.pk
    assert District.objects.count() == before + 1
    again.refresh_from_db()
    assert (again.name, again.name_en) == ("新町二丁目", "Shinmachi 2")
    assert district_for_point(Point(134.005, 34.705, srid=4326)) == again


def test_upsert_district_refuses_a_bad_area(demo_map):
    with pytest.raises(ValidationError):
        upsert_district(city=demo_map.city, code="12", name="点", area=Point(134.0, 34.7, srid=4326))

    assert not District.objects.filter(code="12").exists()


# --- HTML page ------------------------------------------------------------------------------


def test_lookup_page_without_a_query_shows_the_empty_form(client):
    response = client.get("/geo/lookup/")

    assert response.status_code == 200
    assert response.context["result"] is None
    assert not response.context["form"].errors


def test_lookup_page_shows_the_district_and_school(client, demo_map, point_in):
    district = demo_map.districts["05"]
    point = point_in(district)

    response = client.get("/geo/lookup/", {"lat": point.y, "lon": point.x})

    assert response.status_code == 200
    page = response.content.decode()
    assert district.name in page
    assert demo_map.school_districts["E3"].school_name in page
    assert response.context["result"]["district"] == district


def test_lookup_page_outside_the_city_says_so(client, demo_map):
    response = client.get("/geo/lookup/", {"lat": OUTSIDE.y, "lon": OUTSIDE.x})

    assert response.status_code == 200
    assert response.context["result"]["district"] is None
    assert 'id="result-heading"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [({"lat": "abc", "lon": "133.9"}, "lat"), ({"lat": "34.6"}, "lon"), ({"lat": "34.6", "lon": "200"}, "lon")],
)
def test_lookup_page_with_bad_input_shows_an_error_and_no_result(client, demo_map, query, field):
    response = client.get("/geo/lookup/", query)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["result"] is None
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'id="result-heading"' not in page


# --- API ------------------------------------------------------------------------------------


def test_api_lookup_finds_district_and_school_district(client, demo_map, point_in):
    district = demo_map.districts["04"]
    point = point_in(district)

    response = client.get("/api/v1/geo/lookup/", {"lat": point.y, "lon": point.x})

    assert response.status_code == 200
    body = response.json()
    assert body["lat"] == pytest.approx(point.y) and body["lon"] == pytest.approx(point.x)
    assert body["district"] == {"id": district.pk, "code": "04", "name": district.name}
    school = demo_map.school_districts["E2"]
    assert body["school_district"] == {"id": school.pk, "code": "E2", "name": school.name}


def test_api_lookup_outside_the_city_is_null(client, demo_map):
    response = client.get("/api/v1/geo/lookup/", {"lat": OUTSIDE.y, "lon": OUTSIDE.x})

    assert response.status_code == 200
    assert response.json()["district"] is None
    assert response.json()["school_district"] is None


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({}, {"lat", "lon"}),
        ({"lat": "34.6"}, {"lon"}),
        ({"lat": "north", "lon": "133.9"}, {"lat"}),
        ({"lat": "95", "lon": "133.9"}, {"lat"}),
        ({"lat": "34.6", "lon": "-181"}, {"lon"}),
    ],
)
def test_api_lookup_with_bad_parameters_is_a_400_naming_the_field(client, query, fields):
    response = client.get("/api/v1/geo/lookup/", query)

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == fields
    for field in fields:
        assert field in body["detail"]


def test_districts_api_is_a_geojson_feature_collection(client, demo_map):
    response = client.get("/api/v1/districts/")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 10
    assert [feature["properties"]["code"] for feature in body["features"]] == DISTRICT_CODES
    first = body["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon"
    assert first["properties"]["city"] == demo_map.city.name


def test_school_districts_api_is_a_geojson_feature_collection(client, demo_map):
    response = client.get("/api/v1/school-districts/")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [feature["properties"]["code"] for feature in body["features"]] == ["E1", "E2", "E3"]
