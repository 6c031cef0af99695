"""Signed outbound webhooks to other city systems (signage, CATV, FM relays).

Not a resident channel: each active endpoint gets one POST per matching message. The body
is JSON; `X-Civicportal-Signature: sha256=<hex>` is HMAC-SHA256 over
`<X-Civicportal-Timestamp>.<body>` with the endpoint's secret, so a receiver can check
both origin and freshness. `X-Civicportal-Delivery` lets it drop a resend it already has.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from apps.notifications.transports.base import TransportError

TIMEOUT_SECONDS = 10


def payload(message) -> dict:
    return {
        "event": "message.published",
        "id": message.id,
        "title": message.title,
        "body": message.body,
        "variants": {v.language: {"title": v.title, "body": v.body} for v in message.variants.all()},
        "category": message.category,
        "priority": message.priority,
        "organisation": message.organisation_name,
        "audience": message.audience_summary,
        "link": message.link_url,
        "url": f"{settings.SITE_URL}/notifications/{message.id}/",
        "created_at": message.created_at,
        "expires_at": message.expires_at,
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookTransport:
    def send(self, *, endpoint, message, delivery_id: int) -> int:
        """POST the message; returns the HTTP status. Raises TransportError on failure."""
        body = json.dumps(payload(message), cls=DjangoJSONEncoder, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "civicportal-webhook/1",
            "X-Civicportal-Timestamp": timestamp,
            "X-Civicportal-Signature": signature(endpoint.secret, timestamp, body),
            "X-Civicportal-Delivery": str(delivery_id),
        }
        try:
            response = requests.post(endpoint.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS,
                                     allow_redirects=False)
        except requests.RequestException as exc:
            raise TransportError(f"{endpoint.name}: {exc}", permanent=False) from exc
        if 200 <= response.status_code < 300:
            return response.status_code
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        raise TransportError(f"{endpoint.name}: HTTP {response.status_code}", permanent=permanent)
