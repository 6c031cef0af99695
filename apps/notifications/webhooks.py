"""Which outbound webhooks a message goes to, and sending one of them exactly once."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from apps.notifications.choices import DeliveryStatus, Priority
from apps.notifications.models import Message, WebhookDelivery, WebhookEndpoint
from apps.notifications.transports.base import TransportError
from apps.notifications.transports.webhook import WebhookTransport

PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.EMERGENCY: 3}


def matching_endpoints(message: Message) -> list[WebhookEndpoint]:
    rank = PRIORITY_RANK[Priority(message.priority)]
    return [
        endpoint for endpoint in WebhookEndpoint.objects.filter(active=True)
        if (not endpoint.categories or message.category in endpoint.categories)
        and PRIORITY_RANK[Priority(endpoint.minimum_priority)] <= rank
    ]


def plan_webhooks(message: Message, *, queue: Callable[[int, Message], None]) -> int:
    """Ledger rows for every matching endpoint; queue each after commit. Idempotent."""
    rows = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(message=message, endpoint=endpoint) for endpoint in matching_endpoints(message)],
        ignore_conflicts=True,
    )
    for delivery_id in WebhookDelivery.objects.filter(message=message, status=DeliveryStatus.QUEUED).values_list(
            "id", flat=True):
        transaction.on_commit(lambda i=delivery_id: queue(i, message))
    return len(rows)


def deliver_webhook(delivery_id: int) -> bool:
    """Send one webhook delivery unless it was already sent. Raises TransportError to retry."""
    with transaction.atomic():
        claimed = WebhookDelivery.objects.filter(id=delivery_id, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENDING, updated_at=timezone.now())
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint", "message").get(id=delivery_id)
    WebhookDelivery.objects.filter(id=delivery_id).update(attempts=delivery.attempts + 1)
    try:
        status = WebhookTransport().send(endpoint=delivery.endpoint, message=delivery.message, delivery_id=delivery_id)
    except TransportError as exc:
        WebhookDelivery.objects.filter(id=delivery_id).update(
            status=DeliveryStatus.FAILED if exc.permanent else DeliveryStatus.QUEUED, error=str(exc)[:300])
        if exc.permanent:
            return False
        raise
    WebhookDelivery.objects.filter(id=delivery_id).update(
        status=DeliveryStatus.SENT, response_status=status, sent_at=timezone.now(), error="")
    return True
