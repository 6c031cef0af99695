"""Web Push: subscribing browsers, and messages that a local push service verifies and decrypts."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string
from py_vapid import Vapid, Vapid01

from apps.accounts.services import update_profile
from apps.notifications import fanout, push_services, services
from apps.notifications.choices import Channel, DeliveryStatus, Priority
from apps.notifications.models import Delivery, PushSubscription
from apps.notifications.transports import TransportError, configured_channels
from apps.notifications.transports.webpush import MAX_PAYLOAD_BYTES
from tests.notifications.conftest import district_audience
from tests.support.push_stub import PushService

pytestmark = pytest.mark.django_db
# Fan-out queues chunks on commit, so tests that broadcast need real transactions.
broadcasting = pytest.mark.django_db(transaction=True)

SUBJECT = "mailto:push-test@city.example.jp"
FCM = "https://fcm.googleapis.com/fcm/send/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_vapid_keys() -> SimpleNamespace:
    """A throwaway key pair made for this test run (never a real one)."""
    key = Vapid01()
    key.generate_keys()
    public = key.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return SimpleNamespace(
        raw=b64url(key.private_key.private_numbers().private_value.to_bytes(32, "big")),
        pem=key.private_pem().decode(),
        public=b64url(public),
        public_pem=key.public_pem().decode(),
    )


def browser_keys() -> dict:
    """What a browser reports: a fresh P-256 public key and a 16-byte auth secret."""
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64url(public), "auth": b64url(os.urandom(16))}


@pytest.fixture
def vapid(settings) -> SimpleNamespace:
    keys = new_vapid_keys()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY, settings.VAPID_SUBJECT = keys.raw, keys.public, SUBJECT
    return keys


@pytest.fixture
def push_service(settings):
    # The stub listens on plain http on 127.0.0.1, which subscriptions accept only with DEBUG on.
    settings.DEBUG = True
    with PushService() as service:
        yield service


@pytest.fixture
def browser(push_service, vapid):
    """browser(user, "phone") -> subscribe a new browser of `user` at the stub, as the view would."""

    def subscribe(user, name: str, *, application_server_key: str | None = None) -> dict:
        info = push_service.create_subscription(name, application_server_key=application_server_key or vapid.public)
        push_services.save_push_subscription(user=user, endpoint=info["endpoint"], user_agent="test browser",
                                             **info["keys"])
        return info

    return subscribe


def publish(sender, district, **extra):
    fields = {"title": "断水のお知らせ", "body": "明日9時から12時まで断水します。", "category": "administration"}
    fields.update(extra)
    return services.publish(sender=sender, audience=district_audience(district), **fields)


def push_row(user) -> Delivery:
    return Delivery.objects.get(recipient=user, channel=Channel.WEBPUSH)


# --- sending ------------------------------------------------------------------------------

@broadcasting
def test_each_browser_gets_the_message_in_the_readers_language(sender, resident_in, demo_map, run_broadcast,
                                                               browser, push_service):
    japanese, english = resident_in("01"), resident_in("01")
    update_profile(user=english, preferred_language="en")
    browser(japanese, "ja-phone")
    browser(english, "en-laptop")
    browser(english, "en-phone")
    message = publish(sender, demo_map.districts["01"], link_url="https://city.example.jp/water",
                      variants={"en": {"title": "Water outage", "body": "No water tomorrow from 9 to 12."}})

    run_broadcast(message)

    for user in (japanese, english):
        assert push_row(user).status == DeliveryStatus.DELIVERED
    ja_payload = push_service.payloads["ja-phone"][0]
    assert (ja_payload["title"], ja_payload["body"]) == ("断水のお知らせ", "明日9時から12時まで断水します。")
    assert ja_payload["tag"] == f"message-{message.id}"
    # The link is the tracked one of this resident's row: opening it counts as read.
    token = ja_payload["url"].removeprefix(f"{django_settings.SITE_URL}/notifications/t/c/").rstrip("/")
    assert fanout.read_tracking_token(token) == push_row(japanese).id
    for name in ("en-laptop", "en-phone"):
        [payload] = push_service.payloads[name]
        assert (payload["title"], payload["body"]) == ("Water outage", "No water tomorrow from 9 to 12.")
        assert fanout.read_tracking_token(payload["url"].rstrip("/").rsplit("/", 1)[1]) == push_row(english).id


@broadcasting
def test_the_push_service_verified_our_vapid_token_and_headers(sender, resident_in, demo_map, run_broadcast,
                                                               browser, push_service):
    browser(resident_in("01"), "phone")
    message = publish(sender, demo_map.districts["01"])
    run_broadcast(message)

    [request] = push_service.requests
    assert request.status == 201, request.reason
    assert request.claims["aud"] == push_service.origin
    assert request.claims["sub"] == SUBJECT
    assert time.time() < request.claims["exp"] <= time.time() + 24 * 3600
    assert request.headers["urgency"] == "normal"
    assert request.headers["ttl"] == "86400"
    assert request.headers["topic"] == f"m{message.id}"
    assert Delivery.objects.get(channel=Channel.WEBPUSH).provider_id == f"{push_service.origin}/message/1"


@pytest.mark.parametrize(("forgery", "reason"), [
    ("signed-by-another-key", "Signature verification failed"),
    ("expired", "expired"),
    ("other-audience", "Audience"),
    ("no-subject", "sub"),
])
def test_the_push_service_refuses_a_token_it_cannot_verify(push_service, vapid, forgery, reason):
    """The stub's check is real: what passes above would not pass if our token were wrong."""
    info = push_service.create_subscription("phone", application_server_key=vapid.public)
    claims = {"sub": SUBJECT, "aud": push_service.origin, "exp": int(time.time()) + 3600}
    signing_key = vapid.raw
    if forgery == "signed-by-another-key":
        signing_key = new_vapid_keys().raw
    elif forgery == "expired":
        claims["exp"] = int(time.time()) - 60
    elif forgery == "other-audience":
        claims["aud"] = "https://push.example.com"
    elif forgery == "no-subject":
        del claims["sub"]
    token = jwt.encode(claims, Vapid.from_string(signing_key).private_key, algorithm="ES256")
    response = requests.post(info["endpoint"], data=b"x", timeout=5, headers={
        "Authorization": f"vapid t={token}, k={vapid.public}", "TTL": "60", "Content-Encoding": "aes128gcm"})
    assert response.status_code == 401
    assert reason in response.text
    assert push_service.payloads["phone"] == []


