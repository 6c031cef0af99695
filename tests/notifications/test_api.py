"""The notifications REST API: residents' inbox and preferences, senders' messages, auth and schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.accounts.services import update_profile
from apps.notifications import services
from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus
from apps.notifications.models import Delivery, Message, ResidentPreferences, TopicSubscription
from tests.notifications.conftest import district_audience

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notifications"


# Error messages are checked in English; the API answers in the Accept-Language.
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(user) -> APIClient:
    client = APIClient(**ENGLISH)
    client.force_authenticate(user=user)
    return client


def token_client(user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True, **ENGLISH)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    return body


def publish(sender, audience, **extra) -> Message:
    fields = {"title": "断水のお知らせ", "body": "明日9時から12時まで断水します。", "category": "administration"}
    fields.update(extra)
    return services.publish(sender=sender, audience=audience, **fields)


def message_payload(audience: dict, **extra) -> dict:
    payload = {
        "title": "防災訓練のお知らせ",
        "body": "10月1日に中央地区で防災訓練を行います。",
        "category": "disaster",
        "audience": audience,
    }
    payload.update(extra)
    return payload


# --- anonymous ------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", "/inbox/"), ("get", "/inbox/1/"), ("post", "/inbox/read-all/"), ("get", "/unread-count/"),
    ("get", "/preferences/"), ("patch", "/preferences/"), ("get", "/messages/"), ("post", "/messages/"),
    ("post", "/messages/preview/"), ("get", "/messages/1/"), ("post", "/messages/1/approve/"),
    ("post", "/messages/1/cancel/"), ("get", "/segment-kinds/"),
])
def test_anonymous_callers_get_a_json_401_with_a_token_challenge(method, path):
    client = APIClient(**ENGLISH)
    response = client.get(f"{BASE}{path}") if method == "get" else getattr(client, method)(
        f"{BASE}{path}", {}, format="json")

    assert_json_error(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_a_json_401(sender):
    client = APIClient(**ENGLISH)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    body = assert_json_error(client.get(f"{BASE}/messages/"), 401)

    assert body["detail"] == "Invalid token."


# --- residents: inbox -----------------------------------------------------------------------

def test_inbox_lists_the_residents_messages_in_their_language(sender, resident_in, demo_map, run_broadcast):
    reader = resident_in("01")
    update_profile(user=reader, preferred_language="en")
    first = publish(sender, district_audience(demo_map.districts["01"]),
                    variants={"en": {"title": "Water outage", "body": "No water tomorrow 9-12."}},
                    link_url="https://www.city.example.jp/water")
    second = publish(sender, district_audience(demo_map.districts["01"]), title="防犯情報", body="不審者に注意。",
                     category="crime_safety", priority="high")
    for message in (first, second):
        run_broadcast(message)

    response = client_for(reader).get(f"{BASE}/inbox/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_id = {item["id"]: item for item in body["results"]}
    assert by_id[first.id] == {
        "id": first.id, "title": "Water outage", "body": "No water tomorrow 9-12.", "category": "administration",
        "priority": "normal", "organisation_name": "市民課", "link_url": "https://www.city.example.jp/water",
        "created_at": by_id[first.id]["created_at"], "read": False,
    }
    assert dt.datetime.fromisoformat(by_id[first.id]["created_at"]) == first.created_at
    # No English variant: the Japanese original.
    assert (by_id[second.id]["title"], by_id[second.id]["priority"]) == ("防犯情報", "high")


def test_inbox_filters_by_category_words_and_unread(sender, resident_in, demo_map, run_broadcast):
    reader = resident_in("01")
    services.set_topics(user=reader, categories=["administration", "crime_safety"])
    water = publish(sender, district_audience(demo_map.districts["01"]))
    crime = publish(sender, district_audience(demo_map.districts["01"]), title="防犯情報", body="不審者に注意。",
                    category="crime_safety")
    for message in (water, crime):
        run_broadcast(message)
    client = client_for(reader)
    services.open_inbox_message(user=reader, message=water)

    def ids(query: dict) -> list[int]:
        response = client.get(f"{BASE}/inbox/", query)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["results"]]

    assert ids({"category": "crime_safety"}) == [crime.id]
    assert ids({"q": "断水"}) == [water.id]
    assert ids({"unread": "true"}) == [crime.id]
    assert sorted(ids({})) == sorted([water.id, crime.id])
    assert ids({"limit": 1, "offset": 1}) == [water.id]  # newest first


def test_inbox_refuses_an_unknown_category_naming_it(make_user):
    body = assert_json_error(client_for(make_user(Role.RESIDENT)).get(f"{BASE}/inbox/", {"category": "x"}), 400)

    assert list(body["errors"]) == ["category"]


def test_opening_a_message_marks_it_read(sender, resident_in, demo_map, run_broadcast):
    reader = resident_in("01")
    message = publish(sender, district_audience(demo_map.districts["01"]))
    run_broadcast(message)
    client = client_for(reader)
    assert client.get(f"{BASE}/unread-count/").json() == {"unread_count": 1}

    response = client.get(f"{BASE}/inbox/{message.id}/")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["title"], response.json()["read"]) == (
        message.id, "断水のお知らせ", True)
    row = Delivery.objects.get(message=message, recipient=reader, channel=Channel.INBOX)
    assert row.status == DeliveryStatus.READ and row.read_at is not None
    assert client.get(f"{BASE}/unread-count/").json() == {"unread_count": 0}
    assert client.get(f"{BASE}/inbox/").json()["results"][0]["read"] is True


def test_a_message_sent_to_someone_else_is_a_json_404(sender, resident_in, demo_map, run_broadcast):
    addressee, neighbour = resident_in("01"), resident_in("02")
    message = publish(sender, district_audience(demo_map.districts["01"]))
    run_broadcast(message)

    assert_json_error(client_for(neighbour).get(f"{BASE}/inbox/{message.id}/"), 404)
    assert_json_error(client_for(neighbour).get(f"{BASE}/inbox/999999/"), 404)
    # The sender is not a recipient either, and the attempt read nothing.
    assert_json_error(client_for(sender).get(f"{BASE}/inbox/{message.id}/"), 404)
    assert Delivery.objects.get(recipient=addressee, channel=Channel.INBOX).read_at is None


def test_read_all_marks_every_message_read(sender, resident_in, demo_map, run_broadcast):
    reader, other = resident_in("01"), resident_in("01")
    for title in ("一通目", "二通目"):
        run_broadcast(publish(sender, district_audience(demo_map.districts["01"]), title=title))
    client = client_for(reader)
    assert client.get(f"{BASE}/unread-count/").json() == {"unread_count": 2}

    response = client.post(f"{BASE}/inbox/read-all/")

    assert response.status_code == 200
    assert response.json() == {"marked_read": 2, "unread_count": 0}
    assert client.get(f"{BASE}/unread-count/").json() == {"unread_count": 0}
    assert client_for(other).get(f"{BASE}/unread-count/").json() == {"unread_count": 2}


# --- residents: preferences -----------------------------------------------------------------

def test_preferences_start_from_the_defaults(make_user):
    response = client_for(make_user(Role.RESIDENT)).get(f"{BASE}/preferences/")

    assert response.status_code == 200
    assert response.json() == {
        "channels": {"email": True, "line": True, "webpush": True, "sms": False},
        "phone_number": "", "quiet_start": None, "quiet_end": None, "age_band": "",
        "household_with_children": None, "categories": ["administration", "crime_safety", "disaster"],
    }


def test_preferences_round_trip(make_user):
    resident = make_user(Role.RESIDENT)
    client = client_for(resident)
    changes = {
        "channels": {"email": False, "sms": True},
        "phone_number": "090-1234-5678",
        "quiet_start": "22:00", "quiet_end": "07:00",
        "age_band": "40-64", "household_with_children": True,
        "categories": ["events", "disaster"],
    }

    response = client.patch(f"{BASE}/preferences/", changes, format="json")

    assert response.status_code == 200, response.content
    expected = {
        "channels": {"email": False, "line": True, "webpush": True, "sms": True},
        "phone_number": "09012345678", "quiet_start": "22:00", "quiet_end": "07:00", "age_band": "40-64",
        "household_with_children": True, "categories": ["disaster", "events"],
    }
    assert response.json() == expected
    assert client.get(f"{BASE}/preferences/").json() == expected
    prefs = ResidentPreferences.objects.get(user=resident)
    assert (prefs.email_enabled, prefs.sms_enabled, prefs.quiet_start) == (False, True, dt.time(22, 0))
    assert set(TopicSubscription.objects.filter(user=resident).values_list("category", flat=True)) == {
        "events", "disaster"}

    # A later change touches only what it names.
    response = client.patch(f"{BASE}/preferences/", {"quiet_start": None, "quiet_end": None}, format="json")
    assert response.json() == {**expected, "quiet_start": None, "quiet_end": None}


@pytest.mark.parametrize(("changes", "field"), [
    ({"quiet_start": "25:00", "quiet_end": "07:00"}, "quiet_start"),
    ({"quiet_start": "22:00"}, "quiet_end"),
    ({"channels": {"sms": True}}, "phone_number"),
    ({"phone_number": "call me"}, "phone_number"),
    ({"channels": {"email": "maybe"}}, "channels.email"),
    ({"channels": {"fax": True}}, "channels.fax"),
    ({"age_band": "100+"}, "age_band"),
    ({"categories": ["events", "gossip"]}, "categories.1"),
    ({"categories": "events"}, "categories"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
])
def test_bad_preferences_are_a_400_naming_the_field_and_change_nothing(make_user, changes, field):
    resident = make_user(Role.RESIDENT)
    client = client_for(resident)
    before = client.get(f"{BASE}/preferences/").json()

    # The categories ride along: a refusal must not apply them either.
    body = assert_json_error(client.patch(f"{BASE}/preferences/", {"categories": ["events"], **changes},
                                          format="json"), 400)

    assert list(body["errors"]) == [field]
    assert field in body["detail"]
    assert client.get(f"{BASE}/preferences/").json() == before


# --- senders: who may -----------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("post", "/messages/"), ("get", "/messages/"), ("post", "/messages/preview/"), ("get", "/segment-kinds/"),
])
def test_residents_may_not_send(make_user, demo_map, method, path):
    client = client_for(make_user(Role.RESIDENT))

    response = getattr(client, method)(f"{BASE}{path}", message_payload(district_audience(demo_map.districts["01"])),
                                       format="json")

    body = assert_json_error(response, 403)
    assert body["detail"] == "Only city staff can send city messages."
    assert Message.objects.count() == 0


def test_a_residents_message_details_are_a_403(sender, make_user, demo_map):
    message = publish(sender, district_audience(demo_map.districts["01"]))

    assert_json_error(client_for(make_user(Role.RESIDENT)).get(f"{BASE}/messages/{message.id}/"), 403)


# --- senders: publishing --------------------------------------------------------------------

def test_a_valid_message_queues_its_fan_out_once_the_request_commits(sender, demo_map,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = client_for(sender).post(f"{BASE}/messages/", message_payload(
            district_audience(demo_map.districts["01"])), format="json")

    assert response.status_code == 201, response.content
    assert len(queued) == 1
    assert Message.objects.get(id=response.json()["id"]).status == MessageStatus.SENDING


# Committed for real: the fan-out queues each chunk's delivery only after its transaction commits.
@pytest.mark.django_db(transaction=True)
def test_a_city_system_sends_with_a_token_and_the_ledger_fills(sender, resident_in, demo_map, run_broadcast,
                                                                mailoutbox):
    inside = [resident_in("01"), resident_in("01")]
    resident_in("02")
    client = token_client(sender)  # CSRF enforced: a token needs none

    response = client.post(f"{BASE}/messages/", message_payload(
        district_audience(demo_map.districts["01"]),
        variants={"en": {"title": "Disaster drill", "body": "A drill in Chuo on 1 October."}},
        link_url="https://www.city.example.jp/drill", priority="high",
    ), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    message = Message.objects.get(id=body["id"])
    assert (body["status"], body["created_by"], body["organisation_name"]) == (
        MessageStatus.SENDING, sender.email, "市民課")
    assert body["variants"] == {"en": {"title": "Disaster drill", "body": "A drill in Chuo on 1 October."}}
    assert body["audience"] == {"match": "any", "segments": [{"kind": "district", "ids": [
        demo_map.districts["01"].id]}]}
    assert (message.title, message.priority, message.link_url) == (
        "防災訓練のお知らせ", "high", "https://www.city.example.jp/drill")

    run_broadcast(message)

    assert {(r.recipient_id, r.channel) for r in Delivery.objects.filter(message=message)} == {
        (u.id, c) for u in inside for c in (Channel.INBOX, Channel.EMAIL)}
    detail = client.get(f"{BASE}/messages/{message.id}/").json()
    assert detail["status"] == MessageStatus.SENT
    assert detail["recipient_count"] == 2
    assert detail["deliveries"]["channels"]["inbox"] == {
        "total": 2, "waiting": 0, "sent": 2, "delivered": 2, "read": 0, "failed": 0, "by_status": {"delivered": 2}}
    assert detail["deliveries"]["channels"]["email"] == {
        "total": 2, "waiting": 0, "sent": 2, "delivered": 0, "read": 0, "failed": 0, "by_status": {"sent": 2}}
    assert detail["deliveries"]["segments"] == {"中央": {
        "total": 4, "waiting": 0, "sent": 4, "delivered": 2, "read": 0, "failed": 0}}
    assert detail["deliveries"]["failures"] == []
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(u.email for u in inside)


def test_session_auth_needs_the_csrf_token(sender, demo_map):
    client = APIClient(enforce_csrf_checks=True, **ENGLISH)
    client.force_login(sender)

    response = client.post(f"{BASE}/messages/", message_payload(district_audience(demo_map.districts["01"])),
                           format="json")

    body = assert_json_error(response, 403)
    assert "CSRF" in body["detail"]
    assert Message.objects.count() == 0
    # Reads need no token.
    assert client.get(f"{BASE}/messages/").status_code == 200


TOO_LONG_FOR_LINE = "あ" * 4995  # fits the field, but not one LINE message with its title


@pytest.mark.parametrize(("changes", "field"), [
    ({"audience": {}}, "audience"),
    ({"audience": {"segments": []}}, "audience"),
    ({"audience": []}, "audience"),
    ({"audience": {"segments": [{"kind": "star_sign", "sign": "leo"}]}}, "audience"),
    ({"audience": {"segments": [{"kind": "district", "ids": [999999]}]}}, "audience"),
    ({"body": TOO_LONG_FOR_LINE}, "body"),
    ({"body": ""}, "body"),
    ({"title": "あ" * 121}, "title"),
    ({"link_url": "not a link"}, "link_url"),
    ({"link_url": "ftp://files.city.example.jp/drill.pdf"}, "link_url"),
    ({"link_url": "javascript:alert(1)"}, "link_url"),
    ({"scheduled_at": "2020-04-01T09:00:00+09:00"}, "scheduled_at"),
    ({"scheduled_at": "2099-04-01T09:00:00"}, "scheduled_at"),
    ({"scheduled_at": "next tuesday"}, "scheduled_at"),
    ({"scheduled_at": "2099-04-01T09:00:00+09:00", "expires_at": "2099-04-01T08:00:00+09:00"}, "expires_at"),
    ({"category": "gossip"}, "category"),
    ({"priority": "whenever"}, "priority"),
    ({"variants": {"fr": {"title": "Exercice", "body": "Un exercice."}}}, "variants.fr"),
    ({"variants": {"en": {"title": "Drill"}}}, "variants.en.body"),
    ({"variants": {"en": {"title": "Drill", "body": TOO_LONG_FOR_LINE}}}, "variants.en.body"),
    ({"schedule_at": "2099-04-01T09:00:00+09:00"}, "schedule_at"),
])
def test_a_bad_message_is_a_400_naming_the_field_and_nothing_is_stored_or_queued(
        sender, demo_map, changes, field, django_capture_on_commit_callbacks):
    payload = message_payload(district_audience(demo_map.districts["01"]))
    payload.update(changes)
    before = Message.objects.count()

    with django_capture_on_commit_callbacks() as queued:
        response = client_for(sender).post(f"{BASE}/messages/", payload, format="json")

    body = assert_json_error(response, 400)
    assert list(body["errors"]) == [field]
    assert field in body["detail"]
    assert Message.objects.count() == before
    assert queued == []


def test_a_missing_field_is_named(sender):
    body = assert_json_error(client_for(sender).post(f"{BASE}/messages/", {"title": "x"}, format="json"), 400)

    assert set(body["errors"]) == {"body", "category", "audience"}


def test_a_body_that_is_not_an_object_is_a_400(sender):
    body = assert_json_error(client_for(sender).post(f"{BASE}/messages/", ["x"], format="json"), 400)

    assert "dictionary" in body["detail"]


def test_a_scheduled_message_waits_and_can_be_cancelled(sender, demo_map, django_capture_on_commit_callbacks):
    client = client_for(sender)
    when = (timezone.now() + dt.timedelta(days=1)).astimezone(dt.timezone(dt.timedelta(hours=9)))

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"{BASE}/messages/", message_payload(
            district_audience(demo_map.districts["01"]), scheduled_at=when.isoformat()), format="json")

    assert response.status_code == 201, response.content
    assert queued == []  # nothing goes out before its time
    body = response.json()
    assert body["status"] == MessageStatus.SCHEDULED
    assert dt.datetime.fromisoformat(body["scheduled_at"]) == when

    response = client.post(f"{BASE}/messages/{body['id']}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == MessageStatus.CANCELLED
    assert Message.objects.get(id=body["id"]).cancelled_by == sender
    again = assert_json_error(client.post(f"{BASE}/messages/{body['id']}/cancel/"), 400)
    assert list(again["errors"]) == ["status"]


def test_a_message_already_sending_cannot_be_cancelled(sender, demo_map):
    message = publish(sender, district_audience(demo_map.districts["01"]))

    body = assert_json_error(client_for(sender).post(f"{BASE}/messages/{message.id}/cancel/"), 400)

    assert list(body["errors"]) == ["status"]
    assert Message.objects.get(id=message.id).status == MessageStatus.SENDING


def test_an_organisation_wide_message_needs_another_persons_approval(sender, make_user,
                                                                     django_capture_on_commit_callbacks):
    author = client_for(sender)
    response = author.post(f"{BASE}/messages/", message_payload({"segments": [{"kind": "everyone"}]}),
                           format="json")
    assert response.status_code == 201
    message_id = response.json()["id"]
    assert (response.json()["status"], response.json()["needs_approval"]) == (MessageStatus.PENDING_APPROVAL, True)

    body = assert_json_error(author.post(f"{BASE}/messages/{message_id}/approve/"), 403)
    assert body["detail"] == "Someone other than the author must approve this message."
    assert Message.objects.get(id=message_id).status == MessageStatus.PENDING_APPROVAL

    colleague = make_user(Role.CITY_STAFF)
    with django_capture_on_commit_callbacks() as queued:
        response = client_for(colleague).post(f"{BASE}/messages/{message_id}/approve/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["approved_by"]) == (MessageStatus.SENDING, colleague.email)
    assert len(queued) == 1
    again = assert_json_error(client_for(colleague).post(f"{BASE}/messages/{message_id}/approve/"), 400)
    assert list(again["errors"]) == ["status"]


def test_unknown_message_ids_are_a_json_404_for_senders(sender):
    client = client_for(sender)

    for path in ("/messages/999999/", "/messages/999999/approve/", "/messages/999999/cancel/"):
        method = client.get if path.count("/") == 3 else client.post
        assert_json_error(method(f"{BASE}{path}"), 404)


def test_sent_messages_are_listed_newest_first(sender, make_user, demo_map):
    older = publish(sender, district_audience(demo_map.districts["01"]), title="古い")
    newer = publish(make_user(Role.CITY_STAFF), district_audience(demo_map.districts["02"]), title="新しい")

    response = client_for(sender).get(f"{BASE}/messages/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(m["id"], m["title"]) for m in body["results"]] == [(newer.id, "新しい"), (older.id, "古い")]
    assert body["results"][1]["audience_summary"] == "中央"


# --- senders: preview and segment kinds -----------------------------------------------------

def test_preview_counts_recipients_per_channel_and_stores_nothing(sender, resident_in, demo_map):
    for code in ("01", "01", "02"):
        resident_in(code)
    services.update_preferences(user=resident_in("01"), email_enabled=False)

    response = client_for(sender).post(f"{BASE}/messages/preview/", {
        "audience": district_audience(demo_map.districts["01"]), "category": "administration"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "recipients": 3, "channels": {"inbox": 3, "email": 2}, "needs_approval": False, "audience": "中央",
        "line_messages": 0, "line_cost_yen": 0.0,
    }
    assert Message.objects.count() == 0 and Delivery.objects.count() == 0


def test_preview_for_everyone_needs_approval_and_a_system_admin_may_ask(make_user, resident_in, demo_map):
    resident_in("03")
    admin = make_user(Role.SYSTEM_ADMIN)

    response = client_for(admin).post(f"{BASE}/messages/preview/", {
        "audience": {"segments": [{"kind": "everyone"}]}, "category": "disaster", "priority": "emergency"},
        format="json")

    assert response.status_code == 200, response.content
    assert response.json()["needs_approval"] is True
    assert response.json()["recipients"] == 2  # the resident and the admin, who is a resident too


@pytest.mark.parametrize(("payload", "field"), [
    ({"audience": {"segments": [{"kind": "star_sign"}]}, "category": "events"}, "audience"),
    ({"audience": {"segments": [{"kind": "everyone"}]}, "category": "gossip"}, "category"),
    ({"audience": {"segments": [{"kind": "everyone"}]}}, "category"),
])
def test_a_bad_preview_is_a_400_naming_the_field(sender, payload, field):
    body = assert_json_error(client_for(sender).post(f"{BASE}/messages/preview/", payload, format="json"), 400)

    assert list(body["errors"]) == [field]


def test_segment_kinds_are_listed_with_labels(sender):
    response = client_for(sender).get(f"{BASE}/segment-kinds/")

    assert response.status_code == 200
    kinds = {row["kind"]: row["label"] for row in response.json()}
    assert {"everyone", "district", "school_district", "polygon", "radius", "attribute", "topic",
            "explicit"} <= set(kinds)
    assert all(isinstance(label, str) and label for label in kinds.values())


# --- the schema -----------------------------------------------------------------------------

def test_the_schema_describes_every_notifications_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/inbox/", "/inbox/{message_id}/", "/inbox/read-all/", "/unread-count/", "/preferences/",
                 "/messages/", "/messages/preview/", "/messages/{message_id}/", "/messages/{message_id}/approve/",
                 "/messages/{message_id}/cancel/", "/segment-kinds/"):
        assert f"{BASE}{path}" in paths
    create = paths[f"{BASE}/messages/"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "403"}
    assert "tokenAuth" in {name for scheme in create["security"] for name in scheme}
