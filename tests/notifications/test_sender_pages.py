"""City staff's sending pages: compose, preview, send, approve, cancel and the figures."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.accounts.roles import Role
from apps.notifications import fanout, services
from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus
from apps.notifications.models import Delivery, Message
from apps.notifications.services import Organisation
from tests.notifications.conftest import district_audience

pytestmark = pytest.mark.django_db

COMPOSE = "/notifications/send/"
SENT = "/notifications/sent/"
TOKYO = ZoneInfo("Asia/Tokyo")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def deliver_all(django_capture_on_commit_callbacks):
    """Like conftest's run_broadcast, for tests inside a transaction: fan-out queues its
    chunks on commit, so the callbacks are captured and run before delivering."""

    def run(message: Message) -> None:
        chunks: list[tuple[str, list[int]]] = []
        with django_capture_on_commit_callbacks(execute=True):
            fanout.fan_out(message.id, queue_chunk=lambda m, channel, ids: chunks.append((channel, ids)))
        for channel, ids in chunks:
            fanout.deliver(message.id, channel, ids)

    return run


@pytest.fixture
def staff_client(client, sender):
    client.force_login(sender)
    client.cookies["django_language"] = "en"
    return client


def fields(**changes) -> dict:
    data = {"title": "断水のお知らせ", "body": "明日9時から12時まで断水します。", "category": "administration",
            "priority": "normal", "match": "any"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def tokyo_input(moment: dt.datetime) -> str:
    return moment.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


class _SendForm(HTMLParser):
    """The hidden inputs of the preview page's send form."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.items: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == COMPOSE
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.items.setdefault(attrs["name"], []).append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def carried(response) -> dict[str, list[str]]:
    parser = _SendForm()
    parser.feed(response.content.decode())
    return parser.items


def png_bytes(size=(40, 30), *, noise: bool = False, kind: str = "PNG") -> bytes:
    if noise:
        picture = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        picture = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    picture.save(buffer, kind)
    return buffer.getvalue()


# --- the happy path --------------------------------------------------------------------------

def test_compose_preview_send_reaches_the_residents_of_the_district(staff_client, resident_in, demo_map,
                                                                      run_broadcast):
    inside = [resident_in("01"), resident_in("01")]
    resident_in("02")  # elsewhere
    district = demo_map.districts["01"]
    page = staff_client.get(COMPOSE)
    assert page.status_code == 200
    assert f'value="{district.id}"' in page.content.decode()

    preview = staff_client.post(COMPOSE, fields(districts=[district.id], body="明日9時から\n12時まで断水します。",
                                                title_en="Water outage",
                                                body_en="No water tomorrow from 9 to 12.", action="preview"))

    assert preview.status_code == 200
    assert preview.templates[0].name == "notifications/compose_preview.html"
    result = preview.context["preview"]
    assert result["recipients"] == 2
    assert result["channels"] == {Channel.INBOX: 2, Channel.EMAIL: 2}
    assert result["needs_approval"] is False
    html = preview.content.decode()
    assert '<strong id="recipient-count">2</strong>' in html
    assert district.name in html and "Water outage" in html and "12時まで断水します。" in html
    assert not Message.objects.exists()  # a preview stores nothing

    sent = staff_client.post(COMPOSE, {**carried(preview), "action": "send"})

    message = Message.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("notifications:sent_detail", args=[message.id])
    assert message.status == MessageStatus.SENDING
    assert message.audience == {"match": "any", "segments": [{"kind": "district", "ids": [district.id]}]}
    assert message.text_for("en") == ("Water outage", "No water tomorrow from 9 to 12.")
    assert message.body == "明日9時から\n12時まで断水します。"  # line breaks survive the hidden fields
    detail = staff_client.get(sent["Location"])
    assert "The message is being sent now." in detail.content.decode()

    run_broadcast(message)

    rows = Delivery.objects.filter(message=message)
    assert {(row.recipient_id, row.channel) for row in rows} == {
        (user.id, channel) for user in inside for channel in (Channel.INBOX, Channel.EMAIL)}


