"""Pages: the banner on every page (from the cache), /disaster, the composer without JavaScript,
the alert page with each medium's state, and who may see what."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.alerts import context_processors, selectors
from apps.alerts.choices import AlertState
from apps.alerts.models import Alert
from apps.alerts.services import compose, publishing
from apps.disastermap.choices import ShelterStatus
from apps.disastermap.models import Genre, Shelter


@pytest.fixture
def shelter(demo_map, point_in):
    genre, _created = Genre.objects.get_or_create(code="shelter", defaults={"name": "避難所", "name_en": "Shelter"})
    return Shelter.objects.create(genre=genre, name="中央小学校", name_en="Chuo Elementary School",
                                  location=point_in(demo_map.districts["01"]), is_designated_shelter=True,
                                  serves_flood=True, capacity=300, status=ShelterStatus.OPEN, headcount=42)


@pytest.fixture
def live_alert(drafter, approver, flood_content, shelter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert = compose.draft(user=drafter, content=flood_content(shelter_ids=[shelter.id]))
        return publishing.approve(alert=alert, approver=approver)


def test_the_banner_shows_a_live_alert_on_every_page(client, live_alert, english):
    body = client.get("/").content.decode()
    assert "Emergency alert" in body and live_alert.headline_en in body and f"/alerts/{live_alert.pk}/" in body


def test_the_banner_costs_no_query_once_cached(live_alert, rf):
    selectors.banner()  # warm
    with CaptureQueriesContext(connection) as queries:
        rows = context_processors.alert_banner(rf.get("/"))["alert_banner"]
    assert [r["id"] for r in rows] == [live_alert.id] and len(queries) == 0


def test_disaster_page_is_light_cacheable_and_shows_alerts_and_open_shelters(client, live_alert, shelter, english):
    response = client.get("/disaster?lang=en")
    body = response.content
    assert response.status_code == 200 and len(body) <= 50 * 1024
    text = body.decode()
    assert live_alert.headline_en in text and "Chuo Elementary School" in text and ">42<" in text.replace(" / 300", "")
    assert "What to do" in text
    assert "<link" not in text and "tile" not in text.lower() and "https://" not in text  # nothing from elsewhere
    assert "public, max-age=" in response["Cache-Control"] and response["ETag"] and response["Last-Modified"]
    again = client.get("/disaster?lang=en", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_disaster_page_changes_when_a_shelter_or_alert_changes(client, live_alert, shelter, drafter, approver,
                                                               django_capture_on_commit_callbacks, english):
    first = client.get("/disaster")
    with django_capture_on_commit_callbacks(execute=True):
        shelter.headcount = 250
        shelter.save()
    second = client.get("/disaster")
    assert second["ETag"] != first["ETag"] and ">250" in second.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.approve(alert=compose.draft_cancel(user=drafter, original=live_alert), approver=approver)
    third = client.get("/disaster").content.decode()
    assert "No alert is in force." in third and f"/alerts/{live_alert.pk}/" not in third
    assert client.get("/").content.decode().count(f"/alerts/{live_alert.pk}/") == 0


def test_the_composer_works_without_javascript(client, drafter, demo_map, event_types, english):
    client.force_login(drafter)
    page = client.get("/alerts/compose/")
    assert page.status_code == 200 and 'name="districts"' in page.content.decode()
    response = client.post("/alerts/compose/", {
        "event_type": "flood", "cap_status": "Actual", "urgency": "Immediate", "severity": "Severe",
        "certainty": "Likely", "evacuation_level": "3", "headline": "高齢者等避難", "description": "川の水位が上昇",
        "districts": [str(demo_map.districts["02"].id)], "circle_lat": "34.6", "circle_lon": "133.9",
        "circle_radius": "500"})
    alert = Alert.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/alerts/{alert.pk}/"
    assert alert.state == AlertState.PENDING and list(alert.districts.all()) == [demo_map.districts["02"]]
    assert alert.area.num_geom >= 2


def test_composer_errors_name_the_field(client, drafter, event_types, english):
    client.force_login(drafter)
    response = client.post("/alerts/compose/", {"event_type": "flood", "cap_status": "Actual", "urgency": "Immediate",
                                                "severity": "Severe", "certainty": "Likely", "headline": "x",
                                                "description": "y", "circle_lat": "34.6"})
    assert response.status_code == 200
    assert "Give the latitude, the longitude and the radius of the circle." in response.content.decode()
    response = client.post("/alerts/compose/", {"event_type": "flood", "cap_status": "Actual", "urgency": "Immediate",
                                                "severity": "Severe", "certainty": "Likely", "headline": "x",
                                                "description": "y"})
    assert "Choose the area" in response.content.decode()
    assert not Alert.objects.exists()


def test_residents_cannot_compose_or_approve(client, make_user, drafter, flood_content):
    alert = compose.draft(user=drafter, content=flood_content())
    resident = make_user("resident")
    client.force_login(resident)
    assert client.get("/alerts/compose/").status_code == 403
    assert client.post(f"/alerts/{alert.pk}/approve/").status_code == 403
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404  # a pending alert is not public
    alert.refresh_from_db()
    assert alert.state == AlertState.PENDING


def test_the_drafter_sees_no_approve_button_and_cannot_post_it(client, drafter, flood_content, english):
    alert = compose.draft(user=drafter, content=flood_content())
    client.force_login(drafter)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Approve and send" not in page and "Someone other than the person who drafted" in page
    assert client.post(f"/alerts/{alert.pk}/approve/").status_code == 403
    alert.refresh_from_db()
    assert alert.state == AlertState.PENDING


def test_a_second_person_approves_on_the_page_and_sees_each_medium(client, approver, drafter, flood_content,
                                                                    english, inside_and_outside):
    alert = compose.draft(user=drafter, content=flood_content())
    client.force_login(approver)
    response = client.post(f"/alerts/{alert.pk}/approve/", follow=True)
    text = response.content.decode()
    alert.refresh_from_db()
    assert alert.state == AlertState.CURRENT and alert.approved_by == approver
    assert "CAP document and Atom feed" in text and "in the feed" in text
    assert "Notifications" in text


def test_cancel_and_update_from_the_page(client, approver, drafter, live_alert, english):
    client.force_login(drafter)
    assert client.get(f"/alerts/{live_alert.pk}/update/").status_code == 200
    response = client.post(f"/alerts/{live_alert.pk}/cancel/", {"note": "水位が下がりました"})
    cancel = Alert.objects.get(replaces=live_alert)
    assert response["Location"] == f"/alerts/{cancel.pk}/" and cancel.msg_type == "Cancel"
    assert cancel.description == "水位が下がりました"


def test_public_pages_list_and_cap(client, live_alert, english):
    assert live_alert.headline in client.get("/alerts/").content.decode()
    cap = client.get(f"/alerts/{live_alert.pk}/cap.xml")
    assert cap["Content-Type"].startswith("application/cap+xml") and cap.content == live_alert.cap_xml.encode()
    assert "For staff" not in client.get(f"/alerts/{live_alert.pk}/").content.decode()


def test_testers_opt_in_on_their_page(client, make_user, english):
    resident = make_user("resident")
    assert client.get("/alerts/testers/").status_code == 302
    client.force_login(resident)
    client.post("/alerts/testers/", {"receive_exercises": "on"})
    assert selectors.is_tester(resident)
    client.post("/alerts/testers/", {})
    assert not selectors.is_tester(resident)


def test_an_expired_alert_leaves_the_banner(live_alert):
    Alert.objects.filter(id=live_alert.id).update(expires=timezone.now())
    assert [row["id"] for row in selectors.banner()] == []  # the cached row carries its expiry


def test_disaster_page_is_served_compressed_to_those_who_accept_it(client, live_alert, shelter):
    import gzip

    plain = client.get("/disaster")
    zipped = client.get("/disaster", HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["Content-Encoding"] == "gzip" and gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) and zipped["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in zipped["Vary"]
    assert client.get("/disaster", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304


def test_the_service_worker_keeps_push_and_adds_the_offline_pages(client, db):
    response = client.get("/notifications/sw.js")
    worker = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    assert 'addEventListener("push"' in worker and 'addEventListener("notificationclick"' in worker
    assert '"/disaster", "/map/shelters/"' in worker and 'addEventListener("fetch"' in worker
    page = client.get("/").content.decode()
    assert "js/offline.js" in page and 'data-worker-url="/notifications/sw.js"' in page


def test_an_emptied_shared_cache_costs_no_query_where_a_process_holds_the_banner(live_alert):
    from django.core.cache import cache

    from apps.alerts import caching

    selectors.banner()
    cache.clear()  # e.g. Redis restarted
    caching.check_shared_now()
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.banner()
    assert [r["id"] for r in rows] == [live_alert.id] and len(queries) == 0


def test_a_change_reaches_the_banner_even_after_the_shared_cache_was_emptied(live_alert, drafter, approver,
                                                                            django_capture_on_commit_callbacks):
    from django.core.cache import cache

    selectors.banner()
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.approve(alert=compose.draft_cancel(user=drafter, original=live_alert), approver=approver)
    assert selectors.banner() == []
