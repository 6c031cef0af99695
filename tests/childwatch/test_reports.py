"""Suspicious-person reports: on the safety map, to guardians in the chosen districts, and who may enter them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.childwatch.models import SuspiciousPersonReport
from apps.disastermap.models import Incident
from apps.notifications.models import Delivery, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(demo_map, point_in):
    point = point_in(demo_map.school_districts["E1"])
    return {"lat": round(point.y, 6), "lon": round(point.x, 6)}


@pytest.fixture
def guardians(school, other_school, make_class, make_child, make_guardian):
    """A guardian at the school in district E1 and one at the school in E3 (both follow safety mail)."""
    return {"here": make_guardian(make_child(make_class(school))),
            "elsewhere": make_guardian(make_child(make_class(other_school)))}


def payload(school, place, **extra) -> dict:
    occurred = (timezone.now() - dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=9)))
    return {"school": school.pk, "category": "child_suspicious", "occurred_at": occurred.isoformat(),
            **place, "place_description": "桜川公園の北側の歩道", "description": "下校中の児童に声をかけた。",
            "suspect_description": "30代くらいの男性、黒い上着", **extra}


def test_staff_report_goes_on_the_map_and_to_guardians_in_the_district_only(
        client, school, make_staff, place, guardians, run_broadcast):
    staff = make_staff(school)
    client.force_login(staff)
    data = payload(school, place)
    data["occurred_at"] = timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("childwatch:report_new"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    report = SuspiciousPersonReport.objects.get()
    assert list(report.school_districts.all()) == [school.school_district]  # the default: the school's own
    incident = Incident.objects.get(pk=report.incident_id)
    assert (incident.kind, incident.source, incident.created_by) == ("suspicious_person", "childwatch", staff)
    assert "黒い上着" not in incident.description  # the person's description goes to guardians only

    feature = client.get(reverse("api:map-layer-incidents")).json()["features"]
    assert [f["properties"]["title"] for f in feature] == [incident.title]
    assert feature[0]["properties"]["location_generalised"] is True
    assert "黒い上着" not in str(feature)

    message = Message.objects.get(pk=report.message_id)
    assert (message.category, message.priority) == ("crime_safety", "high")
    assert message.title == "【子供被害不審者情報】桜川公園の北側の歩道"
    assert "黒い上着" in message.body
    assert message.variants.get(language="en").title.startswith("[Suspicious person (children)]")
    run_broadcast(message)
    recipients = set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True))
    assert recipients == {guardians["here"].id}


def test_a_police_liaison_reports_through_the_api_to_chosen_districts(
        school, other_school, make_user, place, guardians, run_broadcast):
    liaison = make_user("resident")
    school.police_liaisons.add(liaison)
    api = APIClient()
    api.force_authenticate(liaison)
    districts = [school.school_district_id, other_school.school_district_id]
    response = api.post(reverse("api:childwatch-reports"), payload(school, place, school_districts=districts),
                        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["school_districts"] == sorted(districts)
    assert body["incident_id"] and body["message_id"]
    run_broadcast(Message.objects.get(pk=body["message_id"]))
    assert set(Delivery.objects.values_list("recipient_id", flat=True)) == {guardians["here"].id,
                                                                           guardians["elsewhere"].id}
    listed = api.get(reverse("api:childwatch-reports")).json()
    assert [r["id"] for r in listed] == [body["id"]]


def test_city_staff_may_report_for_any_school(school, make_user, place):
    api = APIClient()
    api.force_authenticate(make_user("city_staff"))
    assert api.post(reverse("api:childwatch-reports"), payload(school, place), format="json").status_code == 201


@pytest.mark.parametrize("who", ["resident", "guardian", "staff_of_other_school"])
def test_others_may_not_report_or_list(client, school, other_school, make_user, make_staff, place, guardians, who):
    user = {"resident": make_user("resident"), "guardian": guardians["here"],
            "staff_of_other_school": make_staff(other_school)}[who]
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(reverse("api:childwatch-reports"), payload(school, place), format="json")
    assert response.status_code == 403
    assert not SuspiciousPersonReport.objects.exists() and not Incident.objects.exists()
    assert not Message.objects.exists()
    if who != "staff_of_other_school":  # they may list their own school's reports, not these
        assert api.get(reverse("api:childwatch-reports")).status_code == 403
        client.force_login(user)
        assert client.get(reverse("childwatch:report_list")).status_code == 403
        assert client.get(reverse("childwatch:report_new")).status_code == 403


def test_staff_see_only_their_own_schools_reports(school, other_school, make_staff, make_user, place):
    api = APIClient()
    api.force_authenticate(make_user("city_staff"))
    api.post(reverse("api:childwatch-reports"), payload(school, place), format="json")
    api.force_authenticate(make_staff(other_school))
    assert api.get(reverse("api:childwatch-reports")).json() == []


def test_anonymous_gets_401_and_the_login_page(client, school, place):
    assert APIClient().post(reverse("api:childwatch-reports"), payload(school, place),
                            format="json").status_code == 401
    assert client.get(reverse("childwatch:report_new")).status_code == 302


@pytest.mark.parametrize(("change", "field"), [
    ({"category": "school_event"}, "category"),
    ({"occurred_at": (timezone.now() + dt.timedelta(hours=2)).isoformat()}, "occurred_at"),
    ({"occurred_at": "2026-04-10T08:00:00"}, "occurred_at"),
    ({"place_description": ""}, "place_description"),
    ({"description": "x" * 1501}, "description"),
    ({"lat": 95}, "lat"),
    ({"lat": 0.0, "lon": 0.0}, "location"),
    ({"colour": "red"}, "colour"),
    ({"school_districts": [999999]}, "school_districts"),
])
def test_bad_reports_are_400_naming_the_field(school, make_staff, place, change, field):
    api = APIClient()
    api.force_authenticate(make_staff(school))
    response = api.post(reverse("api:childwatch-reports"), {**payload(school, place), **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not SuspiciousPersonReport.objects.exists() and not Incident.objects.exists()


def test_districts_without_a_school_of_the_reporter_are_refused(school, other_school, make_staff, place):
    api = APIClient()
    api.force_authenticate(make_staff(school))
    response = api.post(reverse("api:childwatch-reports"),
                        payload(school, place, school_districts=[other_school.school_district_id]), format="json")
    assert response.status_code == 400
    assert "school_districts" in response.json()["errors"]
    assert not Incident.objects.exists()  # the whole report was undone


def test_the_form_page_has_labels_and_the_map_picker(client, school, make_staff):
    client.force_login(make_staff(school))
    page = client.get(reverse("childwatch:report_new")).content.decode()
    for name in ("category", "occurred_at", "lat", "lon", "place_description", "description",
                 "suspect_description"):
        assert f'for="id_{name}"' in page
    assert 'data-layer="pick"' in page
    assert f'value="{school.school_district_id}"' in page
