"""Am I at risk? Zones at a point and the nearest shelters suited to those hazards."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.urls import reverse

from apps.disastermap.models import HazardZone

pytestmark = pytest.mark.django_db
LAT, LON = 34.65, 133.93


def square(lon: float, lat: float, half: float = 0.005) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half)), srid=4326)


def test_point_in_flood_zone_gets_flood_shelters(client, make_shelter):
    HazardZone.objects.create(hazard="flood", level=3, label="3.0m以上5.0m未満", area=square(LON, LAT))
    HazardZone.objects.create(hazard="landslide", level=1, area=square(LON + 0.1, LAT))
    make_shelter(lon=LON + 0.001, lat=LAT, name="地震だけ", hazards=("earthquake",))
    make_shelter(lon=LON + 0.003, lat=LAT, name="洪水OK", hazards=("flood", "earthquake"))
    response = client.get(reverse("disastermap:risk"), {"lat": LAT, "lon": LON})
    risk = response.context["risk"]
    assert [zone.hazard for zone in risk.zones] == ["flood"]
    assert [shelter.name for shelter in risk.shelters] == ["洪水OK"]
    assert "3.0m以上5.0m未満" in response.content.decode()
    api = client.get(reverse("api:map-risk"), {"lat": LAT, "lon": LON}).json()
    assert api["hazards"] == ["flood"]
    assert [s["name"] for s in api["shelters"]] == ["洪水OK"]
    assert api["zones"][0]["label"] == "3.0m以上5.0m未満"


def test_outside_every_zone_earthquake_shelters_are_offered(client, make_shelter):
    make_shelter(lon=LON + 0.002, lat=LAT, name="地震避難所", hazards=("earthquake",))
    api = client.get(reverse("api:map-risk"), {"lat": LAT, "lon": LON}).json()
    assert api["zones"] == [] and api["hazards"] == ["earthquake"]
    assert [s["name"] for s in api["shelters"]] == ["地震避難所"]


def test_risk_rejects_bad_points(client):
    response = client.get(reverse("api:map-risk"), {"lat": "north", "lon": 500})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"lat", "lon"}


def test_hazard_zone_geojson_in_box(client):
    HazardZone.objects.create(hazard="flood", level=2, label="0.5m以上3.0m未満", area=square(LON, LAT))
    response = client.get(reverse("api:map-hazard-zones"), {"bbox": f"{LON - 0.02},{LAT - 0.02},{LON},{LAT}"})
    assert response["Content-Type"] == "application/geo+json"
    (feature,) = response.json()["features"]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["hazard"] == "flood" and feature["properties"]["level"] == 2
