"""Incidents: the service other apps call, staff pages and API, the public list and GeoJSON."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.disastermap.choices import IncidentKind
from apps.disastermap.models import Incident
from apps.disastermap.selectors.layers import generalise
from apps.disastermap.services.incidents import record_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# A point inside demo district 01 (中央), with more decimals than a 100 m grid keeps.
LAT, LON = 34.645123, 133.905432


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


@pytest.fixture
def incident(demo_map, make_user):
    def make(**fields) -> Incident:
        fields = {"kind": IncidentKind.CRIME, "title": "自転車盗", "occurred_at": hours_ago(3), "lat": LAT,
                  "lon": LON, "created_by": make_user("city_staff", first_name="Hanako", last_name="Yamada"),
                  **fields}
        return record_incident(**fields)

    return make


# --- the service -------------------------------------------------------------------------


def test_child_watch_can_record_a_suspicious_person(demo_map):
    incident = record_incident(kind="suspicious_person", title="声かけ事案", occurred_at=hours_ago(1),
                               lat=LAT, lon=LON, source="childwatch", description="下校中の児童に声かけ")
    assert (incident.source, incident.kind, incident.created_by) == ("childwatch", "suspicious_person", None)
    assert incident.location.y == pytest.approx(LAT)


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "ufo"}, "kind"),
    ({"title": "  "}, "title"),
    ({"title": "x" * 121}, "title"),
    ({"occurred_at": timezone.now() + dt.timedelta(hours=2)}, "occurred_at"),
    ({"occurred_at": dt.datetime(2025, 1, 1, 9, 0)}, "occurred_at"),
    ({"lat": 91}, "location"),
    ({"lon": -181}, "location"),
    ({"lat": "north"}, "location"),
    ({"lat": 34.65, "lon": 133.80}, "location"),  # ~9 km west of the westmost district
    ({"lat": 35.68, "lon": 139.76}, "location"),  # Tokyo
    ({"source": "Child Watch!"}, "source"),
])
def test_bad_input_is_refused_naming_the_field(demo_map, fields, field):
    arguments = {"kind": "crime", "title": "窃盗", "occurred_at": hours_ago(1), "lat": LAT, "lon": LON, **fields}
    with pytest.raises(ValidationError) as caught:
        record_incident(**arguments)
    assert field in caught.value.message_dict
    assert not Incident.objects.exists()


def test_a_point_just_outside_the_city_is_accepted(demo_map):
    # ~3 km west of the westmost district: a road on the border, still "near the city".
    incident = record_incident(kind="traffic_accident", title="追突事故", occurred_at=hours_ago(1),
                               lat=34.645, lon=133.867)
    assert incident.pk


def test_generalise_snaps_to_about_100_m():
    exact = Point(LON, LAT, srid=4326)
    snapped = generalise(exact)
    assert snapped != exact
    # Within half a cell diagonal (~71 m) of the truth, and the same for every point in the cell.
    assert abs(snapped.y - LAT) * 111_320 <= 50
    assert abs(snapped.x - LON) * 111_320 * 0.823 <= 51
    assert generalise(Point(LON + 0.00001, LAT + 0.00001, srid=4326)) == snapped


# --- public list and GeoJSON -------------------------------------------------------------


def test_geojson_is_generalised_and_names_no_staff(incident, client):
    made = incident()
    response = client.get(reverse("api:map-layer-incidents"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    feature = response.json()["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) != (LON, LAT)
    assert (lon, lat) == (generalise(made.location).x, generalise(made.location).y)
    assert feature["properties"]["location_generalised"] is True
    assert feature["properties"]["location_precision_m"] == 100
    assert feature["properties"]["district"] == "中央"
    body = response.content.decode()
    for secret in ("Yamada", "Hanako", made.created_by.email, "created_by", "staff", str(LAT), str(LON)):
        assert secret not in body


def test_geojson_filters_by_days_and_kind_and_hides_hidden(incident, client):
    incident(title="最近の事故", kind=IncidentKind.TRAFFIC_ACCIDENT, occurred_at=hours_ago(24 * 3))
    incident(title="古い事件", occurred_at=hours_ago(24 * 100))
    incident(title="非公開の事件", is_public=False)
    titles = lambda **q: {f["properties"]["title"] for f in  # noqa: E731
                          client.get(reverse("api:map-layer-incidents"), q).json()["features"]}
    assert titles() == {"最近の事故"}
    assert titles(days=120) == {"最近の事故", "古い事件"}
    assert titles(days=2) == set()
    assert titles(kind="crime", days=120) == {"古い事件"}


@pytest.mark.parametrize("query", [{"days": "0"}, {"days": "abc"}, {"days": "9999"}, {"kind": "ufo"}])
def test_geojson_bad_filters_are_400(client, db, query):
    response = client.get(reverse("api:map-layer-incidents"), query)
    assert response.status_code == 400
    assert set(query) <= set(response.json()["errors"])


def test_public_list_shows_public_incidents_without_staff_tools(incident, client):
    incident(title="駅前でひったくり")
    incident(title="非公開の事件", is_public=False)
    page = client.get(reverse("disastermap:incident_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "駅前でひったくり" in page and "中央" in page
    assert "非公開の事件" not in page
    assert "Yamada" not in page
    assert reverse("disastermap:incident_new") not in page
    filtered = client.get(reverse("disastermap:incident_list"), {"kind": "traffic_accident"}).content.decode()
    assert "駅前でひったくり" not in filtered


# --- staff pages ---------------------------------------------------------------------------


def form_data(**fields) -> dict:
    when = timezone.localtime(hours_ago(2)).strftime("%Y-%m-%dT%H:%M")
    return {"kind": "crime", "title": "空き巣", "description": "", "occurred_at": when, "lat": LAT, "lon": LON,
            "is_public": "on", **fields}


def test_staff_add_edit_and_hide_an_incident(demo_map, make_user, client):
    staff = make_user("city_staff")
    client.force_login(staff)
    assert client.get(reverse("disastermap:incident_new")).status_code == 200
    response = client.post(reverse("disastermap:incident_new"), form_data())
    assert response.status_code == 302
    made = Incident.objects.get()
    assert (made.title, made.created_by, made.source) == ("空き巣", staff, "staff")

    edit = reverse("disastermap:incident_edit", args=[made.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, form_data(title="空き巣（未遂）")).status_code == 302
    made.refresh_from_db()
    assert made.title == "空き巣（未遂）"

    client.post(reverse("disastermap:incident_visibility", args=[made.pk]), {"show": "0"})
    made.refresh_from_db()
    assert made.is_public is False
    staff_page = client.get(reverse("disastermap:incident_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "空き巣（未遂）" in staff_page and "Hidden" in staff_page
    client.logout()
    assert "空き巣（未遂）" not in client.get(reverse("disastermap:incident_list")).content.decode()


@pytest.mark.parametrize(("fields", "field"), [
    ({"lat": "34.65", "lon": "133.80"}, "lat"),
    ({"occurred_at": "2999-01-01T09:00"}, "occurred_at"),
    ({"kind": "ufo"}, "kind"),
    ({"title": ""}, "title"),
])
def test_staff_form_errors_are_shown_next_to_the_field(demo_map, make_user, client, fields, field):
    client.force_login(make_user("city_staff"))
    response = client.post(reverse("disastermap:incident_new"), form_data(**fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.parametrize("role", ["resident", "association_officer", "school_staff"])
def test_only_city_staff_may_enter_incidents(demo_map, make_user, client, incident, role):
    made = incident()
    client.force_login(make_user(role))
    assert client.get(reverse("disastermap:incident_new")).status_code == 403
    assert client.post(reverse("disastermap:incident_new"), form_data()).status_code == 403
    assert client.post(reverse("disastermap:incident_edit", args=[made.pk]), form_data()).status_code == 403
    assert client.post(reverse("disastermap:incident_visibility", args=[made.pk]), {"show": "0"}).status_code == 403
    assert Incident.objects.get().is_public is True


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("disastermap:incident_new"))
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- staff API -----------------------------------------------------------------------------


def api_payload(**fields) -> dict:
    return {"kind": "traffic_accident", "title": "交差点で出合い頭の事故", "occurred_at": hours_ago(1).isoformat(),
            "lat": LAT, "lon": LON, **fields}


def test_staff_create_an_incident_through_the_api(demo_map, make_user):
    client = APIClient()
    staff = make_user("city_staff")
    client.force_authenticate(staff)
    response = client.post(reverse("api:map-incident-list"), api_payload(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["lat"] == pytest.approx(LAT)
    assert Incident.objects.get().created_by == staff


@pytest.mark.parametrize(("fields", "field"), [
    ({"lat": 95}, "lat"),
    ({"lat": 34.65, "lon": 133.80}, "location"),
    ({"occurred_at": "2025-06-01T09:00:00"}, "occurred_at"),
    ({"occurred_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}, "occurred_at"),
    ({"kind": "ufo"}, "kind"),
    ({"colour": "red"}, "colour"),
])
def test_api_errors_name_the_field(demo_map, make_user, fields, field):
    client = APIClient()
    client.force_authenticate(make_user("city_staff"))
    response = client.post(reverse("api:map-incident-list"), api_payload(**fields), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Incident.objects.exists()


def test_api_refuses_anonymous_and_residents(demo_map, make_user):
    client = APIClient()
    assert client.post(reverse("api:map-incident-list"), api_payload(), format="json").status_code == 401
    client.force_authenticate(make_user("resident"))
    assert client.post(reverse("api:map-incident-list"), api_payload(), format="json").status_code == 403
    assert not Incident.objects.exists()