@broadcasting
def test_emergency_is_urgent_short_lived_and_opens_the_inbox(sender, resident_in, demo_map, run_broadcast,
                                                             browser, push_service):
    user = resident_in("01")
    services.update_preferences(user=user, webpush_enabled=False)  # emergency overrides the switch
    browser(user, "phone")
    message = publish(sender, demo_map.districts["01"], category="disaster", priority=Priority.EMERGENCY,
                      title="避難指示", body="直ちに避難してください。")
    run_broadcast(message)

    [request] = push_service.requests
    assert (request.headers["urgency"], request.headers["ttl"]) == ("high", "3600")
    [payload] = push_service.payloads["phone"]
    assert payload["url"] == f"{django_settings.SITE_URL}{reverse('notifications:detail', args=[message.id])}"
    assert push_row(user).status == DeliveryStatus.DELIVERED


@broadcasting
def test_switched_off_or_without_browser_no_push_row(sender, resident_in, demo_map, run_broadcast, browser,
                                                     push_service):
    off, without = resident_in("01"), resident_in("01")
    browser(off, "phone")
    services.update_preferences(user=off, webpush_enabled=False)
    run_broadcast(publish(sender, demo_map.districts["01"]))
    assert not Delivery.objects.filter(channel=Channel.WEBPUSH, recipient__in=[off, without]).exists()
    assert push_service.requests == []