def test_edit_from_the_preview_keeps_what_was_written(staff_client, demo_map):
    district = demo_map.districts["02"]
    preview = staff_client.post(COMPOSE, fields(districts=[district.id], radius_lat="34.65", radius_lon="133.91",
                                                radius_meters="800", age_bands=["65-74", "75+"]))
    back = staff_client.post(COMPOSE, {**carried(preview), "action": "edit"})
    assert back.templates[0].name == "notifications/compose.html"
    html = back.content.decode()
    assert 'value="断水のお知らせ"' in html
    assert re.search(rf'value="{district.id}"[^>]*checked', html)
    assert 'value="800"' in html and re.search(r'value="75\+"[^>]*checked', html)
    assert back.context["form"].cleaned_data["audience"] == {"match": "any", "segments": [
        {"kind": "district", "ids": [district.id]},
        {"kind": "radius", "lat": 34.65, "lon": 133.91, "meters": 800},
        {"kind": "attribute", "age_bands": ["65-74", "75+"]},
    ]}


def test_audience_builder_writes_every_kind_of_segment(staff_client, demo_map):
    school = demo_map.school_districts["E1"]
    preview = staff_client.post(COMPOSE, fields(
        school_districts=[school.id], households_with_children="on", topic="events", match="all"))
    assert preview.status_code == 200
    assert preview.context["form"].cleaned_data["audience"] == {"match": "all", "segments": [
        {"kind": "school_district", "ids": [school.id]},
        {"kind": "attribute", "household_with_children": True},
        {"kind": "topic", "category": "events"},
    ]}
    assert preview.context["preview"]["needs_approval"] is False


def test_an_image_checked_by_content_survives_the_preview(staff_client, demo_map, media_root):
    # A real JPEG whatever its name says; it is stored under a name that says JPEG.
    upload = SimpleUploadedFile("holiday-photo.txt", png_bytes(kind="JPEG"), content_type="text/plain")
    preview = staff_client.post(COMPOSE, fields(districts=[demo_map.districts["01"].id], image=upload))
    assert preview.status_code == 200, preview.context["form"].errors
    assert "JPEG, 40×30 pixels" in preview.content.decode()
    hidden = carried(preview)
    assert hidden["image_token"] and "image" not in hidden
    drafts = list((media_root / "notifications" / "drafts").iterdir())
    assert len(drafts) == 1

    staff_client.post(COMPOSE, {**hidden, "action": "send"})

    message = Message.objects.get()
    assert message.image.name.startswith("notifications/") and message.image.name.endswith(".jpg")
    assert "holiday" not in message.image.name
    assert default_storage.exists(message.image.name)
    assert not list((media_root / "notifications" / "drafts").iterdir())  # the draft is gone


def test_a_tampered_image_token_is_refused(staff_client, demo_map):
    response = staff_client.post(COMPOSE, fields(districts=[demo_map.districts["01"].id], image_token="forged:x",
                                                 action="send"))
    assert "image" in response.context["form"].errors
    assert not Message.objects.exists()


# --- who may ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ASSOCIATION_OFFICER, Role.SCHOOL_STAFF])
def test_other_roles_are_refused_every_sender_page(client, make_user, sender, demo_map, role):
    message = services.publish(sender=sender, audience=district_audience(demo_map.districts["01"]), title="t",
                               body="b", category="administration",
                               scheduled_at=timezone.now() + dt.timedelta(hours=1))
    client.force_login(make_user(role))
    detail = reverse("notifications:sent_detail", args=[message.id])
    assert client.get(COMPOSE).status_code == 403
    assert client.post(COMPOSE, fields(districts=[demo_map.districts["01"].id], action="send")).status_code == 403
    assert client.get(SENT).status_code == 403
    assert client.get(detail).status_code == 403
    assert client.post(reverse("notifications:approve", args=[message.id])).status_code == 403
    assert client.post(reverse("notifications:cancel", args=[message.id])).status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SCHEDULED
    assert Message.objects.count() == 1


