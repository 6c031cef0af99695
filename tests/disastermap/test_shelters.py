"""Shelters: live status from staff phones, broadcast to the districts served, exactly once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.disastermap.choices import ShelterStatus
from apps.disastermap.models import ShelterStatusChange
from apps.disastermap.services.shelters import update_status
from apps.notifications.models import Delivery, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_shelter(make_shelter, demo_map, point_in):
    spot = point_in(demo_map.districts["01"])
    return make_shelter(lon=spot.x, lat=spot.y, name="中央小学校", hazards=("flood", "earthquake"),
                        districts=[demo_map.districts["01"]], capacity=100)


def test_staff_opens_shelter_and_residents_served_are_told(client, make_user, school_shelter, resident_in,
                                                           run_broadcast):
    served, elsewhere = resident_in("01"), resident_in("05")
    teacher = make_user("school_staff")
    school_shelter.staff.add(teacher)
    client.force_login(teacher)
    response = client.post(reverse("disastermap:shelter_status", args=[school_shelter.pk]),
                           {"status": "open", "headcount": "12", "note": "体育館を開放"})
    assert response.status_code == 302
    school_shelter.refresh_from_db()
    assert (school_shelter.status, school_shelter.headcount) == ("open", 12)
    change = ShelterStatusChange.objects.get()
    message = Message.objects.get(pk=change.message_id)
    assert message.title == "避難所開設：中央小学校"  # Japanese first, whatever the sender reads
    assert message.variants.get(language="en").title.startswith("Shelter open")
    run_broadcast(message)
    inbox = set(Delivery.objects.filter(message=message, channel="inbox").values_list("recipient_id", flat=True))
    assert served.pk in inbox
    assert elsewhere.pk not in inbox


def test_headcount_only_changes_do_not_broadcast(make_user, school_shelter):
    clerk = make_user("city_staff")
    first = update_status(shelter=school_shelter, user=clerk, status="open", headcount=5)
    second = update_status(shelter=school_shelter, user=clerk, status="open", headcount=40)
    assert first.message_id is not None
    assert second.message_id is None
    assert Message.objects.count() == 1
    full = update_status(shelter=school_shelter, user=clerk, status="full", headcount=100)
    assert full.message_id is not None and Message.objects.count() == 2
    closed = update_status(shelter=school_shelter, user=clerk, status="closed")
    school_shelter.refresh_from_db()
    assert closed.headcount == 0 and school_shelter.headcount == 0


def test_only_staff_of_the_shelter_may_update(client, make_user, school_shelter, make_shelter):
    other_shelter = make_shelter(lon=133.95, lat=34.65)
    teacher = make_user("school_staff")
    other_shelter.staff.add(teacher)
    url = reverse("disastermap:shelter_status", args=[school_shelter.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(make_user("resident"))
    assert client.post(url, {"status": "open"}).status_code == 403
    client.force_login(teacher)
    assert client.post(url, {"status": "open"}).status_code == 403
    api = reverse("api:map-shelter-status", args=[school_shelter.pk])
    assert client.post(api, {"status": "open"}, content_type="application/json").status_code == 403
    school_shelter.refresh_from_db()
    assert school_shelter.status == ShelterStatus.CLOSED
    assert not Message.objects.exists()


def test_api_status_report_validates_fields(client, make_user, school_shelter):
    client.force_login(make_user("city_staff"))
    url = reverse("api:map-shelter-status", args=[school_shelter.pk])
    bad = client.post(url, {"status": "ajar", "headcount": -3, "colour": "red"}, content_type="application/json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "headcount", "colour"}
    assert not ShelterStatusChange.objects.exists()
    good = client.post(url, {"status": "open", "headcount": 30}, content_type="application/json")
    assert good.status_code == 201
    assert good.json()["message_id"] is not None
    detail = client.get(reverse("api:map-shelter-detail", args=[school_shelter.pk])).json()
    assert (detail["status"], detail["headcount"], detail["hazards"]) == ("open", 30, ["flood", "earthquake"])


def test_resident_finds_nearest_open_flood_shelter(client, make_user, make_shelter, demo_map, point_in):
    home = point_in(demo_map.districts["02"])
    clerk = make_user("city_staff")
    near_closed = make_shelter(lon=home.x + 0.001, lat=home.y, name="近いが閉鎖", hazards=("flood",))
    near_quake_only = make_shelter(lon=home.x + 0.002, lat=home.y, name="地震のみ", hazards=("earthquake",))
    open_flood = make_shelter(lon=home.x + 0.01, lat=home.y, name="開設中の洪水避難所", hazards=("flood",))
    for shelter in (near_quake_only, open_flood):
        update_status(shelter=shelter, user=clerk, status="open", headcount=3)
    response = client.get(reverse("disastermap:shelter_list"),
                          {"hazard": "flood", "status": "open", "lat": home.y, "lon": home.x})
    names = [shelter.name for shelter in response.context["shelters"]]
    assert names == ["開設中の洪水避難所"]
    assert near_closed.name not in response.content.decode()
    api = client.get(reverse("api:map-shelters"), {"hazard": "flood", "status": "open", "lat": home.y,
                                                   "lon": home.x}).json()
    assert [row["name"] for row in api] == ["開設中の洪水避難所"]
    assert 800 < api[0]["distance_m"] < 1000
    # ... and sees it on the map: the detail page links to the map centred on it.
    detail = client.get(reverse("disastermap:shelter_detail", args=[open_flood.pk])).content.decode()
    assert f"lat={open_flood.location.y}" in detail.replace("&amp;", "&")


def test_shelter_area_audience_is_refused_to_outsiders(make_user, school_shelter):
    """Staff of another place cannot borrow a shelter's audience to message its districts."""
    from django.core.exceptions import PermissionDenied

    from apps.notifications.services import Organisation, publish

    with pytest.raises(PermissionDenied):
        publish(sender=make_user("school_staff"), title="t", body="b", category="disaster",
                audience={"segments": [{"kind": "shelter_area", "shelter": school_shelter.pk}]},
                organisation=Organisation("department", 0, "x"))
    assert not Message.objects.exists()