@broadcasting
def test_a_long_body_is_cut_to_fit_the_push_service(sender, resident_in, demo_map, run_broadcast, browser,
                                                    push_service):
    user = resident_in("01")
    browser(user, "phone")
    body = "詳しい説明です。" * 600  # 4,800 characters, about 14 kB of UTF-8
    run_broadcast(publish(sender, demo_map.districts["01"], body=body))

    [payload] = push_service.payloads["phone"]
    assert payload["body"].endswith("…")
    assert body.startswith(payload["body"][:-1])
    assert len(json.dumps(payload, ensure_ascii=False).encode()) <= MAX_PAYLOAD_BYTES
    assert push_row(user).status == DeliveryStatus.DELIVERED


@broadcasting
def test_a_gone_subscription_is_removed_and_the_row_fails_for_good(sender, resident_in, demo_map, run_broadcast,
                                                                   browser, push_service):
    user = resident_in("01")
    browser(user, "old-phone")
    push_service.expire("old-phone")
    run_broadcast(publish(sender, demo_map.districts["01"]))

    row = push_row(user)
    assert (row.status, row.error) == (DeliveryStatus.FAILED, "subscription expired")
    assert not PushSubscription.objects.filter(user=user).exists()


@broadcasting
def test_one_gone_browser_does_not_fail_a_resident_with_another(sender, resident_in, demo_map, run_broadcast,
                                                                browser, push_service):
    user = resident_in("01")
    browser(user, "old-phone")
    kept = browser(user, "laptop")
    push_service.expire("old-phone")
    run_broadcast(publish(sender, demo_map.districts["01"]))

    assert push_row(user).status == DeliveryStatus.DELIVERED
    assert list(PushSubscription.objects.filter(user=user).values_list("endpoint", flat=True)) == [kept["endpoint"]]
    assert len(push_service.payloads["laptop"]) == 1


@broadcasting
@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_push_service_gives_the_rows_back_for_a_retry(sender, resident_in, demo_map, browser, push_service,
                                                             status):
    user = resident_in("01")
    browser(user, "phone")
    message = publish(sender, demo_map.districts["01"])
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    push_service.fail_next(status)

    with pytest.raises(TransportError) as caught:
        fanout.deliver(message.id, Channel.WEBPUSH, [user.id])
    assert caught.value.permanent is False
    row = push_row(user)
    assert row.status == DeliveryStatus.QUEUED and str(status) in row.error
    assert PushSubscription.objects.filter(user=user).exists()

    # The retry (Celery's autoretry) claims the row afresh and gets through.
    assert fanout.deliver(message.id, Channel.WEBPUSH, [user.id]) == 1
    assert push_row(user).status == DeliveryStatus.DELIVERED
    assert len(push_service.payloads["phone"]) == 1


@broadcasting
def test_an_unreachable_push_service_is_temporary(settings, sender, resident_in, demo_map, vapid, unused_tcp_port):
    settings.DEBUG = True
    user = resident_in("01")
    push_services.save_push_subscription(user=user, endpoint=f"http://127.0.0.1:{unused_tcp_port}/push/x",
                                         user_agent="", **browser_keys())
    message = publish(sender, demo_map.districts["01"])
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)

    with pytest.raises(TransportError) as caught:
        fanout.deliver(message.id, Channel.WEBPUSH, [user.id])
    assert caught.value.permanent is False
    assert push_row(user).status == DeliveryStatus.QUEUED and "unreachable" in push_row(user).error
    assert PushSubscription.objects.filter(user=user).exists()


