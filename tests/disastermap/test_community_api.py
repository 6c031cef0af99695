"""Community disaster maps through the API: GeoJSON, proposals, decisions, validation, privacy."""
# ruff: noqa: F811  (fixtures imported from community_support are requested by name)

from __future__ import annotations

import itertools
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from apps.disastermap.choices import FeatureStatus
from apps.disastermap.models import CommunityFeature
from apps.notifications.models import Message
from tests.disastermap.community_support import (  # noqa: F401  (fixtures)
    FAR_AWAY,
    INSIDE,
    _english,
    _media,
    cmap,
    image_bytes,
    make_feature,
    make_map,
    people,
    private_map,
    road,
    square,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.cookies["django_language"] = "en"
    return client


def features_url(community_map) -> str:
    return reverse("api:map-community-feature-create", args=[community_map.pk])


def geojson_url(community_map) -> str:
    return reverse("api:map-community-features-geojson", args=[community_map.pk])


def body(**extra) -> dict:
    data = {"category": "danger", "title": "倒れそうな電柱", "note": "",
            "geometry": {"type": "Point", "coordinates": list(INSIDE)}}
    data.update(extra)
    return data


def test_list_and_detail(api, cmap, private_map, make_feature, people):
    make_feature(cmap)
    make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member)
    listing = api.get(reverse("api:map-community-list")).json()
    assert [m["id"] for m in listing] == [cmap.pk]
    assert listing[0]["feature_count"] == 1 and listing[0]["may_propose"] is False
    assert listing[0]["district"]["name"] == "中央"
    detail = api.get(reverse("api:map-community-detail", args=[cmap.pk])).json()
    assert detail["association_name"] == "中央町内会"
    assert detail["district_outline"]["type"] == "MultiPolygon"
    api.force_authenticate(people.member)
    mine = api.get(reverse("api:map-community-list")).json()
    assert {m["id"] for m in mine} == {cmap.pk, private_map.pk}
    assert all(m["may_propose"] and not m["may_edit"] for m in mine)


def test_geojson_is_rfc7946_with_its_media_type(api, cmap, make_feature, people):
    clockwise = square(133.905, 34.644).coords[0][::-1]
    from django.contrib.gis.geos import Polygon

    make_feature(cmap, category="meeting_point", title="公園", geometry=Polygon(clockwise, srid=4326))
    make_feature(cmap, category="danger", title="塀")
    make_feature(cmap, category="blocked_road", title="路地", geometry=road(133.903, 34.643))
    make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member, title="提案中")
    response = api.get(geojson_url(cmap))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    titles = [f["properties"]["title"] for f in data["features"]]
    assert titles == ["塀", "路地", "公園"]  # legend order: danger, blocked road, meeting point
    assert [f["properties"]["number"] for f in data["features"]] == [1, 2, 3]
    ring = data["features"][2]["geometry"]["coordinates"][0]
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    assert area > 0  # exterior ring counterclockwise, as RFC 7946 asks
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": list(INSIDE)}


def test_only_editors_may_ask_for_proposals_in_the_geojson(api, cmap, make_feature, people):
    make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member, title="提案中")
    url = geojson_url(cmap) + "?status=proposed"
    assert api.get(url).status_code == 403
    api.force_authenticate(people.member)
    assert api.get(url).status_code == 403
    api.force_authenticate(people.editor)
    response = api.get(url)
    assert response.status_code == 200
    assert [f["properties"]["title"] for f in json.loads(response.content)["features"]] == ["提案中"]
    assert api.get(geojson_url(cmap) + "?status=maybe").status_code == 400


