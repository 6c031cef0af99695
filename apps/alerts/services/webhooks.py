"""Sending one alert to one webhook receiver, recording every attempt.

Signed like the notifications webhooks: `X-Civicportal-Signature: sha256=<hex>`, HMAC-SHA256
with the receiver's secret over `<X-Civicportal-Timestamp>.<body>`.
"""

from __future__ import annotations

import json
import time

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.alerts.choices import WebhookState
from apps.alerts.models import WebhookAttempt, WebhookDelivery
from apps.notifications.transports.webhook import signature

TIMEOUT_SECONDS = 10


class TemporaryWebhookError(Exception):
    """Worth trying again later (network, 5xx, 408, 429)."""


def payload(alert) -> dict:
    return {
        "event": "alert.published",
        "identifier": alert.identifier,
        "sender": alert.sender,
        "sent": alert.sent.isoformat(),
        "status": alert.cap_status,
        "msgType": alert.msg_type,
        "references": alert.references,
        "headline": alert.headline,
        "headline_en": alert.headline_en,
        "url": f"{settings.SITE_URL}/alerts/{alert.pk}/",
        "cap_url": f"{settings.SITE_URL}/alerts/{alert.pk}/cap.xml",
        "cap": alert.cap_xml,
    }


def _record(delivery_id: int, *, ok: bool, status: int | None, error: str, state: str, attempts: int) -> None:
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery_id=delivery_id, ok=ok, response_status=status, error=error[:300])
        WebhookDelivery.objects.filter(id=delivery_id).update(
            state=state, attempts=attempts, last_error=error[:300], updated_at=timezone.now(),
            **({"sent_at": timezone.now()} if ok else {}))


def attempt(delivery_id: int, *, last_try: bool) -> bool:
    """One POST. Returns True when sent (or already sent); raises TemporaryWebhookError to retry."""
    delivery = WebhookDelivery.objects.select_related("receiver", "alert").filter(id=delivery_id).first()
    if delivery is None or delivery.state in (WebhookState.SENT, WebhookState.FAILED):
        return delivery is not None and delivery.state == WebhookState.SENT
    receiver = delivery.receiver
    body = json.dumps(payload(delivery.alert), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "civicportal-alerts/1",
        "X-Civicportal-Timestamp": timestamp,
        "X-Civicportal-Signature": signature(receiver.secret, timestamp, body),
        "X-Civicportal-Delivery": f"alert-{delivery_id}",
    }
    attempts = delivery.attempts + 1
    try:
        response = requests.post(receiver.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS,
                                 allow_redirects=False)
    except requests.RequestException as exc:
        status, error, permanent = None, f"{type(exc).__name__}", False
    else:
        if 200 <= response.status_code < 300:
            _record(delivery_id, ok=True, status=response.status_code, error="", state=WebhookState.SENT,
                    attempts=attempts)
            return True
        status, error = response.status_code, f"HTTP {response.status_code}"
        permanent = 400 <= status < 500 and status not in (408, 429)
    final = permanent or last_try
    _record(delivery_id, ok=False, status=status, error=error,
            state=WebhookState.FAILED if final else WebhookState.RETRYING, attempts=attempts)
    if final:
        return False
    raise TemporaryWebhookError(error)