@broadcasting
def test_a_subscription_made_with_another_key_fails_permanently(sender, resident_in, demo_map, run_broadcast,
                                                                browser, push_service):
    user = resident_in("01")
    # The browser subscribed before the site's keys were replaced: the push service answers 403.
    browser(user, "phone", application_server_key=new_vapid_keys().public)
    run_broadcast(publish(sender, demo_map.districts["01"]))

    assert push_service.requests[0].status == 403
    row = push_row(user)
    assert row.status == DeliveryStatus.FAILED and "VAPID" in row.error
    assert push_service.payloads["phone"] == []


@broadcasting
@pytest.mark.parametrize("key_format", ["raw", "pem", "pem-one-line", "public-pem"])
def test_vapid_keys_in_each_supported_format(settings, sender, resident_in, demo_map, run_broadcast, browser,
                                             push_service, vapid, key_format):
    if key_format == "pem":
        settings.VAPID_PRIVATE_KEY = vapid.pem
    elif key_format == "pem-one-line":  # how a PEM key fits in one environment variable
        settings.VAPID_PRIVATE_KEY = vapid.pem.strip().replace("\n", "\\n")
    elif key_format == "public-pem":
        settings.VAPID_PUBLIC_KEY = vapid.public_pem
    browser(resident_in("01"), "phone")
    assert Client().get(reverse("notifications:push_key")).json() == {"publicKey": vapid.public}
    run_broadcast(publish(sender, demo_map.districts["01"]))
    assert len(push_service.payloads["phone"]) == 1


@broadcasting
def test_keys_that_do_not_match_stop_the_channel_instead_of_sending(settings, sender, resident_in, demo_map,
                                                                    browser, push_service, vapid):
    user = resident_in("01")
    browser(user, "phone")
    settings.VAPID_PUBLIC_KEY = new_vapid_keys().public
    assert Client().get(reverse("notifications:push_key")).json() == {"publicKey": None}
    message = publish(sender, demo_map.districts["01"])
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)

    assert fanout.deliver(message.id, Channel.WEBPUSH, [user.id]) == 0
    row = push_row(user)
    assert row.status == DeliveryStatus.FAILED and "does not belong" in row.error
    assert push_service.requests == []


def test_without_vapid_settings_the_channel_is_off(settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = settings.VAPID_SUBJECT = ""
    assert Channel.WEBPUSH not in configured_channels()
    assert Client().get(reverse("notifications:push_key")).json() == {"publicKey": None}


def test_public_key_view_gives_the_application_server_key(vapid):
    response = Client().get(reverse("notifications:push_key"))
    assert response.status_code == 200
    assert response.json() == {"publicKey": vapid.public}
    assert Channel.WEBPUSH in configured_channels()


# --- subscribing --------------------------------------------------------------------------

def post_json(client: Client, name: str, data) -> object:
    return client.post(reverse(f"notifications:{name}"), data=json.dumps(data), content_type="application/json")


@pytest.fixture
def resident_client(make_user):
    user = make_user("resident")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_subscribe_stores_the_browser_for_the_resident(resident_client):
    endpoint = FCM + "abc123"
    response = resident_client.post(reverse("notifications:push_subscribe"),
                                    data=json.dumps({"endpoint": endpoint, "keys": browser_keys()}),
                                    content_type="application/json", headers={"User-Agent": "Firefox/140"})
    assert response.status_code == 201
    assert response.json() == {"endpoint": endpoint}
    subscription = PushSubscription.objects.get()
    assert (subscription.user, subscription.endpoint, subscription.user_agent) == (
        resident_client.user, endpoint, "Firefox/140")

    # The same browser again (the page re-sends it on each visit): still one row, keys updated.
    keys = browser_keys()
    assert post_json(resident_client, "push_subscribe", {"endpoint": endpoint, "keys": keys}).status_code == 201
    assert list(PushSubscription.objects.values_list("p256dh", "auth")) == [(keys["p256dh"], keys["auth"])]


NOT_ON_CURVE = b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": None}, "endpoint"),
        ({"endpoint": ""}, "endpoint"),
        ({"endpoint": 42}, "endpoint"),
        ({"endpoint": "not a url"}, "endpoint"),
        ({"endpoint": "ftp://push.example.com/abc"}, "endpoint"),
        ({"endpoint": "http://push.example.com/abc"}, "endpoint"),
        ({"endpoint": "https://user:secret@push.example.com/abc"}, "endpoint"),
        ({"endpoint": "https://10.0.0.5/push/abc"}, "endpoint"),
        ({"endpoint": "https://169.254.169.254/latest/meta-data"}, "endpoint"),
        ({"endpoint": "https://127.0.0.1:8000/push/abc"}, "endpoint"),
        ({"endpoint": "http://localhost:8000/push/abc"}, "endpoint"),
        ({"endpoint": FCM + "a" * 800}, "endpoint"),
        ({"keys": None}, "keys.p256dh"),
        ({"keys": {"auth": b64url(os.urandom(16))}}, "keys.p256dh"),
        ({"keys": {"p256dh": "not base64!", "auth": b64url(os.urandom(16))}}, "keys.p256dh"),
        ({"keys": {"p256dh": b64url(os.urandom(33)), "auth": b64url(os.urandom(16))}}, "keys.p256dh"),
        ({"keys": {"p256dh": NOT_ON_CURVE, "auth": b64url(os.urandom(16))}}, "keys.p256dh"),
        ({"keys": {"p256dh": browser_keys()["p256dh"]}}, "keys.auth"),
        ({"keys": {"p256dh": browser_keys()["p256dh"], "auth": b64url(os.urandom(8))}}, "keys.auth"),
        ({"keys": {"p256dh": browser_keys()["p256dh"], "auth": ["list"]}}, "keys.auth"),
    ],
)
def test_subscribe_refuses_bad_input_and_names_the_field(resident_client, change, field):
    data = {"endpoint": FCM + "abc123", "keys": browser_keys(), **change}
    response = post_json(resident_client, "push_subscribe", data)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["errors"][field][0]
    assert field in body["detail"]
    assert not PushSubscription.objects.exists()