def test_member_posts_geojson_and_it_waits_as_a_proposal(api, cmap, people, run_broadcast):
    api.force_authenticate(people.member)
    response = api.post(features_url(cmap), body(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["properties"]["status"] == "proposed"
    assert response.json()["geometry"] == {"type": "Point", "coordinates": list(INSIDE)}
    run_broadcast(Message.objects.get())
    api.force_authenticate(None)
    assert json.loads(api.get(geojson_url(cmap)).content)["features"] == []


def test_editor_posts_a_line_and_it_is_accepted(api, cmap, people):
    api.force_authenticate(people.editor)
    line = {"type": "LineString", "coordinates": [[133.903, 34.643], [133.905, 34.6435], [133.907, 34.643]]}
    response = api.post(features_url(cmap), body(geometry=line, category="blocked_road"), format="json")
    assert response.status_code == 201
    assert response.json()["properties"]["status"] == "accepted"
    assert not Message.objects.exists()


def test_multipart_with_a_photo(api, cmap, people):
    api.force_authenticate(people.member)
    photo = SimpleUploadedFile("x.webp", image_bytes("WEBP"), content_type="image/webp")
    data = {"category": "aed", "title": "AED", "geometry": json.dumps({"type": "Point", "coordinates": list(INSIDE)}),
            "photo": photo}
    response = api.post(features_url(cmap), data, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["properties"]["photo_url"].endswith("/photo/")
    assert CommunityFeature.objects.get().photo.name.endswith(".webp")


def test_who_may_not_post(api, cmap, private_map, people):
    assert api.post(features_url(cmap), body(), format="json").status_code == 401
    api.force_authenticate(people.outsider)
    response = api.post(features_url(cmap), body(), format="json")
    assert response.status_code == 403 and "members" in response.json()["detail"]
    assert api.post(features_url(private_map), body(), format="json").status_code == 404
    assert not CommunityFeature.objects.exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"geometry": {"type": "Point", "coordinates": list(FAR_AWAY)}}, "geometry", "within 1000 m of the district"),
    ({"geometry": {"type": "Polygon", "coordinates": [[[133.905, 34.644], [133.906, 34.645], [133.906, 34.644],
                                                       [133.905, 34.645], [133.905, 34.644]]]}},
     "geometry", "crosses itself"),
    ({"geometry": {"type": "Point", "coordinates": [133.9, 91]}}, "geometry", "Latitude 91 is out of range"),
    ({"geometry": {"type": "Point", "coordinates": [181, 34.6]}}, "geometry", "Longitude 181 is out of range"),
    ({"geometry": {"type": "LineString", "coordinates": [[133.9 + i * 1e-5, 34.645] for i in range(501)]}},
     "geometry", "use at most 500"),
    ({"geometry": {"type": "LineString", "coordinates": [[133.905, 34.645]]}}, "geometry", "at least two"),
    ({"geometry": {"type": "MultiPoint", "coordinates": [[133.905, 34.645]]}}, "geometry", "Point, LineString or"),
    ({"geometry": {"type": "Point", "coordinates": ["a", "b"]}}, "geometry", "must be numbers"),
    ({"category": "volcano"}, "category", "is not a valid choice"),
    ({"title": ""}, "title", "may not be blank"),
    ({"title": "x" * 121}, "title", "no more than 120"),
    ({"colour": "red"}, "colour", "Unknown field"),
])
def test_bad_input_is_refused_naming_the_field(api, cmap, people, changes, field, message):
    api.force_authenticate(people.editor)
    response = api.post(features_url(cmap), body(**changes), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and message in " ".join(errors[field]), errors
    assert not CommunityFeature.objects.exists()


def test_accept_and_decline_through_the_api(api, cmap, make_feature, people):
    first = make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member, title="一")
    second = make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member, title="二")
    accept = reverse("api:map-community-feature-accept", args=[cmap.pk, first.pk])
    decline = reverse("api:map-community-feature-decline", args=[cmap.pk, second.pk])
    api.force_authenticate(people.member)
    assert api.post(accept).status_code == 403
    assert api.post(decline, {"reason": "重複"}, format="json").status_code == 403
    api.force_authenticate(people.editor)
    assert api.post(accept).json()["properties"]["status"] == "accepted"
    again = api.post(accept)
    assert again.status_code == 400 and "already been decided" in again.json()["errors"]["status"][0]
    missing = api.post(decline, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    declined = api.post(decline, {"reason": "重複しています"}, format="json").json()
    assert declined["properties"]["status"] == "declined"
    assert declined["properties"]["decline_reason"] == "重複しています"
    assert Message.objects.count() == 2


def test_an_editor_of_map_a_cannot_decide_on_map_b(api, make_map, cmap, people, make_user, make_feature):
    map_b = make_map("02", editors=[make_user("association_officer")], name="旭町")
    proposal = make_feature(map_b, status=FeatureStatus.PROPOSED, by=people.outsider, geometry=square(133.916, 34.645))
    api.force_authenticate(people.editor)
    assert api.post(reverse("api:map-community-feature-accept", args=[map_b.pk, proposal.pk])).status_code == 403
    assert api.post(reverse("api:map-community-feature-decline", args=[map_b.pk, proposal.pk]),
                    {"reason": "x"}, format="json").status_code == 403
    url = reverse("api:map-community-feature", args=[map_b.pk, proposal.pk])
    assert api.patch(url, {"title": "x"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    # A feature of map B cannot be reached through map A either.
    assert api.post(reverse("api:map-community-feature-accept", args=[cmap.pk, proposal.pk])).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.title != "x"


def test_patch_and_delete_by_editors_only(api, cmap, make_feature, people):
    feature = make_feature(cmap, title="古い")
    url = reverse("api:map-community-feature", args=[cmap.pk, feature.pk])
    assert api.get(url).json()["properties"]["title"] == "古い"
    api.force_authenticate(people.member)
    assert api.patch(url, {"title": "新しい"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    api.force_authenticate(people.editor)
    polygon = {"type": "Polygon", "coordinates": [[[133.905, 34.644], [133.906, 34.644], [133.906, 34.645],
                                                   [133.905, 34.644]]]}
    response = api.patch(url, {"title": "新しい", "geometry": polygon}, format="json")
    assert response.status_code == 200
    feature.refresh_from_db()
    assert (feature.title, feature.category, feature.geometry.geom_type) == ("新しい", "danger", "Polygon")
    bad = api.patch(url, {"geometry": {"type": "Point", "coordinates": list(FAR_AWAY)}}, format="json")
    assert bad.status_code == 400 and "geometry" in bad.json()["errors"]
    assert api.delete(url).status_code == 204
    assert not CommunityFeature.objects.exists()


def test_proposals_are_not_reachable_one_by_one_by_the_public(api, cmap, make_feature, people):
    proposal = make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member, title="提案中")
    url = reverse("api:map-community-feature", args=[cmap.pk, proposal.pk])
    assert api.get(url).status_code == 404
    api.force_authenticate(people.other_member)
    assert api.get(url).status_code == 404
    api.force_authenticate(people.member)
    assert api.get(url).json()["properties"]["title"] == "提案中"


def test_the_schema_describes_the_community_endpoints(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(target))
    text = target.read_text()
    for path in ("/api/v1/map/community-maps/", "/api/v1/map/community-maps/{map_id}/features.geojson",
                 "/api/v1/map/community-maps/{map_id}/features/{feature_id}/decline/"):
        assert path in text
    assert "application/geo+json" in text
