"""Community disaster maps through the pages: drawing, proposals, decisions, privacy, notifications."""
# ruff: noqa: F811  (fixtures imported from community_support are requested by name)

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.disastermap.choices import FeatureStatus
from apps.disastermap.models import CommunityFeature, CommunityMap
from apps.notifications.models import Delivery, Message
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


def detail_url(community_map: CommunityMap) -> str:
    return reverse("disastermap:community_detail", args=[community_map.pk])


def add_url(community_map: CommunityMap) -> str:
    return reverse("disastermap:community_feature_add", args=[community_map.pk])


def feature_url(name: str, feature: CommunityFeature) -> str:
    return reverse(f"disastermap:community_feature_{name}", args=[feature.map_id, feature.pk])


def point_form(**extra) -> dict:
    data = {"category": "danger", "title": "崩れそうな石垣", "note": "大雨の後に注意", "shape": "point",
            "lat": str(INSIDE[1]), "lon": str(INSIDE[0]), "vertices": ""}
    data.update(extra)
    return data


def inbox_of(user) -> list[Message]:
    return [d.message for d in Delivery.objects.filter(recipient=user, channel="inbox").select_related("message")]


# --- reading ------------------------------------------------------------------------------

def test_detail_lists_accepted_features_by_category_without_javascript(client, cmap, make_feature, people):
    make_feature(cmap, category="danger", title="危険なブロック塀", note="地震で倒れるおそれ")
    make_feature(cmap, category="blocked_road", title="狭い路地", geometry=road(133.903, 34.643))
    make_feature(cmap, category="meeting_point", title="中央公園", geometry=square(133.905, 34.644))
    make_feature(cmap, status=FeatureStatus.PROPOSED, title="未承認の提案", by=people.member)
    response = client.get(detail_url(cmap))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("危険なブロック塀", "地震で倒れるおそれ", "狭い路地", "中央公園", "Danger spot", "Meeting point"):
        assert text in html
    # Shapes are described in words and numbers, for people without the map.
    assert "Point at 34.64600, 133.90700" in html
    assert "Line of 3 points" in html and "Area with 4 corners" in html
    # Proposals never reach the public page, and there is no form for anonymous visitors.
    assert "未承認の提案" not in html
    assert 'id="feature-form"' not in html
    # The map's data goes in as JSON data, not as a script to run.
    assert '<script id="community-map-data" type="application/json">' in html
    assert "js/community-map.js" in html