def test_anonymous_people_are_asked_to_sign_in(client):
    for url in (COMPOSE, SENT, "/notifications/sent/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_a_system_administrator_may_compose(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    assert client.get(COMPOSE).status_code == 200


def test_messages_of_other_organisations_are_not_found(staff_client, sender, demo_map):
    theirs = services.publish(sender=sender, audience=district_audience(demo_map.districts["01"]), title="t",
                              body="b", category="community",
                              organisation=Organisation("association", 7, "桜川一丁目町内会"))
    assert staff_client.get(reverse("notifications:sent_detail", args=[theirs.id])).status_code == 404
    assert staff_client.post(reverse("notifications:cancel", args=[theirs.id])).status_code == 404


# --- bad input -------------------------------------------------------------------------------

def _bad_inputs(demo_map) -> dict:
    district = [demo_map.districts["01"].id]
    text_as_png = SimpleUploadedFile("notice.png", b"This is only text, not a picture.\n" * 10,
                                     content_type="image/png")
    large = png_bytes((1100, 1000), noise=True)
    assert len(large) > 2 * 1024 * 1024
    return {
        "empty title": (fields(title="", districts=district), "title"),
        "no audience": (fields(), "audience"),
        "past send time": (fields(districts=district, scheduled_at=tokyo_input(
            timezone.now() - dt.timedelta(hours=2))), "scheduled_at"),
        "radius without metres": (fields(radius_lat="34.65", radius_lon="133.91"), "radius_meters"),
        "text renamed .png": (fields(districts=district, image=text_as_png), "image"),
        "image over 2 MB": (fields(districts=district, image=SimpleUploadedFile(
            "big.png", large, content_type="image/png")), "image"),
        "English title without body": (fields(districts=district, title_en="Notice"), "body_en"),
        "unknown district": (fields(districts=[999999]), "districts"),
    }


BAD = ["empty title", "no audience", "past send time", "radius without metres", "text renamed .png",
       "image over 2 MB", "English title without body", "unknown district"]


@pytest.mark.parametrize("action", ["preview", "send"])
@pytest.mark.parametrize("case", BAD)
def test_bad_input_shows_the_field_error_and_stores_nothing(staff_client, demo_map, case, action):
    data, field = _bad_inputs(demo_map)[case]
    response = staff_client.post(COMPOSE, {**data, "action": action})

    assert response.status_code == 200
    assert response.templates[0].name == "notifications/compose.html"
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    anchor = "audience_error" if field == "audience" else f"id_{field}_error"
    assert f'id="{anchor}"' in html
    assert "Please correct the following" in html
    assert not Message.objects.exists()


def test_errors_from_the_service_land_on_their_field(staff_client, demo_map):
    # Fits the form's 5,000 characters but not LINE's limit once the link is added.
    picture = SimpleUploadedFile("map.png", png_bytes(), content_type="image/png")
    response = staff_client.post(COMPOSE, fields(districts=[demo_map.districts["01"].id], body="あ" * 4990,
                                                 link_url="https://example.jp/outage", image=picture, action="send"))
    form = response.context["form"]
    assert list(form.errors) == ["body"]
    html = response.content.decode()
    assert "Too long for LINE" in html
    assert not Message.objects.exists()
    # The picture was kept, so the corrected form sends it without choosing it again.
    assert form.current_image_token and "An image is attached (PNG, 40×30 pixels)" in html
    staff_client.post(COMPOSE, fields(districts=[demo_map.districts["01"].id], body="短い本文",
                                      link_url="https://example.jp/outage", image_token=form.current_image_token,
                                      action="send"))
    assert Message.objects.get().image.name.endswith(".png")


# --- approval, schedule, cancel --------------------------------------------------------------

def test_everyone_needs_a_second_member_of_staff(staff_client, sender, make_user, resident_in, run_broadcast):
    resident = resident_in("03")
    preview = staff_client.post(COMPOSE, fields(everyone="on"))
    assert preview.context["preview"]["needs_approval"] is True
    assert "another member of staff must approve it" in preview.content.decode()

    sent = staff_client.post(COMPOSE, {**carried(preview), "action": "send"}, follow=True)
    message = Message.objects.get()
    assert message.status == MessageStatus.PENDING_APPROVAL
    html = sent.content.decode()
    assert "waiting for approval by another member of staff" in html
    approve_url = reverse("notifications:approve", args=[message.id])
    assert approve_url not in html  # the author has no button
    assert "You cannot approve your own message." in html

    assert staff_client.post(approve_url).status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING_APPROVAL

    colleague = make_user(Role.CITY_STAFF)
    staff_client.force_login(colleague)
    detail = staff_client.get(reverse("notifications:sent_detail", args=[message.id]))
    assert approve_url in detail.content.decode()
    approved = staff_client.post(approve_url, follow=True)
    assert "The message is being sent now." in approved.content.decode()
    message.refresh_from_db()
    assert (message.status, message.approved_by) == (MessageStatus.SENDING, colleague)

    run_broadcast(message)
    assert Delivery.objects.filter(message=message, recipient=resident, channel=Channel.INBOX).exists()


def test_a_scheduled_message_can_be_cancelled(staff_client, demo_map, resident_in):
    resident_in("01")
    later = timezone.now() + dt.timedelta(hours=3)
    sent = staff_client.post(COMPOSE, fields(districts=[demo_map.districts["01"].id], scheduled_at=tokyo_input(later),
                                             action="send"), follow=True)
    message = Message.objects.get()
    assert message.status == MessageStatus.SCHEDULED
    # The datetime-local input is read as Japan time.
    assert tokyo_input(message.scheduled_at) == tokyo_input(later)
    assert f"scheduled for {tokyo_input(later).replace('T', ' ')}" in sent.content.decode()
    cancel_url = reverse("notifications:cancel", args=[message.id])
    assert cancel_url in sent.content.decode()

    cancelled = staff_client.post(cancel_url, follow=True)

    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    html = cancelled.content.decode()
    assert "The message was cancelled." in html
    assert cancel_url not in html  # nothing left to cancel
    again = staff_client.post(cancel_url, follow=True)
    assert "can no longer be cancelled" in again.content.decode()
    assert staff_client.get(cancel_url).status_code == 405


# --- what happened ---------------------------------------------------------------------------

def test_sent_detail_shows_counts_and_never_an_address(staff_client, sender, resident_in, demo_map, deliver_all,
                                                       smtp_sink):
    good, bad = resident_in("01"), resident_in("01")
    smtp_sink.refuse(bad.email)
    message = services.publish(sender=sender, audience=district_audience(demo_map.districts["01"]),
                               title="断水", body="明日断水します。", category="administration")
    deliver_all(message)
    services.open_inbox_message(user=good, message=message)

    response = staff_client.get(reverse("notifications:sent_detail", args=[message.id]))

    assert response.status_code == 200
    channels = {row["label"]: row for row in response.context["channels"]}
    assert {k: channels[Channel.INBOX.label][k] for k in ("total", "delivered", "read", "failed")} == {
        "total": 2, "delivered": 2, "read": 1, "failed": 0}
    assert {k: channels[Channel.EMAIL.label][k] for k in ("total", "sent", "failed", "waiting")} == {
        "total": 2, "sent": 1, "failed": 1, "waiting": 0}
    assert [row["label"] for row in response.context["segments"]] == [demo_map.districts["01"].name]
    assert response.context["failures"] == [
        {"channel": Channel.EMAIL.label, "reason": response.context["failures"][0]["reason"], "count": 1}]
    html = response.content.decode()
    assert "address refused" in html
    assert EMAIL.search(html) is None, EMAIL.search(html)
    assert "<td>2</td>" in html


def test_sent_list_filters_by_status_and_shows_tokyo_time(staff_client, sender, demo_map):
    later = timezone.now() + dt.timedelta(hours=5)
    scheduled = services.publish(sender=sender, audience=district_audience(demo_map.districts["01"]),
                                 title="予定の知らせ", body="b", category="events", scheduled_at=later)
    services.publish(sender=sender, audience=district_audience(demo_map.districts["02"]), title="今の知らせ",
                     body="b", category="events")

    everything = staff_client.get(SENT)
    assert [row["message"].title for row in everything.context["rows"]] == ["今の知らせ", "予定の知らせ"]
    only = staff_client.get(SENT, {"status": MessageStatus.SCHEDULED})
    assert [row["message"] for row in only.context["rows"]] == [scheduled]
    html = only.content.decode()
    assert tokyo_input(later).replace("T", " ") in html
    assert demo_map.districts["01"].name in html
    assert EMAIL.search(html) is None
    assert staff_client.get(SENT, {"status": "nonsense"}).context["status"] == ""


def test_sent_list_is_paginated(staff_client, sender, demo_map):
    for n in range(27):
        services.publish(sender=sender, audience=district_audience(demo_map.districts["01"]), title=f"知らせ{n}",
                         body="b", category="events")
    first = staff_client.get(SENT)
    assert len(first.context["rows"]) == 25
    assert "?page=2" in first.content.decode()
    second = staff_client.get(SENT, {"page": 2})
    assert len(second.context["rows"]) == 2


def test_failed_delivery_reasons_are_merged_without_addresses(staff_client, sender, resident_in, demo_map,
                                                              deliver_all, smtp_sink):
    refused = [resident_in("01") for _ in range(3)]
    for user in refused:
        smtp_sink.refuse(user.email)
    message = services.publish(sender=sender, audience=district_audience(demo_map.districts["01"]),
                               title="t", body="b", category="administration")
    deliver_all(message)
    assert Delivery.objects.filter(message=message, status=DeliveryStatus.FAILED).count() == 3
    failures = staff_client.get(reverse("notifications:sent_detail", args=[message.id])).context["failures"]
    assert [row["count"] for row in failures] == [3]
    assert "@" not in failures[0]["reason"] and "refused" in failures[0]["reason"]
