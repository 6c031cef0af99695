"""Outbound webhooks: signed, matched by category and priority, sent once, retried when down."""

import pytest

from apps.notifications import services, webhooks
from apps.notifications.choices import DeliveryStatus
from apps.notifications.models import WebhookDelivery, WebhookEndpoint
from apps.notifications.transports.base import TransportError
from tests.notifications.conftest import district_audience
from tests.support.webhook_stub import WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)


def fan_out_with_webhooks(message):
    from apps.notifications import fanout

    queued: list[int] = []
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None, queue_webhook=lambda i, m: queued.append(i))
    return queued


def publish(sender, demo_map, **extra):
    return services.publish(sender=sender, title="避難所開設", body="中央公民館を開設しました。",
                            audience=district_audience(demo_map.districts["01"]), **{"category": "disaster", **extra})


def test_matching_endpoint_receives_a_signed_post_once(sender, demo_map, resident_in):
    resident_in("01")
    with WebhookReceiver(secret="s3cret") as receiver:
        endpoint = WebhookEndpoint.objects.create(name="Signage", url=receiver.url, secret="s3cret",
                                                  categories=["disaster"])
        WebhookEndpoint.objects.create(name="Events board", url=receiver.url, categories=["events"])
        message = publish(sender, demo_map)
        queued = fan_out_with_webhooks(message)
        assert len(queued) == 1
        assert webhooks.deliver_webhook(queued[0]) is True
        assert webhooks.deliver_webhook(queued[0]) is False  # already sent: nothing happens
    assert receiver.rejected == 0
    assert [r["title"] for r in receiver.received] == ["避難所開設"]
    row = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (row.status, row.response_status) == (DeliveryStatus.SENT, 204)


def test_wrong_secret_is_refused_by_the_receiver_and_not_retried(sender, demo_map):
    with WebhookReceiver(secret="right") as receiver:
        WebhookEndpoint.objects.create(name="FM relay", url=receiver.url, secret="wrong")
        queued = fan_out_with_webhooks(publish(sender, demo_map))
        assert webhooks.deliver_webhook(queued[0]) is False
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.FAILED and "401" in row.error


def test_endpoint_down_is_retried_later(sender, demo_map):
    with WebhookReceiver(secret="k") as receiver:
        WebhookEndpoint.objects.create(name="CATV", url=receiver.url, secret="k")
        receiver.fail_next = [503]
        queued = fan_out_with_webhooks(publish(sender, demo_map))
        with pytest.raises(TransportError) as caught:
            webhooks.deliver_webhook(queued[0])
        assert caught.value.permanent is False
        assert WebhookDelivery.objects.get().status == DeliveryStatus.QUEUED
        assert webhooks.deliver_webhook(queued[0]) is True
    assert len(receiver.received) == 1


def test_minimum_priority_filters_endpoints(sender, demo_map):
    WebhookEndpoint.objects.create(name="Emergency only", url="http://127.0.0.1:9/x", minimum_priority="emergency")
    assert fan_out_with_webhooks(publish(sender, demo_map, priority="normal")) == []