def test_list_shows_public_maps_and_private_ones_only_to_those_who_may_view(client, cmap, private_map, people):
    response = client.get(reverse("disastermap:community_list"))
    assert cmap.name in response.content.decode()
    assert private_map.name not in response.content.decode()
    client.force_login(people.outsider)
    assert private_map.name not in client.get(reverse("disastermap:community_list")).content.decode()
    client.force_login(people.member)
    assert private_map.name in client.get(reverse("disastermap:community_list")).content.decode()


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_private_map_is_invisible_to_outsiders_in_pages_api_and_geojson(client, private_map, make_feature,
                                                                          people, who):
    feature = make_feature(private_map)
    if who == "outsider":
        client.force_login(people.outsider)
    urls = [
        detail_url(private_map),
        reverse("disastermap:community_print", args=[private_map.pk]) + "?paper=a4",
        feature_url("photo", feature),
        reverse("api:map-community-detail", args=[private_map.pk]),
        reverse("api:map-community-features-geojson", args=[private_map.pk]),
        reverse("api:map-community-feature", args=[private_map.pk, feature.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "危険なブロック塀" not in response.content.decode()
    listing = client.get(reverse("api:map-community-list")).json()
    assert private_map.pk not in [m["id"] for m in listing]


def test_members_and_editors_see_the_private_map(client, private_map, make_feature, people):
    make_feature(private_map)
    for user in (people.member, people.editor, people.staff):
        client.force_login(user)
        assert client.get(detail_url(private_map)).status_code == 200
        geojson = client.get(reverse("api:map-community-features-geojson", args=[private_map.pk]))
        assert geojson.status_code == 200
        assert geojson.json()["features"][0]["properties"]["title"] == "危険なブロック塀"


# --- proposing and adding -----------------------------------------------------------------

def test_member_proposes_a_point_and_the_editors_are_told(client, cmap, people, make_user, run_broadcast, english):
    second_editor = make_user("association_officer")
    cmap.editors.add(second_editor)
    client.force_login(people.member)
    response = client.post(add_url(cmap), point_form())
    assert response.status_code == 302
    feature = CommunityFeature.objects.get()
    assert (feature.status, feature.proposed_by, feature.decided_by) == ("proposed", people.member, None)
    assert (round(feature.geometry.x, 5), round(feature.geometry.y, 5)) == INSIDE

    message = Message.objects.get()
    assert message.audience["segments"] == [{"kind": "community_map_editors", "map": cmap.pk}]
    assert message.organisation_kind == "association" and message.organisation_name == "中央町内会"
    assert "崩れそうな石垣" in message.body
    run_broadcast(message)
    assert inbox_of(people.editor) == [message] and inbox_of(second_editor) == [message]
    assert inbox_of(people.member) == [] and inbox_of(people.other_member) == []

    # Not on the public page or in the public GeoJSON until an editor accepts it.
    client.logout()
    assert "崩れそうな石垣" not in client.get(detail_url(cmap)).content.decode()
    assert client.get(reverse("api:map-community-features-geojson", args=[cmap.pk])).json()["features"] == []
    # The member sees their own proposal waiting; another member does not.
    client.force_login(people.member)
    client.cookies["django_language"] = "en"  # logging out above cleared the cookie
    page = client.get(detail_url(cmap)).content.decode()
    assert "Your proposals" in page and "崩れそうな石垣" in page
    client.force_login(people.other_member)
    assert "崩れそうな石垣" not in client.get(detail_url(cmap)).content.decode()


def test_member_proposes_line_and_area_from_typed_lat_lon_lines(client, cmap, people):
    client.force_login(people.member)
    line = "34.6430, 133.9030\n34.6435，133.9050\n34.6430 133.9070\n"
    assert client.post(add_url(cmap), point_form(shape="line", title="冠水する道", vertices=line,
                                                 category="blocked_road", lat="", lon="")).status_code == 302
    area = "34.644,133.905\n34.644,133.906\n34.645,133.906\n34.645,133.905"
    assert client.post(add_url(cmap), point_form(shape="polygon", title="一時集合場所", vertices=area,
                                                 category="meeting_point", lat="", lon="")).status_code == 302
    by_title = {f.title: f for f in CommunityFeature.objects.all()}
    assert by_title["冠水する道"].geometry.geom_type == "LineString"
    assert by_title["冠水する道"].geometry.coords[1] == pytest.approx((133.905, 34.6435))
    polygon = by_title["一時集合場所"].geometry
    assert polygon.geom_type == "Polygon" and polygon.num_points == 5  # the ring was closed for us
    assert polygon.coords[0][0] == polygon.coords[0][-1]


def test_editor_adds_straight_onto_the_map(client, cmap, people):
    client.force_login(people.editor)
    page = client.get(detail_url(cmap)).content.decode()
    assert "Add a feature" in page and 'data-drawing="feature-form"' in page
    response = client.post(add_url(cmap), point_form(title="消火栓", category="water"))
    assert response.status_code == 302
    feature = CommunityFeature.objects.get()
    assert (feature.status, feature.decided_by) == ("accepted", people.editor)
    assert not Message.objects.exists()  # nobody to ask
    client.logout()
    assert "消火栓" in client.get(detail_url(cmap)).content.decode()


def test_a_resident_of_another_district_cannot_propose(client, cmap, people):
    client.force_login(people.outsider)
    page = client.get(detail_url(cmap)).content.decode()
    assert 'id="feature-form"' not in page
    assert client.post(add_url(cmap), point_form()).status_code == 403
    client.logout()
    assert client.post(add_url(cmap), point_form()).status_code == 403
    assert not CommunityFeature.objects.exists()


def test_form_errors_name_the_field(client, cmap, people):
    client.force_login(people.member)
    far = client.post(add_url(cmap), point_form(lat=str(FAR_AWAY[1]), lon=str(FAR_AWAY[0])))
    assert far.status_code == 400
    assert "Latitude (for a point): The shape is" in far.content.decode()
    assert "within 1000 m of the district" in far.content.decode()
    crossing = "34.644,133.905\n34.645,133.906\n34.644,133.906\n34.645,133.905"
    bow = client.post(add_url(cmap), point_form(shape="polygon", vertices=crossing, lat="", lon=""))
    assert "Points of the line or area: The area&#x27;s outline crosses itself" in bow.content.decode()
    bad_line = client.post(add_url(cmap), point_form(shape="line", vertices="34.6,133.9\nnot a point", lat="", lon=""))
    assert "Line 2 is not “latitude, longitude”" in bad_line.content.decode()
    out_of_range = client.post(add_url(cmap), point_form(lat="95"))
    assert "Latitude (for a point):" in out_of_range.content.decode()
    no_title = client.post(add_url(cmap), point_form(title=""))
    assert "Title: This field is required." in no_title.content.decode()
    unknown = client.post(add_url(cmap), point_form(category="volcano"))
    assert "Category: Select a valid choice." in unknown.content.decode()
    assert not CommunityFeature.objects.exists()


# --- photos -------------------------------------------------------------------------------

def test_photo_is_checked_by_content_and_loses_its_location(client, cmap, people, make_user):
    from PIL import Image

    raw = image_bytes("JPEG", gps=True)
    assert Image.open(__import__("io").BytesIO(raw)).getexif().get_ifd(0x8825)  # the phone put GPS in
    client.force_login(people.member)
    photo = SimpleUploadedFile("IMG_0001.jpg", raw, content_type="image/jpeg")
    assert client.post(add_url(cmap), {**point_form(), "photo": photo}).status_code == 302
    feature = CommunityFeature.objects.get()
    assert feature.photo.name.endswith(".jpg") and "IMG_0001" not in feature.photo.name
    with feature.photo.open("rb") as stored, Image.open(stored) as picture:
        assert picture.format == "JPEG" and picture.size == (64, 48)
        assert not picture.getexif().get_ifd(0x8825)
        assert 0x010F not in picture.getexif()

    # A proposal's photo is seen by the editors and the proposer only.
    url = feature_url("photo", feature)
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(people.other_member)
    assert client.get(url).status_code == 404
    client.force_login(people.editor)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_files_that_are_not_images_or_too_big_are_refused(client, cmap, people, settings):
    client.force_login(people.editor)
    fake = SimpleUploadedFile("map.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
    response = client.post(add_url(cmap), {**point_form(), "photo": fake})
    assert "Photo (optional): This file is not a JPEG, PNG or WebP image." in response.content.decode()
    gif = SimpleUploadedFile("a.gif", image_bytes("GIF"), content_type="image/gif")
    assert "not a JPEG, PNG or WebP" in client.post(add_url(cmap), {**point_form(), "photo": gif}).content.decode()
    huge = SimpleUploadedFile("big.jpg", image_bytes("JPEG") + b"\0" * (5 * 1024 * 1024), content_type="image/jpeg")
    assert "use one of at most 5 MB" in client.post(add_url(cmap), {**point_form(), "photo": huge}).content.decode()
    assert not CommunityFeature.objects.exists()
    png = SimpleUploadedFile("p.png", image_bytes("PNG"), content_type="image/png")
    assert client.post(add_url(cmap), {**point_form(), "photo": png}).status_code == 302
    assert CommunityFeature.objects.get().photo.name.endswith(".png")


# --- deciding -----------------------------------------------------------------------------

def test_editor_accepts_and_the_proposer_is_told(client, cmap, people, make_feature, run_broadcast):
    proposal = make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member, title="避難路の段差")
    client.force_login(people.editor)
    page = client.get(detail_url(cmap)).content.decode()
    assert "Proposals waiting for a decision" in page and "避難路の段差" in page
    response = client.post(feature_url("accept", proposal))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", people.editor)
    message = Message.objects.get()
    assert message.audience["segments"] == [{"kind": "community_feature_proposer", "feature": proposal.pk}]
    run_broadcast(message)
    assert inbox_of(people.member) == [message]
    assert inbox_of(people.other_member) == [] and inbox_of(people.editor) == []
    # Deciding twice is refused with a reason.
    client.post(feature_url("accept", proposal), follow=True)
    assert Message.objects.count() == 1


def test_decline_needs_a_reason_and_the_member_is_told_why(client, cmap, people, make_feature, run_broadcast):
    proposal = make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member, title="私有地の井戸")
    client.force_login(people.editor)
    field = f"decline-{proposal.pk}-reason"
    empty = client.post(feature_url("decline", proposal), {field: ""})
    assert empty.status_code == 400
    assert "Reason for declining: This field is required." in empty.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert client.post(feature_url("decline", proposal), {field: "所有者の同意がありません"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == ("declined", "所有者の同意がありません")
    message = Message.objects.get()
    assert "所有者の同意がありません" in message.body
    run_broadcast(message)
    assert inbox_of(people.member) == [message]
    client.force_login(people.member)
    page = client.get(detail_url(cmap)).content.decode()
    assert "所有者の同意がありません" in page and "Declined" in page


def test_a_member_cannot_decide_edit_or_delete(client, cmap, people, make_feature):
    proposal = make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.other_member)
    accepted = make_feature(cmap, title="公開中")
    client.force_login(people.member)
    assert client.post(feature_url("accept", proposal)).status_code == 403
    assert client.post(feature_url("decline", proposal), {f"decline-{proposal.pk}-reason": "x"}).status_code == 403
    assert client.get(feature_url("edit", accepted)).status_code == 403
    assert client.post(feature_url("edit", accepted), point_form(title="書き換え")).status_code == 403
    assert client.post(feature_url("delete", accepted)).status_code == 403
    proposal.refresh_from_db()
    accepted.refresh_from_db()
    assert proposal.status == "proposed" and accepted.title == "公開中"
    page = client.get(detail_url(cmap)).content.decode()
    assert "Proposals waiting for a decision" not in page and "Edit" not in page


def test_an_editor_of_one_map_cannot_decide_on_another(client, make_map, cmap, people, make_user, make_feature):
    other_editor = make_user("association_officer")
    other_map = make_map("02", editors=[other_editor], name="旭町 防災マップ")
    proposal = make_feature(other_map, status=FeatureStatus.PROPOSED, by=people.outsider,
                            geometry=square(133.916, 34.645))
    client.force_login(people.editor)
    assert client.post(feature_url("accept", proposal)).status_code == 403
    assert client.post(feature_url("decline", proposal), {f"decline-{proposal.pk}-reason": "x"}).status_code == 403
    assert client.post(feature_url("delete", proposal)).status_code == 403
    assert "Proposals waiting" not in client.get(detail_url(other_map)).content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_editor_edits_a_feature_into_an_area_and_deletes_it(client, cmap, people, make_feature):
    feature = make_feature(cmap, title="旧タイトル")
    client.force_login(people.editor)
    form = client.get(feature_url("edit", feature))
    assert form.status_code == 200 and 'value="34.646"' in form.content.decode()
    area = "34.644,133.905\n34.644,133.906\n34.645,133.906"
    response = client.post(feature_url("edit", feature), point_form(title="新タイトル", shape="polygon",
                                                                     vertices=area, lat="", lon=""))
    assert response.status_code == 302
    feature.refresh_from_db()
    assert feature.title == "新タイトル" and feature.geometry.geom_type == "Polygon"
    assert client.get(feature_url("delete", feature)).status_code == 200
    assert client.post(feature_url("delete", feature)).status_code == 302
    assert not CommunityFeature.objects.exists()


def test_a_failure_to_notify_does_not_lose_the_proposal(client, cmap, people, settings):
    # A misconfigured site address makes the message's link invalid: publish refuses it.
    settings.SITE_URL = "not a web address"
    client.force_login(people.member)
    assert client.post(add_url(cmap), point_form()).status_code == 302
    assert CommunityFeature.objects.get().status == "proposed"
    assert not Message.objects.exists()


# --- setting maps up ----------------------------------------------------------------------

def test_city_staff_create_a_map_and_name_its_editors(client, people, demo_map):
    url = reverse("disastermap:community_create")
    client.force_login(people.member)
    assert client.get(url).status_code == 403
    client.force_login(people.staff)
    bad = client.post(url, {"name": "新マップ", "association_name": "東山自治会",
                            "district": demo_map.districts["06"].pk, "is_public": "on",
                            "editor_emails": "nobody@example.jp"})
    assert "No active account with the address: nobody@example.jp" in bad.content.decode()
    response = client.post(url, {"name": "新マップ", "association_name": "東山自治会",
                                 "district": demo_map.districts["06"].pk, "is_public": "on",
                                 "editor_emails": people.editor.email.upper()})
    community_map = CommunityMap.objects.get(name="新マップ")
    assert response.status_code == 302 and list(community_map.editors.all()) == [people.editor]


def test_admin_pages_for_maps_and_features(client, cmap, make_feature, make_user):
    feature = make_feature(cmap)
    admin = make_user(None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in (reverse("admin:disastermap_communitymap_changelist"),
                reverse("admin:disastermap_communitymap_change", args=[cmap.pk]),
                reverse("admin:disastermap_communityfeature_changelist") + "?status__exact=accepted",
                reverse("admin:disastermap_communityfeature_change", args=[feature.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "危険なブロック塀" in response.content.decode() or "中央町内会" in response.content.decode()
