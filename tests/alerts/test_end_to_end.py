"""Done when: staff draft an evacuation order for a flood zone, a second person approves, and
residents in the zone are told on their channels by a real worker, the banner and /disaster show
it, a valid CAP document is in the feed, a relay gets its signed webhook; cancelling travels
the same way."""

from __future__ import annotations

import time

import feedparser
import pytest
from lxml import etree

from apps.alerts import cap
from apps.alerts.choices import AlertState, WebhookState
from apps.alerts.models import Alert, WebhookDelivery, WebhookReceiver
from apps.notifications.choices import Channel, DeliveryStatus
from apps.notifications.models import Delivery
from tests.support.webhook_stub import WebhookReceiver as ReceiverStub

WAIT_SECONDS = 60  # a bound on waiting for the worker, not a performance assertion


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"the worker did not finish: {what}"
        time.sleep(0.1)


def delivered(message_id: int, user, channel: str = Channel.INBOX) -> bool:
    return Delivery.objects.filter(message_id=message_id, recipient=user, channel=channel,
                                   status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED]).exists()


def compose_and_approve(client, drafter, approver, url: str, data: dict) -> Alert:
    client.force_login(drafter)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    alert = Alert.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    client.force_login(approver)
    assert client.post(f"/alerts/{alert.pk}/approve/").status_code == 302
    alert.refresh_from_db()
    return alert


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_evacuation_order_for_a_flood_zone_reaches_every_medium_and_so_does_its_cancel(
        celery_worker_process, client, drafter, approver, flood_zone, inside_and_outside, event_types, english):
    inside, north = inside_and_outside["inside"], inside_and_outside["north"]
    with ReceiverStub(secret="fm-secret") as relay:
        relay.fail_next = [503]  # the relay is down for the first try
        WebhookReceiver.objects.create(name="FM relay", url=relay.url, secret="fm-secret")
        alert = compose_and_approve(client, drafter, approver, "/alerts/compose/", {
            "event_type": "evacuation", "cap_status": "Actual", "urgency": "Immediate", "severity": "Severe",
            "certainty": "Observed", "evacuation_level": "4", "headline": "桜川 避難指示",
            "description": "桜川が氾濫危険水位に達しました。", "instruction": "直ちに避難してください。",
            "headline_en": "Evacuation order: Sakuragawa", "description_en": "The river is at danger level.",
            "text_easy": "にげて ください。", "hazard_zone": str(flood_zone.id)})
        assert alert.state == AlertState.CURRENT and alert.approved_by == approver

        # At once, before any worker: CAP document, feed entry, banner, disaster page.
        assert cap.schema_errors(etree.fromstring(client.get(f"/alerts/{alert.pk}/cap.xml").content)) == []
        feed = feedparser.parse(client.get("/alerts/feed.atom").content)
        assert not feed.bozo and feed.entries[0].id == alert.identifier
        assert "Evacuation order: Sakuragawa" in client.get("/").content.decode()
        assert "Evacuation order: Sakuragawa" in client.get("/disaster?lang=en").content.decode()

        # The worker: residents in the zone on their channels, nobody else; the relay after a retry.
        wait_for(lambda: delivered(alert.message_id, inside), "inbox delivery")
        wait_for(lambda: delivered(alert.message_id, inside, Channel.EMAIL), "email delivery")
        wait_for(lambda: WebhookDelivery.objects.filter(alert=alert, state=WebhookState.SENT).exists(), "webhook")
        assert not Delivery.objects.filter(message_id=alert.message_id, recipient=north).exists()
        hook = WebhookDelivery.objects.get(alert=alert)
        assert hook.attempts == 2 and relay.received[0]["identifier"] == alert.identifier and relay.rejected == 0
        page = client.get(f"/alerts/{alert.pk}/").content.decode()
        assert "Webhook: FM relay" in page and "retried 1 times" in page and "Notifications: inbox" in page

        # Cancelling travels the same way.
        cancel = compose_and_approve(client, drafter, approver, f"/alerts/{alert.pk}/cancel/", {"note": "解除します"})
        alert.refresh_from_db()
        assert cancel.msg_type == "Cancel" and alert.state == AlertState.CANCELLED
        assert "Evacuation order: Sakuragawa" not in client.get("/").content.decode()
        assert "No alert is in force." in client.get("/disaster?lang=en").content.decode()
        entries = feedparser.parse(client.get("/alerts/feed.atom").content).entries
        assert [e.id for e in entries] == [cancel.identifier, alert.identifier]
        wait_for(lambda: delivered(cancel.message_id, inside), "cancel delivery")
        wait_for(lambda: len(relay.received) == 2, "cancel webhook")
        assert relay.received[1]["msgType"] == "Cancel" and alert.identifier in relay.received[1]["references"]
        assert not Delivery.objects.filter(message_id=cancel.message_id, recipient=north).exists()