def test_a_local_push_service_is_allowed_only_in_debug(settings, resident_client):
    data = {"endpoint": "http://127.0.0.1:9/push/dev", "keys": browser_keys()}
    settings.DEBUG = False
    assert post_json(resident_client, "push_subscribe", data).status_code == 400
    settings.DEBUG = True
    assert post_json(resident_client, "push_subscribe", data).status_code == 201


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'"endpoint"'])
def test_subscribe_needs_a_json_object(resident_client, body):
    response = resident_client.post(reverse("notifications:push_subscribe"), data=body,
                                    content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not PushSubscription.objects.exists()


def test_signed_out_people_get_401_json_not_a_login_page():
    client = Client()
    for name in ("push_subscribe", "push_unsubscribe"):
        response = post_json(client, name, {"endpoint": FCM + "abc", "keys": browser_keys()})
        assert response.status_code == 401
        assert response.json()["detail"]
    assert not PushSubscription.objects.exists()


def test_subscribe_and_unsubscribe_need_post(resident_client):
    assert resident_client.get(reverse("notifications:push_subscribe")).status_code == 405
    assert resident_client.get(reverse("notifications:push_unsubscribe")).status_code == 405


def test_csrf_token_is_required_in_the_header(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("resident"))
    token = get_random_string(32)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token
    data = json.dumps({"endpoint": FCM + "abc", "keys": browser_keys()})
    url = reverse("notifications:push_subscribe")

    assert client.post(url, data=data, content_type="application/json").status_code == 403
    assert not PushSubscription.objects.exists()
    assert client.post(url, data=data, content_type="application/json",
                       headers={"X-CSRFToken": token}).status_code == 201


def test_an_endpoint_moves_to_whoever_subscribes_with_it_and_only_the_owner_removes_it(make_user):
    first, second = Client(), Client()
    first.force_login(make_user("resident"))
    owner = make_user("resident")
    second.force_login(owner)
    endpoint = FCM + "shared-browser"
    assert post_json(first, "push_subscribe", {"endpoint": endpoint, "keys": browser_keys()}).status_code == 201
    assert post_json(second, "push_subscribe", {"endpoint": endpoint, "keys": browser_keys()}).status_code == 201
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [owner.id]

    # The earlier user cannot remove it any more; the owner can.
    response = post_json(first, "push_unsubscribe", {"endpoint": endpoint})
    assert (response.status_code, response.json()) == (200, {"removed": False})
    assert PushSubscription.objects.filter(user=owner).exists()
    response = post_json(second, "push_unsubscribe", {"endpoint": endpoint})
    assert (response.status_code, response.json()) == (200, {"removed": True})
    assert not PushSubscription.objects.exists()


def test_unsubscribe_names_a_missing_endpoint(resident_client):
    response = post_json(resident_client, "push_unsubscribe", {})
    assert response.status_code == 400
    assert "endpoint" in response.json()["errors"]


def test_a_resident_keeps_at_most_ten_browsers_the_newest(resident_client):
    for n in range(push_services.MAX_SUBSCRIPTIONS_PER_USER + 2):
        post_json(resident_client, "push_subscribe", {"endpoint": f"{FCM}device-{n}", "keys": browser_keys()})
    endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert len(endpoints) == push_services.MAX_SUBSCRIPTIONS_PER_USER
    assert f"{FCM}device-0" not in endpoints and f"{FCM}device-11" in endpoints


# --- the browser side ---------------------------------------------------------------------

def test_service_worker_is_served_for_the_whole_site_and_never_cached():
    response = Client().get(reverse("notifications:service_worker"))
    assert response.status_code == 200
    assert reverse("notifications:service_worker") == "/notifications/sw.js"
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    source = (Path(django_settings.BASE_DIR) / "static/js/sw.js").read_bytes()
    assert response.content == source
    assert b"showNotification" in source and b"notificationclick" in source


def test_the_controls_explain_themselves_without_javascript_and_carry_no_inline_script(rf, make_user):
    request = rf.get("/notifications/settings/")
    request.user = make_user("resident")
    with translation.override("en"):
        html = render_to_string("notifications/_push_controls.html", request=request)

    assert "Browser notifications need JavaScript." in html
    assert 'src="/static/js/push.js"' in html
    # CSP allows only script files from this site: no inline code, no on* handlers.
    assert html.count("<script") == html.count("<script src=")
    assert " onclick=" not in html and " onload=" not in html
    # The buttons start hidden (the script shows them when the browser can subscribe).
    assert html.count("hidden data-push-o") == 2
    for name in ("push_key", "push_subscribe", "push_unsubscribe", "service_worker"):
        assert f'"{reverse("notifications:" + name)}"' in html
    assert 'role="status"' in html


def test_one_vapid_token_per_push_service_until_it_nears_expiry(vapid, monkeypatch):
    from apps.notifications.transports import webpush as transport

    monkeypatch.setattr(transport, "_vapid_headers", {})
    keys = transport.vapid_keys()
    first = transport.vapid_headers(keys, "https://fcm.googleapis.com/fcm/send/abc")
    assert transport.vapid_headers(keys, "https://fcm.googleapis.com/fcm/send/def") == first
    other = transport.vapid_headers(keys, "https://updates.push.services.mozilla.com/wpush/v2/x")
    assert other != first  # each push service is its own audience
    token = first["Authorization"].split("t=", 1)[1].split(",", 1)[0]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == "https://fcm.googleapis.com" and claims["sub"] == SUBJECT
    # An hour before it expires, a fresh one is signed.
    now = time.time()
    monkeypatch.setattr(transport.time, "time", lambda: now + transport.VAPID_LIFETIME_SECONDS - 1800)
    renewed = transport.vapid_headers(keys, "https://fcm.googleapis.com/fcm/send/abc")
    assert renewed != first
