"""The notifications admin (read-only ledger, webhooks managed) and the dashboard panel."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.notifications import services
from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus
from apps.notifications.models import (
    Delivery,
    LineLink,
    Message,
    PushSubscription,
    ResidentPreferences,
    TopicSubscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.notifications.conftest import district_audience

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def notification_models() -> list[type]:
    return [model for model in admin.site._registry if model._meta.app_label == "notifications"]


@pytest.fixture
def ledger(sender, resident_in, demo_map, run_broadcast):
    """A sent message with its ledger and one row of every other notifications table."""
    resident = resident_in("01")
    message = services.publish(sender=sender, audience=district_audience(demo_map.districts["01"]),
                               title="断水のお知らせ", body="明日断水します。", category="administration",
                               variants={"en": {"title": "Water outage", "body": "No water tomorrow."}})
    run_broadcast(message)
    Delivery.objects.filter(message=message, channel=Channel.EMAIL).update(
        status=DeliveryStatus.FAILED, error=f"address refused: {{'{resident.email}': (550, b'No such mailbox')}}")
    services.update_preferences(user=resident, age_band="40-64", phone_number="090-1234-5678")
    PushSubscription.objects.create(user=resident, endpoint="https://push.example.net/send/secret-capability",
                                    p256dh="key", auth="auth", user_agent="Firefox")
    LineLink.objects.create(user=resident, line_user_id="U" + "a" * 32)
    endpoint = WebhookEndpoint.objects.create(name="駅前サイネージ", url="https://signage.example.jp/hook")
    WebhookDelivery.objects.create(message=message, endpoint=endpoint, status=DeliveryStatus.SENT,
                                   response_status=200)
    return {"message": message, "resident": resident, "endpoint": endpoint}


def test_every_notifications_model_is_registered():
    assert set(notification_models()) == {Message, Delivery, ResidentPreferences, TopicSubscription,
                                          PushSubscription, LineLink, WebhookEndpoint, WebhookDelivery}


def test_system_admin_opens_every_changelist_and_record(client, make_user, ledger):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    resident = ledger["resident"]
    for model in notification_models():
        name = f"admin:notifications_{model._meta.model_name}"
        listing = client.get(reverse(f"{name}_changelist"))
        assert listing.status_code == 200, model
        record = model.objects.first()
        assert record is not None, model
        page = client.get(reverse(f"{name}_change", args=[record.pk]))
        assert page.status_code == 200, model
        for response in (listing, page):
            html = response.content.decode()
            # Residents appear by id only: no address, phone number, LINE id or push endpoint.
            assert resident.email not in html, model
            assert "09012345678" not in html and "U" + "a" * 32 not in html and "secret-capability" not in html, model


def test_messages_are_read_only_with_their_figures(client, make_user, ledger):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    client.cookies["django_language"] = "en"  # the language switch; the profile says Japanese
    message = ledger["message"]
    page = client.get(reverse("admin:notifications_message_change", args=[message.id]))
    html = page.content.decode()
    assert 'name="_save"' not in html  # a view, not a form
    assert "Water outage" in html
    assert re.search(r"<th scope=\"row\">Inbox on this site</th><td>1</td>", html)
    assert reverse("notifications:sent_detail", args=[message.id]) in html
    assert client.get(reverse("admin:notifications_message_add")).status_code == 403
    assert client.post(reverse("admin:notifications_message_change", args=[message.id]),
                       {"title": "changed"}).status_code == 403
    message.refresh_from_db()
    assert message.title == "断水のお知らせ"


def test_deliveries_are_filtered_and_searched_without_addresses(client, make_user, ledger):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    url = reverse("admin:notifications_delivery_changelist")
    failed = client.get(url, {"channel": Channel.EMAIL, "status": DeliveryStatus.FAILED})
    assert failed.status_code == 200
    assert [row.channel for row in failed.context["cl"].result_list] == [Channel.EMAIL]
    assert client.get(url, {"q": "断水"}).context["cl"].result_list.count() == 2
    assert client.get(url, {"q": "nothing like it"}).context["cl"].result_list.count() == 0
    row = Delivery.objects.get(channel=Channel.EMAIL)
    detail = client.get(reverse("admin:notifications_delivery_change", args=[row.id])).content.decode()
    assert "address refused" in detail and "[address]" in detail
    assert EMAIL.search(detail.split("<main", 1)[1].split("</main>", 1)[0]) is None


def test_webhook_endpoints_are_managed_and_the_secret_shows_only_when_opened(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    add_url = reverse("admin:notifications_webhookendpoint_add")
    add_page = client.get(add_url).content.decode()
    assert 'name="secret"' not in add_page

    response = client.post(add_url, {"name": "FM中継", "url": "https://fm.example.jp/in",
                                     "categories": ["disaster", "crime_safety"], "minimum_priority": "high",
                                     "active": "on"})

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.categories == ["disaster", "crime_safety"]
    assert len(endpoint.secret) == 64
    listing = client.get(reverse("admin:notifications_webhookendpoint_changelist")).content.decode()
    assert "FM中継" in listing and endpoint.secret not in listing
    change = client.get(reverse("admin:notifications_webhookendpoint_change", args=[endpoint.id]))
    assert endpoint.secret in change.content.decode()
    bad = client.post(add_url, {"name": "x", "url": "ftp://files.example.jp/", "minimum_priority": "low"})
    assert "url" in bad.context["adminform"].form.errors
    assert WebhookEndpoint.objects.count() == 1


def test_city_staff_see_messages_and_webhooks_in_the_admin(client, make_user, ledger):
    client.force_login(make_user(Role.CITY_STAFF))
    index = client.get("/admin/").content.decode()
    assert reverse("admin:notifications_message_changelist") in index
    assert reverse("admin:notifications_webhookendpoint_changelist") in index
    assert reverse("admin:notifications_residentpreferences_changelist") not in index
    assert client.get(reverse("admin:notifications_message_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_delivery_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_residentpreferences_changelist")).status_code == 403


def test_dashboard_shows_the_notifications_panel(client, make_user, sender, demo_map, ledger):
    pending = services.publish(sender=sender, audience={"segments": [{"kind": "everyone"}]}, title="全市",
                               body="b", category="administration")
    assert pending.status == MessageStatus.PENDING_APPROVAL
    old = services.publish(sender=sender, audience=district_audience(demo_map.districts["02"]), title="古い",
                           body="b", category="administration")
    Message.objects.filter(id=old.id).update(fanout_started_at=timezone.now() - dt.timedelta(days=10))
    services.open_inbox_message(user=ledger["resident"], message=ledger["message"])
    client.force_login(make_user(Role.CITY_STAFF))
    client.cookies["django_language"] = "en"

    page = client.get("/dashboard/")

    html = page.content.decode()
    assert 'id="panel-notifications">Notifications</h2>' in html
    figures = dict(next(f for panel, f in page.context["panels"] if panel.key == "notifications"))
    assert {str(label): value for label, value in figures.items()} == {
        "Messages sent in the last 7 days": 1,
        "Waiting for approval": 1,
        "Failed deliveries in the last 7 days": 1,
        "Inbox read rate in the last 7 days": "100%",
    }
    assert reverse("notifications:sent_list") in html
