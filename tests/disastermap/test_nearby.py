"""Nearby search: distance order, radius, genres, accessibility, typed places; page and API."""

from __future__ import annotations

import math

import pytest
from django.urls import reverse

from apps.disastermap.models import Place
from apps.disastermap.selectors.facilities import nearby
from apps.geo.services import make_point

pytestmark = pytest.mark.django_db
LAT, LON = 34.65, 133.93
M_PER_DEG_LAT = 111_320


def north_of(metres: float) -> tuple[float, float]:
    return LON, LAT + metres / M_PER_DEG_LAT


def east_of(metres: float) -> tuple[float, float]:
    return LON + metres / (M_PER_DEG_LAT * math.cos(math.radians(LAT))), LAT


def test_nearest_first_within_radius_with_distances(make_facility):
    far = make_facility("aed", *[], lon=north_of(900)[0], lat=north_of(900)[1], name="far")
    near = make_facility("aed", lon=east_of(200)[0], lat=east_of(200)[1], name="near")
    make_facility("aed", lon=north_of(1500)[0], lat=north_of(1500)[1], name="outside")
    found = nearby(point=make_point(lat=LAT, lon=LON), radius_m=1000)
    assert [f.name for f in found] == ["near", "far"]
    assert abs(found[0].distance_m - 200) <= 3
    assert abs(found[1].distance_m - 900) <= 5
    assert {near.pk, far.pk} == {f.pk for f in found}


def test_genre_and_accessibility_filters(make_facility):
    make_facility("aed", lon=LON, lat=LAT + 0.001, name="aed")
    make_facility("hospital", lon=LON, lat=LAT + 0.002, name="hospital")
    make_facility("public_toilet", lon=LON, lat=LAT + 0.003, name="plain toilet")
    make_facility("public_toilet", lon=LON, lat=LAT + 0.004, name="accessible toilet", wheelchair_toilet=True)
    point = make_point(lat=LAT, lon=LON)
    assert [f.name for f in nearby(point=point, radius_m=1000, genre_codes=["aed", "hospital"])] == ["aed", "hospital"]
    found = nearby(point=point, radius_m=1000, genre_codes=["public_toilet"], accessibility=["wheelchair_toilet"])
    assert [f.name for f in found] == ["accessible toilet"]


def test_hidden_facilities_never_show(make_facility, client):
    make_facility("aed", lon=LON, lat=LAT, name="secret depot", is_public=False)
    assert nearby(point=make_point(lat=LAT, lon=LON), radius_m=500) == []
    box = f"{LON - 0.01},{LAT - 0.01},{LON + 0.01},{LAT + 0.01}"
    response = client.get(reverse("api:map-facilities"), {"bbox": box})
    assert response.json()["features"] == []


def test_page_finds_by_postal_code_and_lists_distance(client, make_facility):
    Place.objects.create(name="旭町一丁目", postal_code="7000001", location=make_point(lat=LAT, lon=LON))
    make_facility("aed", lon=east_of(300)[0], lat=east_of(300)[1], name="駅前AED")
    response = client.get(reverse("disastermap:nearby"), {"q": "７００－０００１", "radius": "1000", "genre": "aed"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "駅前AED" in body
    assert "300 m" in body or "299 m" in body or "301 m" in body


def test_page_says_what_is_wrong(client):
    response = client.get(reverse("disastermap:nearby"), {"q": "どこにもない町"})
    assert response.status_code == 200
    assert "どこにもない町" in response.content.decode()
    assert response.context["form"].errors["q"]
    response = client.get(reverse("disastermap:nearby"), {"lat": "91", "lon": "133"})
    assert "lat" in response.context["form"].errors


def test_district_name_is_a_place(client, demo_map, make_facility, point_in):
    spot = point_in(demo_map.districts["02"])
    make_facility("library", lon=spot.x + 0.0005, lat=spot.y, name="旭町図書館")
    response = client.get(reverse("disastermap:nearby"), {"q": "旭町", "radius": "1000"})
    assert "旭町図書館" in response.content.decode()


def test_api_nearby_and_errors(client, make_facility):
    make_facility("aed", lon=east_of(100)[0], lat=east_of(100)[1], name="a1")
    make_facility("hospital", lon=east_of(400)[0], lat=east_of(400)[1], name="h1")
    url = reverse("api:map-facilities-nearby")
    data = client.get(url, {"lat": LAT, "lon": LON, "radius": 1000, "genre": "aed,hospital"}).json()
    assert [(row["name"], row["genre"]) for row in data] == [("a1", "aed"), ("h1", "hospital")]
    assert data[0]["distance_m"] < data[1]["distance_m"]
    bad = client.get(url, {"lat": 95, "lon": LON, "genre": "unicorns"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"lat", "genre"}
    assert client.get(url, {"lat": LAT, "lon": LON, "radius": 999999}).json()["errors"]["radius"]


def test_bbox_geojson(client, make_facility, make_shelter):
    make_facility("aed", lon=LON, lat=LAT, name="in box")
    make_facility("aed", lon=LON + 0.5, lat=LAT, name="out of box")
    make_shelter(lon=LON + 0.001, lat=LAT, name="避難所A")
    response = client.get(reverse("api:map-facilities"),
                          {"bbox": f"{LON - 0.01},{LAT - 0.01},{LON + 0.01},{LAT + 0.01}"})
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in collection["features"]}
    assert set(by_name) == {"in box", "避難所A"}
    assert by_name["in box"]["geometry"] == {"type": "Point", "coordinates": [LON, LAT]}  # lon, lat (RFC 7946)
    assert by_name["避難所A"]["properties"]["status"] == "closed"
    for bad in ("1,2,3", "10,10,5,20", "0,0,5,5", "a,b,c,d"):
        answer = client.get(reverse("api:map-facilities"), {"bbox": bad})
        assert answer.status_code == 400 and "bbox" in answer.json()["errors"], bad
