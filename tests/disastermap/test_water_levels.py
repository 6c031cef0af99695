"""River water levels: the signed device API, stages, warnings to residents, pages and admin."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.disastermap.choices import WaterStage
from apps.disastermap.models import WaterLevelReading, WaterLevelStation
from apps.disastermap.services import water
from apps.notifications.choices import Channel, Priority
from apps.notifications.models import Delivery, Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "water_level_device.py"
_spec = importlib.util.spec_from_file_location("water_level_device", SCRIPT)
device = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(device)


@pytest.fixture
def make_station(demo_map, sender, point_in):
    def make(code: str = "asahi-bridge", *, warn: tuple[str, ...] = ("01",), alert_sender=sender, **fields):
        fields = {"name": "旭橋", "river": "桜川", "standby_level": Decimal("1.00"), "caution_level": Decimal("2.00"),
                  "evacuation_level": Decimal("3.00"), "danger_level": Decimal("4.00"),
                  "notify_from_stage": WaterStage.EVACUATION, **fields}
        station = WaterLevelStation.objects.create(code=code, location=point_in(demo_map.districts["01"]),
                                                   alert_sender=alert_sender, **fields)
        station.districts_to_warn.set([demo_map.districts[c] for c in warn])
        return station

    return make


@pytest.fixture
def station(make_station):
    return make_station()


def at(minutes_ago: float) -> str:
    return (timezone.now() - dt.timedelta(minutes=minutes_ago)).astimezone(dt.timezone(dt.timedelta(hours=9))) \
        .isoformat(timespec="seconds")


def post(station, readings: list[dict] | dict, *, secret: str | None = None, timestamp: int | None = None,
         headers: dict | None = None, body: bytes | None = None):
    """Signed exactly as scripts/water_level_device.py signs, then sent through the real URL."""
    readings = readings if isinstance(readings, list) else [readings]
    signed_body, signed_headers = device.build_request(secret=secret or station.device_secret, readings=readings,
                                                       timestamp=timestamp)
    signed_headers.update(headers or {})
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed_headers.items() if k != "Content-Type"}
    url = reverse("api:map-station-readings", kwargs={"code": station.code})
    return APIClient().post(url, data=body if body is not None else signed_body, content_type="application/json",
                            **extra)


# --- the device API ----------------------------------------------------------------------


def test_a_signed_reading_is_stored_and_moves_the_station(station):
    response = post(station, {"measured_at": at(5), "level": 1.5})
    assert response.status_code == 201, response.json()
    assert response.json()["duplicate"] is False
    assert response.json()["stage"] == WaterStage.STANDBY
    station.refresh_from_db()
    assert station.latest_level == Decimal("1.50")
    assert station.current_stage == WaterStage.STANDBY
    assert WaterLevelReading.objects.get(station=station).stage == WaterStage.STANDBY


@pytest.mark.parametrize("headers", [
    {"X-Civicportal-Signature": ""},
    {"X-Civicportal-Timestamp": ""},
    {"X-Civicportal-Signature": "sha256=" + "0" * 64},
    {"X-Civicportal-Signature": "md5=abc"},
    {"X-Civicportal-Timestamp": "yesterday"},
])
def test_missing_or_bad_signatures_are_refused(station, headers):
    response = post(station, {"measured_at": at(5), "level": 1.5}, headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"]
    assert "WWW-Authenticate" in response
    assert not WaterLevelReading.objects.exists()


def test_another_stations_secret_or_a_changed_body_is_refused(station, make_station):
    other = make_station("other-gauge")
    assert post(station, {"measured_at": at(5), "level": 1.5}, secret=other.device_secret).status_code == 401
    tampered = json.dumps({"measured_at": at(5), "level": 9.0}).encode()
    assert post(station, {"measured_at": at(5), "level": 1.5}, body=tampered).status_code == 401
    assert not WaterLevelReading.objects.exists()


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_stale_or_future_timestamps_are_refused(station, skew):
    response = post(station, {"measured_at": at(5), "level": 1.5}, timestamp=int(time.time()) + skew)
    assert response.status_code == 401
    assert "300" in response.json()["detail"]  # the window is named, in either language
    assert not WaterLevelReading.objects.exists()


def test_unknown_station_is_404(station):
    station.code = "no-such-gauge"
    assert post(station, {"measured_at": at(5), "level": 1.5}).status_code == 404


def test_a_replayed_time_changes_nothing(station):
    measured_at = at(5)
    assert post(station, {"measured_at": measured_at, "level": 1.5}).status_code == 201
    response = post(station, {"measured_at": measured_at, "level": 3.9})
    assert response.status_code == 200
    assert response.json()["duplicate"] is True
    station.refresh_from_db()
    assert station.latest_level == Decimal("1.50")
    assert WaterLevelReading.objects.get(station=station).level == Decimal("1.50")
    assert not Message.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"measured_at": "NOW", "level": 500}, "level"),
    ({"measured_at": "NOW", "level": -25}, "level"),
    ({"measured_at": "NOW", "level": "high"}, "level"),
    ({"measured_at": "NOW", "level": True}, "level"),
    ({"measured_at": "NOW", "level": None}, "level"),
    ({"measured_at": "2025-06-01T09:00:00", "level": 1.0}, "measured_at"),
    ({"measured_at": "FUTURE", "level": 1.0}, "measured_at"),
    ({"measured_at": "2001-01-01T09:00:00+09:00", "level": 1.0}, "measured_at"),
    ({"measured_at": "NOW", "level": 1.0, "levle": 1.0}, "levle"),
    ({"level": 1.0}, "measured_at"),
])
def test_implausible_readings_are_400_naming_the_field(station, payload, field):
    payload = {**payload}
    if payload.get("measured_at") == "NOW":
        payload["measured_at"] = at(1)
    elif payload.get("measured_at") == "FUTURE":
        payload["measured_at"] = at(-60)
    response = post(station, payload)
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not WaterLevelReading.objects.exists()


def test_a_body_that_is_not_json_is_400(station):
    _body, headers = device.build_request(secret=station.device_secret, readings=[{}])
    bad = b"level=1.5"
    headers["X-Civicportal-Signature"] = device.sign(station.device_secret, headers["X-Civicportal-Timestamp"], bad)
    response = APIClient().post(reverse("api:map-station-readings", kwargs={"code": station.code}), data=bad,
                                content_type="application/json",
                                HTTP_X_CIVICPORTAL_TIMESTAMP=headers["X-Civicportal-Timestamp"],
                                HTTP_X_CIVICPORTAL_SIGNATURE=headers["X-Civicportal-Signature"])
    assert response.status_code == 400


def test_a_batch_is_stored_and_reports_each_reading(station):
    first = at(30)
    assert post(station, {"measured_at": first, "level": 1.2}).status_code == 201
    batch = [{"measured_at": first, "level": 1.2}, {"measured_at": at(20), "level": 1.4},
             {"measured_at": at(10), "level": 2.1}]
    response = post(station, batch)
    assert response.status_code == 201
    assert [r["duplicate"] for r in response.json()["readings"]] == [True, False, False]
    station.refresh_from_db()
    assert (station.latest_level, station.current_stage) == (Decimal("2.10"), WaterStage.CAUTION)
    assert WaterLevelReading.objects.filter(station=station).count() == 3


def test_a_batch_with_one_bad_reading_stores_nothing(station):
    response = post(station, [{"measured_at": at(20), "level": 1.4}, {"measured_at": at(10), "level": 999}])
    assert response.status_code == 400
    assert "readings.1.level" in response.json()["errors"]
    assert not WaterLevelReading.objects.exists()


def test_a_batch_of_more_than_100_is_refused(station):
    response = post(station, [{"measured_at": at(i + 1), "level": 1.0} for i in range(101)])
    assert response.status_code == 400
    assert "readings" in response.json()["errors"]


def test_an_older_reading_is_kept_but_does_not_move_the_latest(station):
    post(station, {"measured_at": at(5), "level": 1.5})
    assert post(station, {"measured_at": at(60), "level": 3.5}).status_code == 201
    station.refresh_from_db()
    assert (station.latest_level, station.current_stage) == (Decimal("1.50"), WaterStage.STANDBY)
    assert not Message.objects.exists()


# --- warnings ----------------------------------------------------------------------------


def test_a_rise_to_the_warning_stage_publishes_one_warning(station, sender):
    post(station, {"measured_at": at(30), "level": 2.5})
    assert not Message.objects.exists()  # caution is below "warn from evacuation"
    response = post(station, {"measured_at": at(20), "level": 3.2})
    assert response.json()["warning_sent"] is True
    message = Message.objects.get()
    assert (message.category, message.priority, message.created_by) == ("disaster", Priority.HIGH, sender)
    assert message.audience["segments"] == [{"kind": "district", "ids": [station.districts_to_warn.get().id]}]
    assert "避難判断水位" in message.title and "桜川" in message.title
    assert "3.20m" in message.body
    assert message.link_url.endswith(reverse("disastermap:station_detail", kwargs={"code": station.code}))
    english = message.variants.get(language="en")
    assert "evacuation decision level" in english.title
    # Still at the same stage, or repeated: no second warning.
    post(station, {"measured_at": at(10), "level": 3.5})
    post(station, {"measured_at": at(10), "level": 3.5})
    assert Message.objects.count() == 1
    station.refresh_from_db()
    assert station.last_warning_message_id == message.id


def test_danger_is_an_emergency_and_falling_sends_nothing(station):
    post(station, {"measured_at": at(30), "level": 3.1})
    post(station, {"measured_at": at(20), "level": 4.2})
    danger = Message.objects.order_by("-id").first()
    assert Message.objects.count() == 2
    assert danger.priority == Priority.EMERGENCY
    assert "氾濫危険水位" in danger.title
    post(station, {"measured_at": at(10), "level": 1.1})
    station.refresh_from_db()
    assert station.current_stage == WaterStage.STANDBY
    assert Message.objects.count() == 2
    # Rising again after falling is a new rise: residents are warned again.
    post(station, {"measured_at": at(5), "level": 3.3})
    assert Message.objects.count() == 3


def test_residents_of_the_warned_district_get_it_in_their_inbox(station, resident_in, run_broadcast):
    warned, elsewhere = resident_in("01"), resident_in("02")
    post(station, {"measured_at": at(5), "level": 4.5})
    message = Message.objects.get()
    run_broadcast(message)
    inbox = set(Delivery.objects.filter(message=message, channel=Channel.INBOX).values_list("recipient_id", flat=True))
    assert warned.id in inbox
    assert elsewhere.id not in inbox
    client = APIClient()
    client.force_login(warned)
    page = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="ja")
    assert "氾濫危険水位" in page.content.decode()


def test_without_a_sender_nothing_is_sent_and_staff_are_told(make_station, make_user, client):
    station = make_station(alert_sender=None)
    response = post(station, {"measured_at": at(5), "level": 3.6})
    assert response.status_code == 201
    assert response.json()["warning_sent"] is False
    assert not Message.objects.exists()
    station.refresh_from_db()
    assert station.current_stage == WaterStage.EVACUATION  # the stage is still recorded
    url = reverse("disastermap:station_detail", kwargs={"code": station.code})
    assert "residents will not be warned" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(make_user("city_staff"))
    assert "residents will not be warned" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_devices_posting_at_once_warn_exactly_once(make_station):
    station = make_station()
    barrier = threading.Barrier(2)
    results: list = []

    def report(minutes_ago: int) -> None:
        try:
            barrier.wait(timeout=10)
            result = water.record_reading(station=station, measured_at=timezone.now() - dt.timedelta(
                minutes=minutes_ago), level=Decimal("3.40"))
            results.append(result.warning_message_id)
        finally:
            connection.close()  # this thread's own connection; the test database is dropped after

    threads = [threading.Thread(target=report, args=(m,)) for m in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2
    assert Message.objects.count() == 1
    assert sorted(results, key=lambda r: r is None) == [Message.objects.get().id, None]


# --- pages, GeoJSON, secret ------------------------------------------------------------------


def test_station_pages_show_stage_in_words_and_a_chart(station, client):
    post(station, {"measured_at": at(60), "level": 1.2})
    post(station, {"measured_at": at(5), "level": 2.4})
    page = client.get(reverse("disastermap:station_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "旭橋" in page and "2.40 m" in page
    assert "Flood caution level" in page and "stage-2" in page
    detail = client.get(reverse("disastermap:station_detail", kwargs={"code": station.code}),
                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<svg" in detail and "<polyline" in detail
    assert detail.count('stroke-dasharray="6 4"') == 4  # one line per threshold
    assert '<th scope="row">' in detail and "1.20 m" in detail
    assert station.device_secret not in page + detail


def test_unknown_station_page_is_404(client, db):
    assert client.get(reverse("disastermap:station_detail", kwargs={"code": "nope"})).status_code == 404


def test_water_level_geojson(station, client):
    post(station, {"measured_at": at(5), "level": 3.05})
    response = client.get(reverse("api:map-layer-water-levels"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    feature = response.json()["features"][0]
    assert feature["properties"]["code"] == station.code
    assert feature["properties"]["stage"] == WaterStage.EVACUATION
    assert feature["properties"]["latest_level"] == 3.05
    assert station.device_secret not in response.content.decode()


def test_a_new_station_is_given_a_secret_shown_once_in_the_admin(make_user, demo_map, client):
    admin_user = make_user("city_staff")
    client.force_login(admin_user)
    response = client.post(reverse("admin:disastermap_waterlevelstation_add"), {
        "code": "midori-weir", "name": "緑堰", "river": "緑川",
        "location": '{"type": "Point", "coordinates": [133.93, 34.645]}',
        "notify_from_stage": "3", "readings-TOTAL_FORMS": "0", "readings-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200, response.content.decode()[:2000]
    station = WaterLevelStation.objects.get(code="midori-weir")
    assert re.fullmatch(r"[0-9a-f]{64}", station.device_secret)
    assert station.device_secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    change = client.get(reverse("admin:disastermap_waterlevelstation_change", args=[station.pk]))
    assert change.status_code == 200
    assert station.device_secret not in change.content.decode()


def test_rotating_the_secret_shows_the_new_one_once_and_the_old_one_stops_working(station, make_user, client):
    old = station.device_secret
    client.force_login(make_user("city_staff"))
    response = client.post(reverse("admin:disastermap_waterlevelstation_changelist"),
                           {"action": "rotate_secret", "_selected_action": [station.pk]})
    station.refresh_from_db()
    assert station.device_secret != old
    assert station.device_secret in response.content.decode()
    assert post(station, {"measured_at": at(5), "level": 1.0}, secret=old).status_code == 401
    assert post(station, {"measured_at": at(5), "level": 1.0}).status_code == 201


def test_the_script_dry_run_prints_a_request_the_server_accepts(station, capsys):
    assert device.main(["--station", station.code, "--secret", station.device_secret, "--level", "1.25",
                        "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    headers = dict(line.split(": ", 1) for line in lines[1:4])
    body = lines[-1].encode()
    response = APIClient().post(reverse("api:map-station-readings", kwargs={"code": station.code}), data=body,
                                content_type="application/json",
                                HTTP_X_CIVICPORTAL_TIMESTAMP=headers["X-Civicportal-Timestamp"],
                                HTTP_X_CIVICPORTAL_SIGNATURE=headers["X-Civicportal-Signature"])
    assert response.status_code == 201
